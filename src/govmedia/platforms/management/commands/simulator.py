"""govmedia simulator [--port 8100]: serve the platform simulator alone (WeChat and Weibo API subset).

Point the adapters at it with WECHAT_API_BASE=http://127.0.0.1:8100/simulator/wechat and
WEIBO_API_BASE=http://127.0.0.1:8100/simulator/weibo."""

import contextlib
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application

from govmedia.web.commands import JsonCommand


class Command(JsonCommand):
    help = "单独运行平台模拟器（微信公众平台、微博接口子集）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)

    def run(self, **options: Any) -> dict[str, Any]:
        settings.SIMULATOR_ENABLED = True
        base = f"http://{options['host']}:{options['port']}/simulator"
        self.say(f"平台模拟器：{base}/ （微信接口 {base}/wechat，微博接口 {base}/weibo），Ctrl+C 停止")
        with contextlib.suppress(KeyboardInterrupt):
            run(options["host"], options["port"], get_wsgi_application(), threading=True)
        return {"stopped": base}
