"""REST API for inquiries and their actions, exactly per CONTRACT.md (R7-1…R7-4, R7-6)."""

import json
from typing import Any

import pytest
from django.test import Client

from govmedia.inquiries.models import Inquiry
from govmedia.org.models import Unit
from govmedia.registry.models import Account

URL = "/api/v1/inquiries"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def body(acc: Account, **extra: Any) -> dict[str, Any]:
    return {
        "account": acc.pk,
        "platform_message_id": "wb-1001",
        "sender": "网友甲",
        "content": "县城公交几点收车？",
        "received_at": "2026-11-27T10:00:00+08:00",
        "kind": "consultation",
        **extra,
    }


def test_r7_api_whole_path_by_contract_roles(api: Any, account: Account, channel: Any) -> None:
    """R7-1..R7-4 through the API with the CONTRACT's "Who acts" logins; every step carries due_at."""
    r = post(api("center"), URL, body(account))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "registered" and data["kind"] == "consultation" and data["sender"] == "网友甲"
    assert {"id", "kind", "due_at", "assignee_role"} <= set(data["steps"][0])
    pk = data["id"]
    edu = Unit.objects.get(name="县教育体育局").pk
    act = f"{URL}/{pk}/actions/"
    assert post(api("center"), act + "instruct", {"comment": "x"}).status_code == 403
    r = post(api("office_leader"), act + "instruct", {"comment": "请教育局办理", "units": [edu]})
    assert r.status_code == 200 and r.json()["status"] == "to_transfer"
    assert post(api("office_leader"), act + "transfer", {"units": [edu]}).status_code == 403
    r = post(api("center"), act + "transfer", {"units": [edu]})
    assert r.status_code == 200 and r.json()["status"] == "transferred"
    draft = next(s for s in r.json()["steps"] if s["kind"] == "draft_reply")
    assert draft["due_at"].endswith("23:59:59+08:00") and draft["assignee_unit"] == edu
    assert (
        post(api("town_admin"), act + "draft_reply", {"text": "x"}).status_code == 404
    )  # not transferred to 栋川镇
    assert post(api("edu_leader"), act + "draft_reply", {"text": "x"}).status_code == 403
    assert post(api("edu_admin"), act + "draft_reply", {"text": "  "}).status_code == 422
    assert post(api("edu_admin"), act + "draft_reply", {"text": "末班车21:30。"}).status_code == 200
    assert post(api("edu_admin"), act + "sign_off", {}).status_code == 403
    assert post(api("edu_leader"), act + "sign_off", {"comment": "同意"}).json()["status"] == "compiling"
    assert (
        post(api("center"), act + "compile", {"text": "您好，末班车21:30。"}).json()["status"] == "reviewing"
    )
    assert post(api("center"), act + "review", {}).status_code == 403
    r = post(api("office_leader"), act + "review", {"comment": "同意"})
    reply_step = next(s for s in r.json()["steps"] if s["kind"] == "reply")
    assert r.json()["status"] == "to_reply" and reply_step["due_at"].endswith("+08:00")
    r = post(api("center"), act + "reply", {"text": "您好，末班车21:30。"})
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["replied_at"]
    assert post(api("center"), act + "reply", {}).status_code == 409
    assert post(api("center"), act + "return", {"comment": "x"}).status_code == 409


def test_r7_api_petition_and_return(api: Any, account: Account, channel: Any) -> None:
    pk = post(api("center"), URL, body(account, kind="petition")).json()["id"]
    r = post(api("office_leader"), f"{URL}/{pk}/actions/return", {"comment": ""})
    assert r.status_code == 422
    r = post(api("center"), f"{URL}/{pk}/actions/petition", {"comment": "告知"})
    assert (
        r.status_code == 200 and r.json()["status"] == "closed" and "姚安县信访局" in r.json()["reply_text"]
    )


def test_r7_api_duplicates_and_bad_input_are_refused(api: Any, account: Account) -> None:
    client = api("center")
    assert post(client, URL, body(account)).status_code == 201
    r = post(client, URL, body(account))
    assert r.status_code == 422 and "重复" in json.dumps(r.json(), ensure_ascii=False)
    for bad in (
        {"content": ""},
        {"kind": "spam"},
        {"account": 999999},
        {"received_at": "昨天"},
        {"received_at": "2999-01-01T00:00:00+08:00"},
        {"content": "长" * 5001},
        {"account": "abc"},
    ):
        r = post(client, URL, body(account, platform_message_id="other", **bad))
        assert r.status_code == 422, (bad, r.content)
    assert client.post(URL, data="{not json", content_type="application/json").status_code in (400, 422)
    assert Inquiry.objects.filter(account=account).count() == 1


def test_r7_api_permissions_and_visibility(api: Any, account: Account) -> None:
    """Only the centre registers; a unit sees only messages transferred to it (404, not 403)."""
    assert post(api("edu_admin"), URL, body(account)).status_code == 403
    pk = post(api("center"), URL, body(account)).json()["id"]
    assert api("edu_admin").get(f"{URL}/{pk}").status_code == 404
    assert api("edu_admin").get(URL, {"account": account.pk}).json() == {"items": [], "count": 0}
    assert all(i["id"] != pk for i in api("edu_admin").get(URL, {"limit": 200}).json()["items"])
    assert api("office_leader").get(f"{URL}/{pk}").status_code == 200
    assert Client().get(f"{URL}/{pk}").status_code == 401
    r = post(api("center"), f"{URL}/{pk}/actions/fly", {})
    assert r.status_code == 422
    assert post(api("center"), f"{URL}/999999/actions/instruct", {}).status_code == 404


def test_r7_api_list_filters_and_pages(api: Any, account: Account) -> None:
    client = api("center")
    for n, kind in enumerate(["consultation", "complaint", "complaint"]):
        post(client, URL, body(account, platform_message_id=f"p{n}", kind=kind, sender=f"人{n}"))
    data = client.get(URL, {"account": account.pk, "kind": "complaint"}).json()
    assert data["count"] == 2 and len(data["items"]) == 2
    assert client.get(URL, {"account": account.pk, "sender": "人0"}).json()["count"] == 1
    assert len(client.get(URL, {"account": account.pk, "limit": 1}).json()["items"]) == 1
    assert client.get(URL, {"limit": "many"}).status_code == 422


@pytest.mark.parametrize("payload", [{"units": "all"}, {"units": [None]}, {"text": ["x"]}])
def test_r7_api_malformed_action_bodies_are_422(api: Any, account: Account, payload: Any) -> None:
    pk = post(api("center"), URL, body(account)).json()["id"]
    assert post(api("office_leader"), f"{URL}/{pk}/actions/instruct", payload).status_code == 422
