"""REST API `incidents` and `patrols` (CONTRACT.md): shapes, 401, 403, 404, 409, 422; never 500."""

from typing import Any

import pytest

from govmedia.registry.models import Account
from govmedia.security.models import Incident, Patrol

from .conftest import ALL_OK

pytestmark = pytest.mark.django_db
LEAK = {"kind": "leak", "severity": "major", "title": "账号泄露", "description": "异地登录"}


def test_r6_3_1_incident_lifecycle_over_the_api(api: Any, accounts: dict[str, Account]) -> None:
    duty = api("duty_officer")
    created = duty.post("/incidents", {**LEAK, "accounts": [accounts["edu"].pk]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["accounts"] == [accounts["edu"].pk] and len(body["steps"]) == 8
    assert (
        body["rotation_tasks"][0]["reason"] == "leak"
        and body["rotation_tasks"][0]["account"] == accounts["edu"].pk
    )
    assert body["occurred_at"].endswith("+08:00") and body["steps"][0]["done_at"] is None
    iid = body["id"]
    assert duty.post(f"/incidents/{iid}/close", {"review": "复盘"}).status_code == 409
    for step in body["steps"]:
        done = duty.post(f"/incidents/{iid}/steps/{step['id']}/done", {"note": "已办"})
        assert done.status_code == 200
    assert duty.post(f"/incidents/{iid}/steps/{body['steps'][0]['id']}/done", {}).status_code == 409
    assert duty.post(f"/incidents/{iid}/notes", {"text": "平台已解冻"}).status_code == 200
    closed = duty.post(f"/incidents/{iid}/close", {"review": "原因：弱密码"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert duty.post(f"/incidents/{iid}/notes", {"text": "再补充"}).status_code == 409
    timeline = duty.get(f"/incidents/{iid}/timeline").json()
    assert timeline[0]["kind"] == "opened" and timeline[-1]["kind"] == "closed"
    listing = duty.get(f"/incidents?account={accounts['edu'].pk}").json()
    assert set(listing) == {"items", "count"} and listing["count"] == 1 and listing["items"][0]["id"] == iid


def test_incident_api_errors(api: Any, accounts: dict[str, Account]) -> None:
    n = Incident.objects.count()
    assert api(None).get("/incidents").status_code == 401
    assert (
        api("duty_officer")
        .post("/incidents", {**LEAK, "kind": "x", "accounts": [accounts["edu"].pk]})
        .status_code
        == 422
    )
    assert api("duty_officer").post("/incidents", {**LEAK, "accounts": "all"}).status_code == 422
    assert api("duty_officer").post("/incidents", "{not json").status_code in (400, 422)
    assert (
        api("duty_officer")
        .post("/incidents", {**LEAK, "accounts": [accounts["edu"].pk], "occurred_at": "soon"})
        .status_code
        == 422
    )
    assert api("edu_admin").post("/incidents", {**LEAK, "accounts": [accounts["town"].pk]}).status_code == 422
    assert (
        api("office_leader").post("/incidents", {**LEAK, "accounts": [accounts["town"].pk]}).status_code
        == 403
    )
    assert Incident.objects.count() == n
    iid = api("duty_officer").post("/incidents", {**LEAK, "accounts": [accounts["town"].pk]}).json()["id"]
    assert api("edu_admin").get(f"/incidents/{iid}").status_code == 404
    assert api("town_admin").get(f"/incidents/{iid}").status_code == 200
    assert api("town_admin").post(f"/incidents/{iid}/notes", {"text": "x"}).status_code == 403
    assert api("duty_officer").post(f"/incidents/{iid}/steps/999999/done", {}).status_code == 422
    assert api("duty_officer").get("/incidents/999999").status_code == 404
    assert api("duty_officer").get("/incidents?limit=-5&offset=-3").status_code == 200


def test_r6_2_2_patrols_over_the_api(api: Any, accounts: dict[str, Account]) -> None:
    duty = api("duty_officer")
    created = duty.post("/patrols", {"account": accounts["edu"].pk, **ALL_OK, "result": "normal"})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["by"] == "duty_officer" and created.json()["account"] == accounts["edu"].pk
    assert created.json()["at"].endswith("+08:00")
    assert duty.get(f"/patrols/{pid}").json()["result"] == "normal"
    listing = duty.get(f"/patrols?account={accounts['edu'].pk}").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == pid
    assert api("town_admin").get(f"/patrols/{pid}").status_code == 404
    assert api("town_admin").get(f"/patrols?account={accounts['edu'].pk}").json()["count"] == 0
    missed = duty.get(f"/patrols/missed?account={accounts['edu'].pk}")
    assert missed.status_code == 200 and isinstance(missed.json(), list)


def test_patrol_api_errors(api: Any, accounts: dict[str, Account]) -> None:
    n = Patrol.objects.count()
    duty = api("duty_officer")
    assert api(None).post("/patrols", {}).status_code == 401
    assert (
        duty.post(
            "/patrols",
            {"account": accounts["edu"].pk, **ALL_OK, "front_content_ok": False, "result": "normal"},
        ).status_code
        == 422
    )
    assert (
        duty.post("/patrols", {"account": accounts["edu"].pk, **ALL_OK, "result": "anomaly"}).status_code
        == 422
    )
    assert duty.post("/patrols", {"account": accounts["edu"].pk}).status_code == 422
    assert duty.post("/patrols", {"account": 999999, **ALL_OK, "result": "normal"}).status_code == 404
    assert (
        api("edu_admin")
        .post("/patrols", {"account": accounts["town"].pk, **ALL_OK, "result": "normal"})
        .status_code
        == 404
    )
    assert (
        api("office_leader")
        .post("/patrols", {"account": accounts["town"].pk, **ALL_OK, "result": "normal"})
        .status_code
        == 403
    )
    assert duty.get("/patrols?start=2026-13-01").status_code == 422
    assert duty.get("/patrols/missed?start=2026-01-01&end=2026-12-31").status_code == 422
    assert duty.get("/patrols/missed?start=2026-02-01&end=2026-01-01").status_code == 422
    Account.objects.filter(pk=accounts["edu"].pk).update(status="shutdown")
    assert (
        duty.post("/patrols", {"account": accounts["edu"].pk, **ALL_OK, "result": "normal"}).status_code
        == 422
    )
    assert Patrol.objects.count() == n
