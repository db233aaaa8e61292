from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction

from govmedia.web.commands import BadInput, JsonCommand

DEFAULT_PASSWORD = "Demo-2026!yaoan"


class Command(JsonCommand):
    help = "建立姚安县演示数据（可重复运行），输出演示登录账号"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password", help=f"演示账号的密码（给出时重置所有演示账号；默认 {DEFAULT_PASSWORD}）"
        )

    def run(self, **options: Any) -> dict[str, Any]:
        password = DEFAULT_PASSWORD if options["password"] is None else options["password"]
        if len(password) < 8:
            raise BadInput("演示密码至少8位。")
        ctx: dict[str, Any] = {"password": password, "reset_passwords": options["password"] is not None}
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("govmedia."):
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.build(ctx)
        self.say(f"演示数据已就绪。演示账号密码：{password}")
        for login in ctx["logins"]:
            self.say(f"  {login['username']:<18}{login['role']}")
        return {"users": ctx["logins"], "password": password}
