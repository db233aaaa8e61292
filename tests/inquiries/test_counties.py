"""Chapter 7 in an instance holding several counties: nobody of 大姚县 (the `neighbour` fixture) sees or acts
on 姚安县's messages, and the other way round; lists, counts, to-dos and 督办 hold the own county's only."""

import json
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.inquiries import intake, services
from govmedia.inquiries.models import (
    Inquiry,
    Petition,
    PetitionChannel,
    Status,
    StepKind,
    StepState,
    SupervisionNotice,
)
from govmedia.inquiries.queries import steps_waiting_for, supervision_notices, supervisions_for
from govmedia.inquiries.supervision import supervise
from govmedia.inquiries.todo import inquiry_count, inquiry_items
from govmedia.org.models import RoleGrant, Unit, User
from govmedia.org.permissions import can
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState
from govmedia.web.todo import count_all, count_for, items_for

CROSS_COUNTY = "只能转给本县（市、区）的单位办理，不能转给其他县（市、区）的单位。"
DY_CHANNEL = {
    "address": "大姚县金碧镇信访接待室",
    "phone": "0878-6221234",
    "website": "https://xf.dayao.example.cn",
    "template": "{sender}您好：大姚县信访渠道：{address}，{phone}，{website}。",
}

_n = {"n": 0}


def _dy_inquiry(nb: dict[str, Any], **extra: Any) -> Inquiry:
    """A message on 大姚县人民政府's account, registered by 大姚县's centre (at the leader's instruction)."""
    _n["n"] += 1
    return intake.register(
        nb["people"]["dy_center"],
        {
            "account": nb["accounts"]["gov"].pk,
            "platform_message_id": f"dy-{_n['n']}",
            "sender_name": "大姚网友",
            "content": "金碧镇的路灯什么时候修？",
            "received_at": timezone.now(),
            "kind": "consultation",
            **extra,
        },
    )


def _open(inquiry: Inquiry) -> list[tuple[str, int | None]]:
    return list(
        inquiry.steps.filter(state=StepState.OPEN).order_by("id").values_list("kind", "assignee_unit")
    )


def _unchanged(inquiry: Inquiry, status: str, steps: list[tuple[str, int | None]]) -> None:
    inquiry.refresh_from_db()
    assert inquiry.status == status and _open(inquiry) == steps


def _count(user: User) -> int:
    """The navigation badge's share of the inquiries app (counted in SQL)."""
    return sum(count_all(inquiry_count(user)))


@pytest.fixture
def edu(db: Any) -> Unit:
    return Unit.objects.get(name="县教育体育局")


def test_r7_1_r7_2_r7_4_county_steps_are_held_by_the_own_county_only(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, edu: Unit
) -> None:
    """R7-1, R7-2, R7-4: 领导批示, 转办, 整理, 审核 and 回复 (steps held by the county level, no unit) are
    refused with PermissionDenied to the other county's leaders and centre, and change nothing."""
    p = neighbour["people"]
    ya, dy = new_inquiry(), _dy_inquiry(neighbour)
    for leader in (p["dy_office_leader"], p["dy_county_leader"]):
        with pytest.raises(PermissionDenied):
            services.instruct(leader, ya, "direct")
    with pytest.raises(PermissionDenied):
        services.instruct(cast["office_leader"], dy, "direct")
    with pytest.raises(PermissionDenied):
        services.return_step(p["dy_office_leader"], ya, "不是本县的")
    _unchanged(ya, Status.REGISTERED, [("instruct", None)])
    _unchanged(dy, Status.REGISTERED, [("instruct", None)])

    ya = services.instruct(cast["office_leader"], ya, "transfer", "", [edu.pk])
    with pytest.raises(PermissionDenied):
        services.transfer(p["dy_center"], ya)
    _unchanged(ya, Status.TO_TRANSFER, [("transfer", None)])

    dy = services.instruct(p["dy_office_leader"], dy, "direct")  # 大姚县's own leader may
    for who, action in ((cast["center"], "compile"), (cast["center"], "return")):
        with pytest.raises(PermissionDenied):
            services.act(who, dy, action, {"text": "姚安县代答", "comment": "退回"})
    dy = services.compile_reply(p["dy_center"], dy, "您好，近期修复。")
    with pytest.raises(PermissionDenied):
        services.review(cast["county_leader"], dy)
    dy = services.review(p["dy_county_leader"], dy)
    reply_step = dy.steps.get(kind=StepKind.REPLY, state=StepState.OPEN)
    assert not can(cast["center"], "inquiries.reply", reply_step)  # also the platform adapter's check
    assert can(p["dy_center"], "inquiries.reply", reply_step)
    with pytest.raises(PermissionDenied):
        services.reply(cast["center"], dy)
    _unchanged(dy, Status.TO_REPLY, [("reply", None)])


