"""Hostile inputs: script and SQL payloads are stored verbatim and shown escaped; oversized requests and
hostile files get a clear refusal and leave nothing behind."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from govmedia.inquiries.models import Inquiry
from govmedia.org.models import ApiToken, User
from govmedia.publishing.models import Post
from govmedia.registry.models import Account
from govmedia.web.uploads import image_problem, storage_root, store

from .urlmap import _town_account

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE org_user; -- \" OR 1=1 --"


def _api(username: str) -> dict[str, str]:
    _, key = ApiToken.issue(User.objects.get(username=username))
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_script_and_sql_in_a_post_are_stored_verbatim_and_shown_escaped(login: Any) -> None:
    response = Client().post(
        "/api/v1/posts",
        {
            "accounts": [_town_account()],
            "title": f"标题{SCRIPT}",
            "body": f"正文{SQL}{SCRIPT}",
            "category": "a",
        },
        content_type="application/json",
        **_api("town_admin"),
    )
    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["id"])
    assert SCRIPT in post.title and SQL in post.body
    assert User.objects.filter(username="center").exists()  # the SQL did nothing
    html = login("town_admin").get(f"/publishing/{post.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html and "<img src=x onerror" not in html
    # The rows of the lists are built in Python (web.markup): the post waits for the legality review.
    submitted = Client().post(
        f"/api/v1/posts/{post.pk}/submit", {}, content_type="application/json", **_api("town_admin")
    )
    assert submitted.status_code == 200, submitted.content
    reviewer = login("legal_reviewer")
    for path in ("/", "/publishing/", "/publishing/?tab=all"):
        html = reviewer.get(path).content.decode()
        assert "标题&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, path
        assert '<script>alert("x")' not in html and "<img src=x onerror" not in html, path


@pytest.mark.django_db
def test_script_in_an_account_name_is_shown_escaped_in_the_ledger(login: Any) -> None:
    account = Account.objects.get(pk=_town_account())
    Account.objects.filter(pk=account.pk).update(name=f"账号{SCRIPT}")
    for who in ("center", "town_admin"):
        html = login(who).get("/registry/accounts/").content.decode()
        assert "账号&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, who
        assert '<script>alert("x")' not in html and "<img src=x onerror" not in html, who


@pytest.mark.django_db
def test_script_and_sql_in_a_message_are_stored_verbatim_and_shown_escaped(login: Any) -> None:
    before = Inquiry.objects.count()
    response = Client().post(
        "/api/v1/inquiries",
        {
            "account": _town_account(type="wechat"),
            "platform_message_id": SQL[:60],
            "sender": SCRIPT[:60],
            "content": f"{SCRIPT}{SQL}",
            "received_at": "2026-11-20T10:00:00+08:00",
            "kind": "complaint",
        },
        content_type="application/json",
        **_api("center"),
    )
    assert response.status_code == 201, response.content
    assert Inquiry.objects.count() == before + 1
    inquiry = Inquiry.objects.get(pk=response.json()["id"])
    assert inquiry.content == f"{SCRIPT}{SQL}"
    # 待我办理 (the office leader's instruction) and the search are rows built in Python (web.markup).
    pages = [("center", "/inquiries/?tab=all"), ("center", f"/inquiries/{inquiry.pk}/")]
    for who, path in [*pages, ("office_leader", "/inquiries/")]:
        html = login(who).get(path).content.decode()
        assert "&lt;script&gt;" in html, path
        assert '<script>alert("x")' not in html, path


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["title", "body", "category", "kind", "portal_url"])
def test_api_text_fields_take_hostile_strings_without_500(field: str) -> None:
    headers = _api("town_admin")
    for value in (SCRIPT, SQL, "\x00\ud7ff", "𠮷" * 5000, "%s%n{0}${jndi:ldap://x}"):
        body = {"accounts": [_town_account()], "title": "t", "body": "b", "category": "a", field: value}
        response = Client().post("/api/v1/posts", body, content_type="application/json", **headers)
        assert response.status_code in (201, 400, 422), (field, value[:20], response.status_code)


@pytest.mark.django_db
def test_an_oversized_request_is_refused_and_stores_nothing(login: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    before = Post.objects.count()
    big = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    response = Client().post(
        "/api/v1/posts",
        {"accounts": [_town_account()], "title": "t", "body": big, "category": "a"},
        content_type="application/json",
        **_api("town_admin"),
    )
    assert response.status_code in (400, 413), response.status_code
    page = login("town_admin").post("/publishing/new/", {"title": "t", "body": big})
    assert page.status_code in (400, 413), page.status_code
    assert Post.objects.count() == before


def _png(width: int, height: int) -> bytes:
    """A valid PNG header claiming any size, with a tiny compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _gif(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("P", (8, 8)).save(buf, "GIF")
    data = bytearray(buf.getvalue())
    data[6:10] = struct.pack("<HH", width, height)  # logical screen size
    return bytes(data)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buf, "JPEG")
    return buf.getvalue()


