"""POST /api/v1/check: the content and format check over the CONTRACT's POST.json keys (text only)."""

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govmedia.api.errors import Unprocessable
from govmedia.org.permissions import require

from . import services
from .core import PostInputError, parse_post, report

router = Router(tags=["内容检查"])


class CheckIn(Schema):
    """Documents the body; see CONTRACT.md for each key."""

    platform: str | None = None
    title: Any = None
    body: Any = None
    category: Any = None
    kind: Any = None
    repost: Any = None
    portal_url: Any = None
    emergency: Any = None
    media: Any = None


class FindingOut(Schema):
    rule: str
    clause: str
    severity: str
    field: str
    message: str
    value: Any = None
    limit: Any = None
    span: list[int] | None = None


class CheckOut(Schema):
    ok: bool
    findings: list[FindingOut]


_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": CheckIn.model_json_schema()}},
    }
}


@router.post("/check", response=CheckOut, summary="内容与格式检查", openapi_extra=_BODY)
def check(request: HttpRequest) -> dict[str, Any]:
    """The POST.json keys of CONTRACT.md, plus `platform`; without it only the content and post rules
    apply. Media files are not accepted here. The body is parsed here so every bad input is a 422."""
    require(request.user, "compliance.check")
    try:
        data = json.loads(request.body or b"")
    except (ValueError, RecursionError):
        raise Unprocessable("请求内容不是有效的JSON。") from None
    if not isinstance(data, dict):
        raise Unprocessable("请求内容应为一个JSON对象。")
    platform = data.pop("platform", None)
    if platform is not None and not isinstance(platform, str):
        raise Unprocessable("“platform”应为文本。")
    known = services.profiles()
    if platform is not None and platform not in known:
        raise Unprocessable(f"未知平台“{platform}”（可选：{'、'.join(known)}）")
    try:
        post = parse_post(data, allow_media=False)
    except PostInputError as exc:
        raise Unprocessable(f"输入有误：{exc}") from None
    user: Any = request.user
    return report(services.check_post(post, platform, services.portal_domains(user.county_id)))
