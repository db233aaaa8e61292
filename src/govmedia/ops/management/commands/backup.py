from pathlib import Path
from typing import Any

from govmedia.audit.services import record
from govmedia.ops.backup import BackupError, backup
from govmedia.web.commands import BadInput, JsonCommand


class Command(JsonCommand):
    help = "备份：govmedia backup DIR，把数据库、上传文件和哈希清单写入一个新目录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="备份目录（不存在或为空）")

    def run(self, **options: Any) -> dict[str, Any]:
        try:
            result = backup(Path(options["dir"]))
        except BackupError as exc:
            if exc.bad_input:
                raise BadInput(str(exc)) from exc
            self.refuse(str(exc), {"ok": False, "reason": str(exc)})
        record("ops.backup", after=result)
        self.say(f"备份完成：{result['dir']}，文件{result['files']}个，责任日志{result['audit_entries']}条。")
        return {"ok": True, **result}