def test_r7_6_petition_and_r6_2_3_disposal_stay_in_the_county(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, channel: Any
) -> None:
    """R7-6: only the message's own centre tells the petition channel; R6.2-3: only its own county's centre,
    security administrator or duty officer records the disposal of a malicious message."""
    p = neighbour["people"]
    ya = new_inquiry(kind="petition")
    with pytest.raises(PermissionDenied):
        services.petition(p["dy_center"], ya)
    _unchanged(ya, Status.REGISTERED, [("instruct", None)])
    assert not hasattr(Inquiry.objects.get(pk=ya.pk), "petition")
    for who in ("dy_center", "dy_secadmin", "dy_duty"):
        assert not can(p[who], "inquiries.dispose", ya)
        with pytest.raises(PermissionDenied):
            services.dispose(p[who], ya, "已屏蔽")
    assert Inquiry.objects.get(pk=ya.pk).disposition == ""
    assert can(cast["duty_officer"], "inquiries.dispose", ya)

    dy = _dy_inquiry(neighbour, kind="petition")
    with pytest.raises(PermissionDenied):
        services.petition(cast["center"], dy)
    services.save_petition_channel(p["dy_center"], DY_CHANNEL)  # 大姚县 tells its own channel
    assert services.petition(p["dy_center"], dy).status == Status.CLOSED


def test_r7_1_screenshots_and_registration_only_on_the_own_county_accounts(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, account: Account
) -> None:
    """R7-1: the other county's centre cannot add screenshots to a message, nor register (singly or by
    spreadsheet) a message on an account of another county, even when handed the account itself."""
    p = neighbour["people"]
    with pytest.raises(PermissionDenied):
        intake.add_attachments(p["dy_center"], new_inquiry(), [])
    data = {"account": account, "content": "跨县登记", "received_at": timezone.now(), "kind": "other"}
    before = Inquiry.objects.count()
    with pytest.raises(ValidationError) as err:
        intake.register(p["dy_center"], data)
    assert err.value.message_dict == {"account": ["请选择正确的账号"]}
    with pytest.raises(ValidationError) as err:
        intake.register_many(p["dy_center"], [(2, data)])
    assert err.value.messages == ["第2行：请选择正确的账号"]
    with pytest.raises(ValidationError):
        intake.register(cast["center"], {**data, "account": neighbour["accounts"]["gov"]})
    assert Inquiry.objects.count() == before
    assert intake.register(p["dy_center"], {**data, "account": neighbour["accounts"]["town"]}).pk


def test_r7_2_transfer_to_another_countys_unit_is_refused_and_changes_nothing(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, edu: Unit, login: Any
) -> None:
    """R7-2: a message is transferred only to units of its own county; a unit of another county is refused
    with a clear Chinese message, by the leader's instruction, the centre's transfer, the page and the API."""
    p, dy_town = neighbour["people"], neighbour["units"]["town"]
    ya = new_inquiry()
    with pytest.raises(ValidationError) as err:
        services.instruct(cast["office_leader"], ya, "transfer", "", [edu.pk, dy_town.pk])
    assert err.value.message_dict == {"units": [CROSS_COUNTY]}
    _unchanged(ya, Status.REGISTERED, [("instruct", None)])

    ya = services.instruct(cast["office_leader"], ya, "transfer", "", [edu.pk])
    with pytest.raises(ValidationError) as err:
        services.transfer(cast["center"], ya, [dy_town.pk])
    assert err.value.message_dict == {"units": [CROSS_COUNTY]}
    _unchanged(ya, Status.TO_TRANSFER, [("transfer", None)])

    page = login("center").post(f"/inquiries/{ya.pk}/actions/transfer/", {"units": [dy_town.pk]}, follow=True)
    assert CROSS_COUNTY in page.content.decode()
    _unchanged(ya, Status.TO_TRANSFER, [("transfer", None)])

    dy = services.instruct(p["dy_office_leader"], _dy_inquiry(neighbour), "transfer")
    with pytest.raises(ValidationError) as err:
        services.transfer(p["dy_center"], dy, [edu.pk])
    assert err.value.message_dict == {"units": [CROSS_COUNTY]}
    _unchanged(dy, Status.TO_TRANSFER, [("transfer", None)])
    assert not SupervisionNotice.objects.filter(inquiry__in=[ya, dy]).exists()
    dy = services.transfer(p["dy_center"], dy, [dy_town.pk])
    assert _open(dy) == [("draft_reply", dy_town.pk)]


