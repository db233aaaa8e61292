from typing import Any

from govmedia.web.commands import JsonCommand
from govmedia.web.sweep import run_all


class Command(JsonCommand):
    help = "标记超期事项并发送到期提醒；可每分钟运行一次"

    def run(self, **options: Any) -> dict[str, Any]:
        done = run_all()
        self.say("巡检完成：" + ("，".join(f"{k} {v}项" for k, v in done.items()) or "无待处理事项"))
        return {"ok": True, "swept": done}
