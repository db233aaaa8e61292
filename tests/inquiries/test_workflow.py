"""R7-1…R7-4, R7-6: the handling path through the services, with its deadlines on a wall calendar."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.audit.models import Entry
from govmedia.inquiries import services
from govmedia.inquiries.models import Inquiry, Petition, Status, StepKind, StepState
from govmedia.org.models import User
from govmedia.web.errors import InvalidState

from .conftest import at


@pytest.fixture
def clock(monkeypatch: Any) -> Callable[[str], None]:
    def set_now(text: str) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at(text))

    return set_now


def _open(inquiry: Inquiry) -> list[tuple[str, str | None]]:
    return [
        (s.kind, s.assignee_unit.name if s.assignee_unit else None)
        for s in inquiry.steps.filter(state=StepState.OPEN).select_related("assignee_unit")
    ]


def test_r7_full_path_with_wall_calendar_deadlines(
    cast: dict[str, User], new_inquiry: Any, unit: Any, clock: Any
) -> None:
    """R7-1..R7-4: register → instruct → transfer (5 working days, 国庆 counted per DEADLINES.md) → draft →
    sign-off → compile → review → reply within 1 hour → closed."""
    clock("2025-09-26T09:00:00+08:00")
    inquiry = new_inquiry(received_at=at("2025-09-26T08:30:00+08:00"))
    assert inquiry.status == Status.REGISTERED and _open(inquiry) == [("instruct", None)]
    edu, town = unit("县教育体育局"), unit("栋川镇")
    inquiry = services.instruct(cast["office_leader"], inquiry, "transfer", "请教育局、栋川镇办理", [edu.pk])
    assert inquiry.status == Status.TO_TRANSFER
    clock("2025-09-26T10:00:00+08:00")
    inquiry = services.transfer(cast["center"], inquiry, [edu.pk, town.pk])
    assert inquiry.status == Status.TRANSFERRED
    drafts = list(inquiry.steps.filter(kind=StepKind.DRAFT_REPLY).select_related("deadline"))
    assert {timezone.localtime(d.deadline.due_at).isoformat() for d in drafts} == {
        "2025-10-10T23:59:59+08:00"
    }
    assert not any(d.deadline.provisional for d in drafts)
    inquiry = services.draft_reply(cast["edu_admin"], inquiry, "9月1日开学。")
    inquiry = services.sign_off(cast["edu_leader"], inquiry, "同意")
    assert inquiry.status == Status.TRANSFERRED  # 栋川镇 has not answered yet
    inquiry = services.draft_reply(cast["town_admin"], inquiry, "栋川镇无补充意见。")
    clock("2025-10-10T18:00:00+08:00")
    inquiry = services.sign_off(cast["town_leader"], inquiry)
    assert inquiry.status == Status.COMPILING
    signed = inquiry.steps.filter(kind=StepKind.SIGN_OFF).select_related("deadline")
    assert all(s.deadline.met_at and not s.deadline.met_late for s in signed)
    inquiry = services.compile_reply(cast["center"], inquiry, "您好！秋季学期9月1日开学。")
    clock("2025-10-11T09:15:00+08:00")
    inquiry = services.review(cast["office_leader"], inquiry, "同意")
    assert inquiry.status == Status.TO_REPLY
    reply_step = inquiry.steps.get(kind=StepKind.REPLY, state=StepState.OPEN)
    assert (
        timezone.localtime(reply_step.deadline.due_at).isoformat() == "2025-10-11T10:15:00+08:00"
    )  # 1 hour, on a Saturday too
    clock("2025-10-11T09:40:00+08:00")
    inquiry = services.reply(cast["center"], inquiry)
    assert (inquiry.status, inquiry.outcome) == (Status.CLOSED, "replied")
    assert inquiry.reply_text == "您好！秋季学期9月1日开学。"
    kinds = list(inquiry.steps.order_by("id").values_list("kind", flat=True))
    assert kinds[:3] == ["register", "instruct", "transfer"] and kinds[-3:] == ["compile", "review", "reply"]
    assert Entry.objects.filter(object_type="inquiries.inquiry", object_id=str(inquiry.pk)).count() >= 10


def test_r7_contract_roles_are_enforced(cast: dict[str, User], new_inquiry: Any, unit: Any) -> None:
    """Who acts (CONTRACT): a wrong role gets PermissionDenied, a wrong moment InvalidState."""
    inquiry = new_inquiry()
    for who in ("center", "edu_admin", "edu_leader"):
        with pytest.raises(PermissionDenied):
            services.instruct(cast[who], inquiry, "direct")
    with pytest.raises(InvalidState):
        services.transfer(cast["center"], inquiry, [unit("县教育体育局").pk])
    with pytest.raises(InvalidState):
        services.reply(cast["center"], inquiry, "太早了")
    inquiry = services.instruct(cast["office_leader"], inquiry, "transfer", "", [unit("县教育体育局").pk])
    with pytest.raises(PermissionDenied):
        services.transfer(cast["office_leader"], inquiry)
    inquiry = services.transfer(cast["center"], inquiry)  # the leader's suggested unit by default
    assert _open(inquiry) == [("draft_reply", "县教育体育局")]
    for who in ("town_admin", "edu_leader", "center"):
        with pytest.raises(PermissionDenied):
            services.draft_reply(cast[who], inquiry, "不是我的")
    inquiry = services.draft_reply(cast["edu_admin"], inquiry, "回复意见")
    for who in ("town_leader", "edu_admin", "office_leader"):
        with pytest.raises(PermissionDenied):
            services.sign_off(cast[who], inquiry)
    assert _open(Inquiry.objects.get(pk=inquiry.pk)) == [("sign_off", "县教育体育局")]


@pytest.mark.parametrize(
    "bad",
    [
        {"decision": "maybe"},
        {"decision": "no_action", "comment": "  "},
        {"decision": "transfer", "units": ["x"]},
        {"decision": "transfer", "units": [999999]},
    ],
)
def test_r7_1_bad_instruction_changes_nothing(
    cast: dict[str, User], new_inquiry: Any, bad: dict[str, Any]
) -> None:
    inquiry = new_inquiry()
    with pytest.raises(ValidationError):
        services.instruct(
            cast["office_leader"], inquiry, bad.get("decision"), bad.get("comment", ""), bad.get("units")
        )
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED and _open(inquiry) == [("instruct", None)]


def test_r7_transfer_to_the_centre_itself_or_nothing_is_refused(
    cast: dict[str, User], new_inquiry: Any, unit: Any
) -> None:
    inquiry = services.instruct(cast["office_leader"], new_inquiry(), "transfer")
    with pytest.raises(ValidationError):
        services.transfer(cast["center"], inquiry, [])
    with pytest.raises(ValidationError):
        services.transfer(cast["center"], inquiry, [unit("姚安县电子政务中心").pk])


def test_r7_every_step_can_be_sent_back_one_step_with_a_reason(
    cast: dict[str, User], new_inquiry: Any, unit: Any
) -> None:
    c, o, edu = cast["center"], cast["office_leader"], unit("县教育体育局")
    inquiry = new_inquiry()
    with pytest.raises(ValidationError):
        services.return_step(o, inquiry, "")  # a reason is required
    inquiry = services.return_step(o, inquiry, "类别有误，请重新登记")
    assert inquiry.status == Status.RECEIVED and _open(inquiry) == [("register", None)]
    with pytest.raises(InvalidState):
        services.return_step(c, inquiry, "登记是第一步")
    inquiry = services.register_received(c, inquiry, "request")
    inquiry = services.instruct(o, inquiry, "transfer", "", [edu.pk])
    inquiry = services.return_step(c, inquiry, "请领导明确承办单位")
    assert inquiry.status == Status.REGISTERED
    inquiry = services.transfer(c, services.instruct(o, inquiry, "transfer", "", [edu.pk]))
    inquiry = services.draft_reply(cast["edu_admin"], inquiry, "初稿")
    inquiry = services.return_step(cast["edu_leader"], inquiry, "表述不准确")
    draft = inquiry.steps.get(kind=StepKind.DRAFT_REPLY, state=StepState.OPEN)
    first = inquiry.steps.filter(kind=StepKind.DRAFT_REPLY).order_by("id").first()
    assert draft.deadline_id == first.deadline_id  # sending back does not restart the 5 working days
    inquiry = services.sign_off(
        cast["edu_leader"], services.draft_reply(cast["edu_admin"], inquiry, "修改稿")
    )
    inquiry = services.return_step(c, inquiry, "请补充政策依据")
    assert inquiry.status == Status.TRANSFERRED and _open(inquiry) == [("draft_reply", "县教育体育局")]
    inquiry = services.sign_off(
        cast["edu_leader"], services.draft_reply(cast["edu_admin"], inquiry, "补充稿")
    )
    inquiry = services.compile_reply(c, inquiry, "答复")
    inquiry = services.return_step(o, inquiry, "答复太简单")
    assert inquiry.status == Status.COMPILING
    inquiry = services.review(o, services.compile_reply(c, inquiry, "详细答复"))
    inquiry = services.return_step(c, inquiry, "发现错别字，请重新审核")
    assert inquiry.status == Status.REVIEWING
    assert inquiry.steps.filter(
        kind=StepKind.REPLY, state=StepState.RETURNED, deadline__met_at__isnull=False
    ).exists()
    inquiry = services.reply(c, services.review(o, inquiry))
    assert inquiry.status == Status.CLOSED
    with pytest.raises(InvalidState):
        services.return_step(c, inquiry, "已办结")


def test_r7_unit_returning_a_transfer_goes_back_to_the_centre(
    cast: dict[str, User], new_inquiry: Any, unit: Any
) -> None:
    inquiry = services.instruct(
        cast["office_leader"], new_inquiry(), "transfer", "", [unit("县教育体育局").pk]
    )
    inquiry = services.transfer(cast["center"], inquiry)
    inquiry = services.return_step(cast["edu_admin"], inquiry, "不属于本单位职责")
    assert inquiry.status == Status.TO_TRANSFER and _open(inquiry) == [("transfer", None)]


def test_r7_direct_answer_and_no_action(cast: dict[str, User], new_inquiry: Any) -> None:
    inquiry = services.instruct(cast["office_leader"], new_inquiry(), "direct", "中心直接答复")
    assert inquiry.status == Status.COMPILING
    other = services.instruct(cast["county_leader"], new_inquiry(kind="abusive"), "no_action", "恶意留言")
    assert (other.status, other.outcome) == (Status.CLOSED, "no_action")
    other = services.dispose(cast["center"], other, "已屏蔽并截图留存")
    assert other.disposition == "已屏蔽并截图留存" and other.disposed_by == cast["center"]
    with pytest.raises(PermissionDenied):
        services.dispose(cast["edu_admin"], other, "x")


def test_r7_6_petition_tells_the_channel_and_registers(
    cast: dict[str, User], new_inquiry: Any, channel: Any
) -> None:
    inquiry = new_inquiry(kind="petition", sender_name="张三")
    with pytest.raises(PermissionDenied):
        services.petition(cast["office_leader"], inquiry)
    inquiry = services.petition(cast["center"], inquiry, "已告知")
    assert (inquiry.status, inquiry.outcome, inquiry.kind) == (Status.CLOSED, "petition", "petition")
    assert inquiry.reply_text == "张三您好：请通过姚安县信访局、0878-5712110、https://xf.example.cn反映。"
    assert Petition.objects.get(inquiry=inquiry).told_text == inquiry.reply_text
    assert not inquiry.steps.filter(state=StepState.OPEN).exists()
    via_leader = services.instruct(cast["office_leader"], new_inquiry(), "petition")
    assert via_leader.status == Status.TO_PETITION
    assert services.petition(cast["center"], via_leader).outcome == "petition"


def test_r7_6_petition_without_a_channel_is_refused(cast: dict[str, User], new_inquiry: Any) -> None:
    from govmedia.inquiries.models import PetitionChannel

    PetitionChannel.objects.all().delete()
    inquiry = new_inquiry()
    with pytest.raises(InvalidState):
        services.petition(cast["center"], inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == Status.REGISTERED and not Petition.objects.filter(inquiry=inquiry).exists()
