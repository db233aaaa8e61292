"""govmedia worker [--once]: claim and run due platform work, tamper checks and sweeps; several may run."""

from typing import Any

from django.core.management.base import CommandParser

from govmedia.web.commands import JsonCommand

from ...worker import Worker


class Command(JsonCommand):
    help = "后台任务：按时发布、发送回复、核对已发布内容、定期清扫（可同时运行多个）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出")
        parser.add_argument("--poll", type=float, default=2.0, help="空闲时的轮询间隔（秒）")
        parser.add_argument("--sweep-every", type=float, default=60.0, help="清扫间隔（秒）")
        parser.add_argument("--name", default="", help="工作进程名称（显示在每次尝试上）")

    def run(self, **options: Any) -> dict[str, Any]:
        worker = Worker(options["name"], options["poll"], options["sweep_every"])
        if options["once"]:
            return worker.run_once()
        self.say(f"后台任务进程 {worker.name} 已启动（Ctrl+C 停止）")
        worker.run_forever()
        self.say("后台任务进程已停止")
        return {"stopped": worker.name}
