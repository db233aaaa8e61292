"""Helpers of the security tests: accounts made directly, images and documents as bytes, an API client."""

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from govmedia.org.models import ApiToken, Unit, User
from govmedia.registry.models import Account


def make_account(unit_name: str, name: str, type_: str = "weibo", days_old: int = 30, **kw: Any) -> Account:
    account = Account.objects.create(
        unit=Unit.objects.get(name=unit_name),
        type=type_,
        name=name,
        link=f"https://example.cn/{name}",
        status="operating",
        **kw,
    )
    Account.objects.filter(pk=account.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    account.refresh_from_db()
    return account


@pytest.fixture
def accounts(db: Any, cast: dict[str, User]) -> dict[str, Account]:
    return {
        "county": make_account("姚安县人民政府", "测试姚安发布", security_officer=cast["center"]),
        "edu": make_account(
            "县教育体育局",
            "测试姚安教育",
            "wechat",
            wechat_kind="subscription",
            security_officer=cast["edu_admin"],
        ),
        "town": make_account(
            "栋川镇",
            "测试姚安栋川",
            "wechat",
            wechat_kind="subscription",
            security_officer=cast["town_admin"],
        ),
    }


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def png(name: str = "shot.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def media_files(settings: Any) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


class Api:
    def __init__(self, user: User | None) -> None:
        if user is None:
            self.client = Client()
        else:
            _, key = ApiToken.issue(user)
            self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(f"/api/v1{path}", data, content_type="application/json")


@pytest.fixture
def api(cast: dict[str, User]) -> Any:
    return lambda username: Api(cast[username] if username else None)


ALL_OK = {
    "front_content_ok": True,
    "front_comments_ok": True,
    "back_operators_ok": True,
    "back_signins_ok": True,
    "back_interfaces_ok": True,
}