HOSTILE_FILES = {
    "truncated jpeg": _jpeg()[:200],
    "gif+html polyglot": b"GIF89a<html><script>alert(1)</script></html>",
    "html named as image": b"<html><script>alert(1)</script></html>",
    "png claiming 100000x100000": _png(100_000, 100_000),
    "gif claiming 65535x65535": _gif(65_535, 65_535),
    "empty": b"",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_files_are_refused_and_leave_nothing(name: str) -> None:
    data = HOSTILE_FILES[name]
    with pytest.raises(ValidationError) as refused:
        store([data], max_bytes=5 * 1024 * 1024, check=image_problem)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value)), "a Chinese reason"
    leftovers = [p for p in Path(storage_root()).rglob("*") if p.is_file()]
    assert leftovers == []


@pytest.mark.django_db
def test_size_limit_is_enforced_while_streaming() -> None:
    seen = []

    def endless() -> Any:
        for _ in range(1000):
            seen.append(1)
            yield b"\0" * 65536

    with pytest.raises(ValidationError):
        store(endless(), max_bytes=1024 * 1024, check=image_problem)
    assert len(seen) <= 17  # stopped at the limit, not after reading everything
    assert [p for p in Path(storage_root()).rglob("*") if p.is_file()] == []


def test_pillow_bomb_guard_is_on() -> None:
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= 200_000_000


HUGE_ID = "99999999999999999999"  # beyond a database integer: SQLite refused it with OverflowError (a 500)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url", "field", "model"),
    [
        ("town_admin", "/publishing/new/", "accounts", "publishing.Post"),
        ("town_admin", "/publishing/new/", "materials", "publishing.Post"),
        ("center", "/publishing/tasks/", "units", "publishing.CoordinationTask"),
        ("duty_officer", "/security/incidents/new/", "accounts", "security.Incident"),
        ("duty_officer", "/security/roster/", "people", "security.DutyShift"),
    ],
)
def test_an_id_beyond_the_databases_integers_is_an_invalid_choice(
    login: Any, username: str, url: str, field: str, model: str
) -> None:
    """Bad input gets a Chinese message and changes nothing: a check box value no database integer holds."""
    from django.apps import apps

    rows = apps.get_model(model)
    before = rows.objects.count()
    client = login(username)
    page = client.get(url)
    assert page.status_code == 200, url
    response = client.post(url, {field: [HUGE_ID], "title": "标题"})
    assert response.status_code in (200, 422)  # the security forms answer an invalid form with 422
    assert "选择一个有效的选项" in response.content.decode()
    assert rows.objects.count() == before


@pytest.mark.django_db
def test_a_task_id_beyond_the_databases_integers_is_not_found(login: Any) -> None:
    client = login("town_admin")
    assert client.get(f"/publishing/tasks/{HUGE_ID}/answer/").status_code == 404
    assert client.post(f"/publishing/tasks/{HUGE_ID}/answer/", {"post": HUGE_ID}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", HUGE_ID])
@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("center", "/registry/accounts/?unit={}"),
        ("center", "/inquiries/?account={}&unit={}"),
        ("sysadmin", "/org/people/?unit={}"),
        ("duty_officer", "/security/incidents/new/?patrol={}"),
        ("duty_officer", "/security/patrols/new/?account={}"),
        ("center", "/publishing/?tab=all&unit={}&account={}"),
        ("center", "/reports/inspection/?unit={}"),
        ("center", "/reports/?period=year&year={}"),
        ("sysadmin", "/calendar/?year={}"),
        ("secadmin", "/security/comments/new/?inquiry={}"),
    ],
)
def test_an_id_in_a_link_that_is_no_number_or_too_large_is_answered_not_a_500(
    login: Any, username: str, url: str, bad: str
) -> None:
    """「²」 passed str.isdigit() and then broke int(); a number beyond a database integer broke SQLite. Each
    page now answers as for any unknown id: the list without it, 「不存在」, or 404."""
    response = login(username).get(url.format(bad, bad))
    assert response.status_code in (200, 400, 404)
    if response.status_code == 400:
        assert "不存在" in response.content.decode() or "整数" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/posts", "/api/v1/inquiries", "/api/v1/incidents", "/api/v1/patrols"]
)
def test_api_lists_take_an_offset_past_any_row(path: str) -> None:
    """An offset beyond a database integer broke SQLite (a 500): it is an empty page like any offset past
    the rows."""
    response = Client().get(f"{path}?offset={HUGE_ID}", **_api("center"))
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/filings", "/api/v1/incidents", "/api/v1/patrols"])
def test_api_refuses_an_account_id_beyond_the_databases_integers(path: str) -> None:
    response = Client().get(f"{path}?account={HUGE_ID}", **_api("center"))
    assert response.status_code == 422
    assert response.json()["detail"] == "请求内容不符合接口要求。"


@pytest.mark.django_db
def test_api_refuses_a_post_on_an_account_id_beyond_the_databases_integers() -> None:
    before = Post.objects.count()
    body = {"accounts": [int(HUGE_ID)], "title": "标题", "body": "正文"}
    response = Client().post("/api/v1/posts", body, content_type="application/json", **_api("town_admin"))
    assert response.status_code == 422
    assert Post.objects.count() == before
