"""POST /api/v1/check: the CONTRACT's POST.json keys in, {"ok", "findings"} out; bad input is a 422."""

import json
from typing import Any

import pytest
from django.test import Client

from govmedia.org.models import ApiToken, User


@pytest.fixture
def api(cast: dict[str, User]) -> Any:
    _, key = ApiToken.issue(cast["edu_admin"])

    def post(body: Any) -> Any:
        raw = body if isinstance(body, str) else json.dumps(body)
        return Client().post(
            "/api/v1/check", raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    return post


def test_check_answers_ok_and_findings(api: Any) -> None:
    response = api({"platform": "wechat", "title": "通" * 35, "body": "网传", "category": "a"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert [f["rule"] for f in body["findings"]] == ["wechat.title.max_bytes", "content.unverified"]
    assert body["findings"][1]["span"] == [0, 2]


def test_check_without_platform_checks_content_only(api: Any) -> None:
    body = api({"title": "通" * 100, "category": "a"}).json()
    assert body == {"ok": True, "findings": []}


def test_check_post_rules(api: Any) -> None:
    body = api({"kind": "repost", "category": "a", "repost": {"source": "x"}}).json()
    assert body["ok"] is False and {f["field"] for f in body["findings"]} == {
        "repost.author",
        "repost.original_title",
        "repost.reposted_at",
    }


@pytest.mark.parametrize(
    "payload",
    [
        {"platform": "myspace"},
        {"kind": "blog"},
        {"title": 5},
        {"emergency": "yes"},
        {"media": [{"path": "/etc/passwd", "kind": "image"}]},
        "not json",
        "[]",
    ],
)
def test_bad_input_is_422_never_500(api: Any, payload: Any) -> None:
    response = api(payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_check_needs_a_token() -> None:
    assert Client().post("/api/v1/check", "{}", content_type="application/json").status_code == 401


def test_openapi_documents_check(api: Any, cast: dict[str, User]) -> None:
    _, key = ApiToken.issue(cast["center"])
    schema = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert "/api/v1/check" in schema["paths"]
