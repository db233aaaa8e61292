from pathlib import Path
from typing import Any

from govmedia.audit.services import record
from govmedia.ops.backup import BackupError, restore
from govmedia.web.commands import BadInput, JsonCommand


class Command(JsonCommand):
    help = "恢复：govmedia restore DIR，从备份目录重建一个空实例（先校验清单，恢复后校验责任日志）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dir", help="govmedia backup 写出的备份目录")

    def run(self, **options: Any) -> dict[str, Any]:
        try:
            result = restore(Path(options["dir"]))
        except BackupError as exc:
            if exc.bad_input:
                raise BadInput(str(exc)) from exc
            self.refuse(str(exc), {"ok": False, "reason": str(exc)})
        record("ops.restored", after={"dir": str(options["dir"]), "files": result["files"]})
        self.say(f"恢复完成：文件{result['files']}个，责任日志{result['audit']['entries']}条，校验通过。")
        return result