def test_r7_2_transfer_refused_through_the_api(
    api: Any, cast: dict[str, User], new_inquiry: Any, neighbour: dict[str, Any]
) -> None:
    """R7-2 through the REST API: the same refusal, in Chinese, nothing changed."""
    ya = services.instruct(cast["office_leader"], new_inquiry(), "transfer")
    r = api("center").post(
        f"/api/v1/inquiries/{ya.pk}/actions/transfer",
        data=json.dumps({"units": [neighbour["units"]["dept"].pk]}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"] == {"units": [CROSS_COUNTY]}
    _unchanged(ya, Status.TO_TRANSFER, [("transfer", None)])


def test_r7_2_unit_choices_are_the_own_countys(
    login: Any, neighbour: dict[str, Any], new_inquiry: Any, cast: dict[str, User]
) -> None:
    """R7-2: the transfer check-boxes of a message and the list's 承办单位 filter offer the own county's units
    (never the centre); another county's unit id in the filter is refused like an unknown one."""
    ya = services.instruct(cast["office_leader"], new_inquiry(), "transfer")
    dy = services.instruct(neighbour["people"]["dy_office_leader"], _dy_inquiry(neighbour), "transfer")
    r = login("center").get(f"/inquiries/{ya.pk}/")
    names = {u.name for u in r.context["units"]}
    assert "县教育体育局" in names and "栋川镇" in names
    assert not names & {u.name for u in neighbour["units"].values()}
    assert "姚安县电子政务中心" not in names
    r = login("dy_center").get(f"/inquiries/{dy.pk}/")
    assert {u.name for u in r.context["units"]} == {
        "大姚县人民政府",
        "大姚县人民政府办公室",
        "金碧镇",
        "大姚县教育体育局",
    }
    for username, own, other in (("center", "栋川镇", "金碧镇"), ("dy_center", "金碧镇", "栋川镇")):
        form = login(username).get("/inquiries/", {"tab": "all"}).context["form"]
        units = {u.name for u in form.fields["unit"].queryset}
        assert own in units and other not in units
    foreign = login("center").get("/inquiries/", {"tab": "all", "unit": neighbour["units"]["town"].pk})
    assert not foreign.context["form"].is_valid()


def test_r7_pages_and_api_of_the_other_county_answer_404(
    login: Any, api: Any, neighbour: dict[str, Any], new_inquiry: Any
) -> None:
    """R7-1…R7-5: the other county's message, its actions, its slip and its API detail answer 404; lists
    and statistics hold the own county's only."""
    ya, dy = new_inquiry(), _dy_inquiry(neighbour)
    for username, mine, theirs in (("dy_center", dy, ya), ("center", ya, dy)):
        client = login(username)
        for url in ("/", "/slip/", "/slip.docx"):
            assert client.get(f"/inquiries/{theirs.pk}{url}").status_code == 404
        assert client.post(f"/inquiries/{theirs.pk}/actions/instruct/", {}).status_code == 404
        assert client.post(f"/inquiries/{theirs.pk}/dispose/", {"disposition": "x"}).status_code == 404
        page = client.get("/inquiries/", {"tab": "all"})
        ids = {i.pk for i in page.context["page"].object_list}
        assert mine.pk in ids and theirs.pk not in ids
        stats = client.get("/inquiries/stats/").context["s"]
        assert (
            stats["total"]
            == Inquiry.objects.filter(account__unit__county=mine.account.unit.county_id).count()
        )
        token = api(username)
        assert token.get(f"/api/v1/inquiries/{theirs.pk}").status_code == 404
        assert all(
            i["id"] != theirs.pk for i in token.get("/api/v1/inquiries", {"limit": 200}).json()["items"]
        )
    assert login("dy_office_leader").get(f"/inquiries/{ya.pk}/").status_code == 404


def test_r7_1_todo_lists_and_counts_of_the_centre_hold_its_county_only(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, login: Any
) -> None:
    """R7-1: 待我办理 (list tab, 我的待办 and its count) of a centre and a leader hold their own county's
    county-level steps only."""
    p = neighbour["people"]
    ya, dy = new_inquiry(), _dy_inquiry(neighbour)
    ya = services.instruct(cast["office_leader"], ya, "direct")
    dy = services.instruct(p["dy_office_leader"], dy, "direct")
    for user, mine, theirs in ((cast["center"], ya, dy), (p["dy_center"], dy, ya)):
        held = set(steps_waiting_for(user).values_list("inquiry", flat=True))
        assert mine.pk in held and theirs.pk not in held
        urls = {i.url for i in items_for(user)}
        assert f"/inquiries/{mine.pk}/" in urls and f"/inquiries/{theirs.pk}/" not in urls
        assert count_for(user) == len(items_for(user))
    assert [i.url for i in inquiry_items(p["dy_center"])] == [f"/inquiries/{dy.pk}/"]
    assert _count(p["dy_center"]) == 1
    steps = login("dy_center").get("/inquiries/", {"tab": "todo"}).context["steps"]
    assert [s.inquiry_id for s in steps] == [dy.pk]
    ya2, dy2 = new_inquiry(), _dy_inquiry(neighbour)
    assert ya2.pk in set(steps_waiting_for(cast["county_leader"]).values_list("inquiry", flat=True))
    leader_held = set(steps_waiting_for(p["dy_county_leader"]).values_list("inquiry", flat=True))
    assert leader_held == {dy2.pk}


def test_r7_3_supervision_notices_of_the_centre_hold_its_county_only(
    cast: dict[str, User], neighbour: dict[str, Any], new_inquiry: Any, edu: Unit
) -> None:
    """R7-3: 督办 of an overdue transfer reaches the unit and its own county's centre, never the other
    county's centre (its notices, its 我的待办 and its count)."""
    p, dy_town = neighbour["people"], neighbour["units"]["town"]
    ya = services.transfer(
        cast["center"], services.instruct(cast["office_leader"], new_inquiry(), "transfer", "", [edu.pk])
    )
    dy = services.transfer(
        p["dy_center"],
        services.instruct(p["dy_office_leader"], _dy_inquiry(neighbour), "transfer", "", [dy_town.pk]),
    )
    supervise(timezone.now() + timedelta(days=30))
    assert SupervisionNotice.objects.filter(inquiry=ya).exists()
    assert SupervisionNotice.objects.filter(inquiry=dy).exists()
    for user, mine, theirs in ((cast["center"], ya, dy), (p["dy_center"], dy, ya)):
        notices = set(supervision_notices(user).values_list("inquiry", flat=True))
        assert mine.pk in notices and theirs.pk not in notices
        assert {n.inquiry_id for n in supervisions_for(user)} == notices
        titles = " ".join(i.title for i in items_for(user) if i.kind == "留言督办")
        assert mine.number in titles and theirs.number not in titles
        assert count_for(user) == len(items_for(user))
    assert set(supervision_notices(p["dy_town_leader"]).values_list("inquiry", flat=True)) == {dy.pk}
    assert [i.url for i in inquiry_items(p["dy_center"])] == [f"/inquiries/{dy.pk}/"]
    assert _count(p["dy_center"]) == 1


NO_CHANNEL = "尚未设置信访渠道（地址、电话、网址），请先在“信访渠道”页面填写。"


def test_r7_6_each_county_sees_and_edits_its_own_petition_channel_only(
    login: Any, neighbour: dict[str, Any], channel: Any
) -> None:
    """R7-6: the 信访登记 page and the 信访渠道 form show the viewer's county's channel; a save by 大姚县's
    centre or system administrator creates or changes 大姚县's channel and never touches 姚安县's, and the
    other way round; leaders, another county's channel and a person without a unit may not edit."""
    p, yaoan = (
        neighbour["people"],
        dict(
            PetitionChannel.objects.filter(pk=channel.pk)
            .values("address", "phone", "website", "template")
            .get()
        ),
    )
    dy_page = login("dy_center").get("/inquiries/petitions/")
    assert dy_page.context["channel"] is None and dy_page.context["may_edit"]
    assert "姚安县信访局" not in dy_page.content.decode()
    form = login("dy_center").get("/inquiries/petitions/channel/").context["form"]
    assert form.instance.pk is None and form.initial.get("address") in (None, "")
    assert login("center").get("/inquiries/petitions/").context["channel"] == channel

    r = login("dy_center").post("/inquiries/petitions/channel/", DY_CHANNEL)
    assert r.status_code == 302
    dy_channel = PetitionChannel.objects.get(county=neighbour["county"])
    assert dy_channel.address == DY_CHANNEL["address"]
    assert PetitionChannel.objects.filter(pk=channel.pk).values(*yaoan).get() == yaoan
    assert login("dy_center").get("/inquiries/petitions/").context["channel"] == dy_channel
    assert login("center").get("/inquiries/petitions/").context["channel"] == channel

    login("center").post("/inquiries/petitions/channel/", {**yaoan, "phone": "0878-5719999"})
    login("dy_sysadmin").post("/inquiries/petitions/channel/", {**DY_CHANNEL, "phone": "0878-6220000"})
    assert PetitionChannel.objects.get(pk=channel.pk).phone == "0878-5719999"
    assert PetitionChannel.objects.get(pk=dy_channel.pk).phone == "0878-6220000"
    assert PetitionChannel.objects.count() == 2

    assert login("dy_office_leader").get("/inquiries/petitions/channel/").status_code == 403
    assert not login("dy_office_leader").get("/inquiries/petitions/").context["may_edit"]
    assert can(p["dy_center"], "inquiries.petition_channel", dy_channel)
    assert not can(p["dy_center"], "inquiries.petition_channel", channel)
    assert not can(p["dy_sysadmin"], "inquiries.petition_channel", channel)
    assert not can(User.objects.get(username="center"), "inquiries.petition_channel", dy_channel)

    loose = User.objects.create(username="no_unit_center", full_name="无单位")
    RoleGrant.objects.create(user=loose, role="center_staff")
    assert not can(loose, "inquiries.petition_channel")
    with pytest.raises(PermissionDenied):
        services.save_petition_channel(loose, DY_CHANNEL)
    assert login("no_unit_center").get("/inquiries/petitions/channel/").status_code == 403
    assert login("no_unit_center").get("/inquiries/petitions/").context["channel"] is None
    assert PetitionChannel.objects.count() == 2


def test_r7_6_a_neighbour_petition_is_told_the_neighbours_channel_never_the_demo_countys(
    login: Any, api: Any, neighbour: dict[str, Any], new_inquiry: Any, channel: Any
) -> None:
    """R7-6: a petition message on 大姚县's account is told 大姚县's channel; while 大姚县 has none it is
    refused as "no channel configured" (service, page preview, API) and nothing changes, although
    姚安县 has one; 姚安县's messages go on being told 姚安县's channel."""
    p = neighbour["people"]
    dy = _dy_inquiry(neighbour, kind="petition", sender_name="李四")
    with pytest.raises(InvalidState) as err:
        services.petition(p["dy_center"], dy)
    assert str(err.value) == NO_CHANNEL
    r = api("dy_center").post(
        f"/api/v1/inquiries/{dy.pk}/actions/petition", data="{}", content_type="application/json"
    )
    assert r.status_code == 409 and "姚安" not in r.content.decode()
    _unchanged(dy, Status.REGISTERED, [("instruct", None)])
    assert not Petition.objects.filter(inquiry=dy).exists()
    page = login("dy_center").get(f"/inquiries/{dy.pk}/")
    assert page.context["petition_preview"] == "" and "尚未设置信访渠道" in page.content.decode()
    assert "姚安县信访局" not in page.content.decode()

    services.save_petition_channel(p["dy_center"], DY_CHANNEL)
    told = "李四您好：大姚县信访渠道：大姚县金碧镇信访接待室，0878-6221234，https://xf.dayao.example.cn。"
    assert login("dy_center").get(f"/inquiries/{dy.pk}/").context["petition_preview"] == told
    dy = services.petition(p["dy_center"], dy)
    assert dy.reply_text == told and Petition.objects.get(inquiry=dy).told_text == told

    ya = services.petition(
        User.objects.get(username="center"), new_inquiry(kind="petition", sender_name="张三")
    )
    assert ya.reply_text == "张三您好：请通过姚安县信访局、0878-5712110、https://xf.example.cn反映。"


def test_r7_6_migration_keeps_one_channel_for_the_first_units_county(
    neighbour: dict[str, Any], channel: Any
) -> None:
    """R7-6, migration 0005: the old instance-wide channel (the lowest id) becomes the county's of the
    lowest-id unit; any further row, never told to anyone, is dropped."""
    later = PetitionChannel.objects.create(county=neighbour["county"], **DY_CHANNEL)
    import_module("govmedia.inquiries.migrations.0005_petition_channel_county").fill(apps, None)
    first_county = Unit.objects.order_by("pk").values_list("county", flat=True).first()
    assert list(PetitionChannel.objects.values_list("pk", "county")) == [(channel.pk, first_county)]
    assert not PetitionChannel.objects.filter(pk=later.pk).exists()
