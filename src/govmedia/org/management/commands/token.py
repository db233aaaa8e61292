from typing import Any

from govmedia.audit.services import record
from govmedia.org.models import ApiToken, User
from govmedia.web.commands import BadInput, JsonCommand


class Command(JsonCommand):
    help = "接口令牌：govmedia token create USERNAME"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        create = sub.add_parser("create", help="为用户签发REST接口令牌")
        create.add_argument("username")

    def run(self, **options: Any) -> dict[str, Any]:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise BadInput(f"用户“{options['username']}”不存在或已停用。")
        token, key = ApiToken.issue(user)
        record("api.token_issued", obj=user, after={"token_id": token.pk})
        self.say(f"已为{user}签发接口令牌，请妥善保存，令牌只显示这一次。")
        return {"token": key}
