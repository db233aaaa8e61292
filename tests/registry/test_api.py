"""REST API `accounts` and `filings` (CONTRACT.md): shapes, scoping (404), permissions (403), state (409),
input (422)."""

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from govmedia.org.models import ApiToken, Unit, User
from govmedia.registry.models import Account, Filing

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: User) -> None:
        _, key = ApiToken.issue(user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def api(cast: dict[str, User]) -> Any:
    return lambda username: Api(cast[username])


def text(response: Any) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def unit_id(name: str) -> int:
    return Unit.objects.get(name=name).pk


def new_account_body(**kw: Any) -> dict[str, Any]:
    body = {
        "unit": unit_id("县教育体育局"),
        "type": "wechat",
        "wechat_kind": "service",
        "name": "姚安教育体育局服务",
        "link": "yaoan_edu_service",
        "planned_open_on": "2025-10-09",
        "wechat": {"token": "tok123", "aes_key": "k" * 43, "app_id": "wx1234567890"},
    }
    body.update(kw)
    return body


def test_r1_1_contract_minimal_post_creates_account_and_hides_secrets(api) -> None:
    response = api("edu_admin").post("/accounts", new_account_body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "planned" and data["id"] and data["wechat_configured"] is True
    shown = text(response)
    assert "tok123" not in shown and "wx1234567890" not in shown and "k" * 43 not in shown
    one = api("edu_admin").get(f"/accounts/{data['id']}")
    assert one.status_code == 200 and "tok123" not in text(one)
    assert Account.objects.get(pk=data["id"]).wechat_token == "tok123"


def test_r2_1_bad_input_is_422_in_chinese(api) -> None:
    client = api("edu_admin")
    assert client.post("/accounts", new_account_body(type="tiktok")).status_code == 422
    missing_kind = client.post("/accounts", new_account_body(wechat_kind=None))
    assert missing_kind.status_code == 422 and "订阅号或服务号" in text(missing_kind)
    bad_phone = client.post("/accounts", new_account_body(leader={"name": "陈刚", "mobile": "12345"}))
    assert bad_phone.status_code == 422 and "11位手机号码" in text(bad_phone)
    assert client.post("/accounts", new_account_body(unit=999999)).status_code == 422
    no_date = new_account_body()
    del no_date["planned_open_on"]
    assert client.post("/accounts", no_date).status_code == 422
    other = client.post("/accounts", new_account_body(type="other", wechat_kind=None))
    assert other.status_code == 422 and "其他" in text(other)
    assert client.client.post(
        "/api/v1/accounts", "{not json", content_type="application/json"
    ).status_code in (400, 422)
    assert not Account.objects.filter(name="姚安教育体育局服务").exists()


def test_r1_1_duplicate_account_is_refused(api) -> None:
    client = api("edu_admin")
    assert client.post("/accounts", new_account_body()).status_code == 201
    again = client.post("/accounts", new_account_body(link="other"))
    assert again.status_code == 422 and "重复登记" in text(again)


def test_unit_admin_registers_only_for_own_unit_center_for_any(api) -> None:
    assert api("edu_admin").post("/accounts", new_account_body(unit=unit_id("栋川镇"))).status_code == 403
    assert api("office_leader").post("/accounts", new_account_body()).status_code == 403
    assert (
        api("center")
        .post("/accounts", new_account_body(unit=unit_id("栋川镇"), name="姚安栋川镇服务"))
        .status_code
        == 201
    )


def test_list_is_paginated_and_scoped(api) -> None:
    edu = api("edu_admin").get("/accounts?limit=2")
    data = edu.json()
    assert set(data) == {"items", "count"}
    assert all(item["unit"]["name"] == "县教育体育局" for item in data["items"])
    everything = api("office_leader").get("/accounts?limit=2&offset=0").json()
    assert everything["count"] == Account.objects.count() and len(everything["items"]) == 2
    assert api("office_leader").get("/accounts?limit=0").status_code == 422


def test_another_units_rows_answer_404(api) -> None:
    town = Account.objects.filter(unit__name="栋川镇").first()
    assert town is not None
    assert api("edu_admin").get(f"/accounts/{town.pk}").status_code == 404
    assert api("center").get(f"/accounts/{town.pk}").status_code == 200
    filing = Filing.objects.filter(account=town).first()
    assert filing is not None
    assert api("edu_admin").get(f"/filings/{filing.pk}").status_code == 404
    assert api("edu_admin").post(f"/filings/{filing.pk}/review", {"decision": "accept"}).status_code == 404
    body = {"account": town.pk, "kind": "personnel_change", "event_date": "2026-03-02"}
    assert api("edu_admin").post("/filings", body).status_code == 404


def test_r4_2_6_filing_flow_over_the_api(api) -> None:
    """New account filed (R4.2-1), returned with reasons, resubmitted, accepted (R4.2-6)."""
    admin, office = api("edu_admin"), api("office_leader")
    body = new_account_body(
        leader={"name": "陈刚", "title": "副局长", "mobile": "13908781005"},
        admin={"name": "赵丽", "title": "管理员", "mobile": "13908781004"},
    )
    account_id = admin.post("/accounts", body).json()["id"]
    created = admin.post("/filings", {"account": account_id, "kind": "new", "event_date": "2025-10-09"})
    assert created.status_code == 201, created.content
    filing = created.json()
    assert filing["status"] == "submitted" and filing["due"] == "2025-09-25"
    assert filing["provisional"] is False and filing["late"] is True  # filed today, long after
    fid = filing["id"]
    assert admin.post(f"/filings/{fid}/review", {"decision": "accept"}).status_code == 403
    assert office.post(f"/filings/{fid}/review", {"decision": "maybe"}).status_code == 422
    assert office.post(f"/filings/{fid}/review", {"decision": "return", "comment": ""}).status_code == 422
    returned = office.post(f"/filings/{fid}/review", {"decision": "return", "comment": "请补充建设规划"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert office.post(f"/filings/{fid}/review", {"decision": "accept"}).status_code == 409
    assert admin.post(f"/filings/{fid}/submit", {}).json()["status"] == "submitted"
    accepted = office.post(f"/filings/{fid}/review", {"decision": "accept", "comment": "同意"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert admin.get(f"/accounts/{account_id}").json()["status"] == "filed"
    assert office.post(f"/filings/{fid}/review", {"decision": "accept"}).status_code == 409
    listed = office.get("/filings?status=accepted").json()
    assert any(item["id"] == fid for item in listed["items"])


def test_filing_kinds_over_the_api(api) -> None:
    admin = api("edu_admin")
    body = new_account_body(
        opened_on="2020-01-01",
        planned_open_on=None,
        leader={"name": "陈刚", "title": "副局长", "mobile": "13908781005"},
        admin={"name": "赵丽", "title": "管理员", "mobile": "13908781004"},
    )
    account_id = admin.post("/accounts", body).json()["id"]
    shutdown = admin.post(
        "/filings", {"account": account_id, "kind": "emergency_shutdown", "event_date": "2025-09-26"}
    )
    assert shutdown.status_code == 201 and shutdown.json()["due"] == "2025-10-10"
    people = admin.post(
        "/filings",
        {
            "account": account_id,
            "kind": "personnel_change",
            "event_date": "2025-09-30",
            "proposed": {"admin_name": "王芳"},
        },
    )
    assert people.json()["due"] == "2025-10-14"
    close = admin.post(
        "/filings",
        {"account": account_id, "kind": "close_change", "action": "close", "event_date": "2025-10-13"},
    )
    assert close.json()["due"] == "2025-09-29"
    existing = admin.post("/filings", {"account": account_id, "kind": "existing"})
    assert existing.status_code == 201 and existing.json()["event_date"] == "2026-01-01"
    again = admin.post("/filings", {"account": account_id, "kind": "existing"})
    assert again.status_code == 409
    assert (
        admin.post("/filings", {"account": account_id, "kind": "new", "event_date": "2026-01-01"}).status_code
        == 409
    )
    assert admin.post("/filings", {"account": account_id, "kind": "bogus"}).status_code == 422
    assert (
        admin.post("/filings", {"account": account_id, "kind": "close_change", "event_date": "x"}).status_code
        == 422
    )


def test_incomplete_a1_is_kept_as_draft_with_missing_fields(api) -> None:
    admin = api("edu_admin")
    account_id = admin.post("/accounts", new_account_body()).json()["id"]
    response = admin.post("/filings", {"account": account_id, "kind": "new", "event_date": "2025-10-09"})
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "draft" and "第一责任人姓名" in data["missing"]
    assert admin.post(f"/filings/{data['id']}/submit", {}).status_code == 422


def test_unauthenticated_is_401() -> None:
    assert Client().get("/api/v1/accounts").status_code == 401
    assert Client().post("/api/v1/filings", "{}", content_type="application/json").status_code == 401


def test_deregistration_over_the_api(api, cast) -> None:
    admin, office = api("edu_admin"), api("office_leader")
    body = new_account_body(
        opened_on="2020-01-01",
        planned_open_on=None,
        leader={"name": "陈刚", "title": "副局长", "mobile": "13908781005"},
        admin={"name": "赵丽", "title": "管理员", "mobile": "13908781004"},
    )
    account_id = admin.post("/accounts", body).json()["id"]
    fid = admin.post(
        "/filings",
        {"account": account_id, "kind": "close_change", "action": "close", "event_date": "2026-12-31"},
    ).json()["id"]
    early = admin.post(f"/filings/{fid}/deregistration", {"on": "2026-01-05", "evidence": "回执"})
    assert early.status_code == 409
    office.post(f"/filings/{fid}/review", {"decision": "accept"})
    done = admin.post(
        f"/filings/{fid}/deregistration", {"on": date.today().isoformat(), "evidence": "回执 123"}
    )
    assert done.status_code == 200 and done.json()["deregistered_on"]
    assert admin.get(f"/accounts/{account_id}").json()["status"] == "deregistered"
