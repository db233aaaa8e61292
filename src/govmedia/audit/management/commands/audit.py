from typing import Any

from govmedia.audit.services import verify
from govmedia.web.commands import JsonCommand


class Command(JsonCommand):
    help = "责任日志：govmedia audit verify 校验哈希链"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="校验责任日志哈希链")

    def run(self, **options: Any) -> dict[str, Any]:
        ok, count, broken, reason = verify()
        if ok:
            self.say(f"责任日志完整，共{count}条。")
            return {"ok": True, "entries": count}
        entry_id = broken.pk if broken else None
        self.refuse(
            f"责任日志校验失败：第{entry_id}条，{reason}。",
            {"ok": False, "entries": count, "broken_entry": entry_id, "reason": reason},
        )
