"""GET /api/v1/calendar/workdays/*: the CLI's shapes (CONTRACT.md, R B-1); 422 on bad input."""

from typing import Any

import pytest
from django.test import Client

from govmedia.org.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast: Any) -> Client:
    _, key = ApiToken.issue(cast["center"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_b1_api_add_before_is(api: Client) -> None:
    r = api.get("/api/v1/calendar/workdays/add", {"start": "2025-09-26", "n": "5"})
    assert r.status_code == 200
    assert r.json() == {
        "start": "2025-09-26",
        "n": 5,
        "date": "2025-10-10",
        "due": "2025-10-10T23:59:59+08:00",
        "provisional": False,
    }
    r = api.get("/api/v1/calendar/workdays/before", {"date": "2025-10-09", "n": "5"})
    assert (r.status_code, r.json()["date"]) == (200, "2025-09-25")
    r = api.get("/api/v1/calendar/workdays/is", {"date": "2025-09-28"})
    assert r.json() == {
        "date": "2025-09-28",
        "workday": True,
        "kind": "adjusted_workday",
        "holiday": None,
        "provisional": False,
    }
    assert api.get("/api/v1/calendar/workdays/is", {"date": "2099-01-01"}).json()["provisional"] is True


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("add", {"start": "2025-09-26", "n": "-1"}, "不小于0的整数"),
        ("add", {"start": "2025-09-26", "n": "abc"}, "不小于0的整数"),
        ("before", {"date": "2025-02-30", "n": "1"}, "不存在"),
        ("is", {"date": "10/01/2025"}, "YYYY-MM-DD"),
        ("add", {"start": "9999-12-31", "n": "3"}, "范围"),
        ("add", {"start": "2025-09-26"}, "请求内容不符合接口要求"),
    ],
)
def test_b1_api_bad_input_is_422_in_chinese(
    api: Client, url: str, params: dict[str, str], message: str
) -> None:
    r = api.get(f"/api/v1/calendar/workdays/{url}", params)
    assert r.status_code == 422
    assert message in r.json()["detail"]


def test_b1_api_needs_a_token() -> None:
    assert Client().get("/api/v1/calendar/workdays/is", {"date": "2025-10-01"}).status_code == 401
