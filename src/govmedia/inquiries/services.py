"""Every step of a message's handling (R7-1…R7-4, R7-6): one function per action, each checking who acts,
locking the message, writing the step and the audit entry in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.calendar.services import meet, open_deadline
from govmedia.org.models import County, Unit
from govmedia.org.permissions import require
from govmedia.web.errors import InvalidState

from .models import (
    UNIT_STEPS,
    Inquiry,
    Instruction,
    Kind,
    Outcome,
    Petition,
    PetitionChannel,
    Status,
    Step,
    StepKind,
    StepState,
)
from .rules import STEP_ROLES, holds

UNIT_REPLY_WORKDAYS = 5
REPLY_WITHIN_HOURS = 1
CLAUSE = "7"
MAX_TEXT = 5000
ACTIONS = (
    "register",
    "instruct",
    "transfer",
    "draft_reply",
    "sign_off",
    "compile",
    "review",
    "reply",
    "petition",
    "return",
)


def _lock(inquiry: Inquiry) -> Inquiry:
    """The message locked (its row only), with its account's unit, whose county decides who acts."""
    return Inquiry.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=inquiry.pk)


def _open_steps(inquiry: Inquiry) -> list[Step]:
    return list(inquiry.steps.select_for_update().filter(state=StepState.OPEN).order_by("id"))


def _step_for(actor: Any, inquiry: Inquiry, kind: str) -> Step:
    """The open step of `kind` this person holds: 409 when the message is not at that step, 403 when it
    is but the step is someone else's."""
    steps = [s for s in _open_steps(inquiry) if s.kind == kind]
    if not steps:
        raise InvalidState(
            f"该留言当前状态为“{inquiry.get_status_display()}”，不能办理“{StepKind(kind).label}”。",
            current_status=inquiry.status,
        )
    mine = next((s for s in steps if holds(actor, s)), None)
    require(actor, f"inquiries.{kind}", mine or steps[0])
    assert mine is not None
    return mine


def _start(
    inquiry: Inquiry,
    kind: str,
    now: datetime,
    unit: Unit | None = None,
    deadline: Any = None,
    units: list[int] | None = None,
) -> Step:
    return Step.objects.create(
        inquiry=inquiry,
        kind=kind,
        assignee_role=STEP_ROLES[kind],
        assignee_unit=unit,
        received_at=now,
        deadline=deadline,
        units=units or [],
    )


def _finish(step: Step, actor: Any, now: datetime, state: str = StepState.DONE, **fields: Any) -> None:
    step.state, step.decided_by, step.decided_at = state, actor, now
    for key, value in fields.items():
        setattr(step, key, value)
    step.save()


def _text(value: Any, label: str, key: str = "text", required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({key: [f"请填写{label}"]})
    if len(text) > MAX_TEXT:
        raise ValidationError({key: [f"{label}不能超过{MAX_TEXT}字"]})
    return text


def _audit(action: str, actor: Any, inquiry: Inquiry, before: str, request: Any, **after: Any) -> None:
    record(
        f"inquiries.{action}",
        actor=actor,
        obj=inquiry,
        request=request,
        before={"status": before},
        after={"status": inquiry.status, **after},
    )


def _close(inquiry: Inquiry, outcome: str, now: datetime) -> None:
    inquiry.status, inquiry.outcome, inquiry.closed_at = Status.CLOSED, outcome, now


def transfer_units(inquiry: Inquiry) -> QuerySet[Unit]:
    """The units a message may be transferred to: the active units of its own county, but not the centre."""
    return Unit.objects.filter(county=inquiry.account.unit.county_id, is_active=True).exclude(
        kind=Unit.Kind.EGOV_CENTER
    )


def _units(inquiry: Inquiry, ids: list[Any] | None) -> list[Unit]:
    try:
        wanted = {int(i) for i in ids or []}
    except (TypeError, ValueError):
        raise ValidationError({"units": ["承办单位编号不正确"]}) from None
    units = list(Unit.objects.filter(pk__in=wanted, is_active=True).exclude(kind=Unit.Kind.EGOV_CENTER))
    if len(units) != len(wanted):
        raise ValidationError({"units": ["承办单位不存在或不能承办（不能转给县电子政务中心本身）"]})
    county = inquiry.account.unit.county_id
    if any(u.county_id != county for u in units):
        raise ValidationError(
            {"units": ["只能转给本县（市、区）的单位办理，不能转给其他县（市、区）的单位。"]}
        )
    return sorted(units, key=lambda u: (u.order, u.pk))


def register_received(actor: Any, inquiry: Inquiry, kind: str, request: Any = None) -> Inquiry:
    """A pushed message checked and classified by the centre, then sent to the leader (R7-1)."""
    if kind not in Kind.values:
        raise ValidationError({"kind": ["请选择留言类别"]})
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.REGISTER)
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, decision=kind)
        inquiry.kind, inquiry.status = kind, Status.REGISTERED
        inquiry.registered_by, inquiry.registered_at = actor, now
        _start(inquiry, StepKind.INSTRUCT, now)
        inquiry.save()
        _audit("registered", actor, inquiry, before, request, kind=kind)
    return inquiry


def instruct(
    actor: Any,
    inquiry: Inquiry,
    decision: str | None,
    comment: str = "",
    units: list[Any] | None = None,
    request: Any = None,
) -> Inquiry:
    """领导批示: answer directly, transfer to units, petition, or no action (with reason) (R7-1, R7-2)."""
    decision = decision or (Instruction.TRANSFER if units else Instruction.DIRECT)
    if decision not in Instruction.values:
        raise ValidationError({"decision": ["批示应为直接答复、转办、信访或不予处理"]})
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.INSTRUCT)
        suggested = [u.pk for u in _units(inquiry, units)] if decision == Instruction.TRANSFER else []
        comment = _text(
            comment, "批示意见（不予处理须写明理由）", "comment", required=decision == Instruction.NO_ACTION
        )
        before, now = inquiry.status, timezone.now()
        _finish(
            step,
            actor,
            now,
            decision=decision,
            comment=comment or Instruction(decision).label,
            units=suggested,
        )
        inquiry.instruction = decision
        if decision == Instruction.DIRECT:
            inquiry.status = Status.COMPILING
            _start(inquiry, StepKind.COMPILE, now)
        elif decision == Instruction.TRANSFER:
            inquiry.status = Status.TO_TRANSFER
            _start(inquiry, StepKind.TRANSFER, now, units=suggested)
        elif decision == Instruction.PETITION:
            inquiry.status = Status.TO_PETITION
            _start(inquiry, StepKind.PETITION, now)
        else:
            _close(inquiry, Outcome.NO_ACTION, now)
        inquiry.save()
        _audit(
            "instructed",
            actor,
            inquiry,
            before,
            request,
            decision=decision,
            comment=step.comment,
            units=suggested,
        )
    return inquiry


def _transfer_to(inquiry: Inquiry, units: list[Unit], now: datetime) -> None:
    for unit in units:
        deadline = open_deadline("after_workdays", now, UNIT_REPLY_WORKDAYS, CLAUSE, started_at=now)
        _start(inquiry, StepKind.DRAFT_REPLY, now, unit=unit, deadline=deadline)
    inquiry.status = Status.TRANSFERRED


def transfer(
    actor: Any, inquiry: Inquiry, units: list[Any] | None = None, comment: str = "", request: Any = None
) -> Inquiry:
    """转办: each unit receives it now; its signed reply is due within 5 working days (R7-2, R7-3)."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.TRANSFER)
        comment = _text(comment, "意见", "comment", required=False)
        chosen = _units(inquiry, units or step.units)
        if not chosen:
            raise ValidationError({"units": ["请选择承办单位"]})
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, comment=comment, units=[u.pk for u in chosen])
        _transfer_to(inquiry, chosen, now)
        inquiry.save()
        _audit("transferred", actor, inquiry, before, request, units=[u.pk for u in chosen], comment=comment)
    return inquiry


def draft_reply(actor: Any, inquiry: Inquiry, text: str, comment: str = "", request: Any = None) -> Inquiry:
    """承办单位提出回复意见, then to its leader for sign-off (same 5-working-day clock)."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.DRAFT_REPLY)
        text = _text(text, "回复意见")
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, text=text, comment=_text(comment, "意见", "comment", required=False))
        _start(inquiry, StepKind.SIGN_OFF, now, unit=step.assignee_unit, deadline=step.deadline)
        inquiry.save()
        _audit("reply_drafted", actor, inquiry, before, request, unit=step.assignee_unit_id, text=text)
    return inquiry


def _after_units(inquiry: Inquiry, now: datetime) -> None:
    """When no unit step is open any more: to the centre's compilation if a unit signed a reply, else back to
    the centre for a new transfer."""
    if inquiry.steps.filter(state=StepState.OPEN, kind__in=UNIT_STEPS).exists():
        return
    if inquiry.steps.filter(kind=StepKind.SIGN_OFF, state=StepState.DONE).exists():
        inquiry.status = Status.COMPILING
        _start(inquiry, StepKind.COMPILE, now)
    else:
        inquiry.status = Status.TO_TRANSFER
        _start(inquiry, StepKind.TRANSFER, now)


def sign_off(actor: Any, inquiry: Inquiry, comment: str = "", request: Any = None) -> Inquiry:
    """部门领导审核签字: the unit's reply goes to the centre; this meets the unit's deadline (R7-3)."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.SIGN_OFF)
        comment = _text(comment, "意见", "comment", required=False)
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, comment=comment or "同意")
        if step.deadline:
            meet(step.deadline, now)
        _after_units(inquiry, now)
        inquiry.save()
        late = bool(step.deadline and step.deadline.due_at < now)
        _audit("signed_off", actor, inquiry, before, request, unit=step.assignee_unit_id, late=late)
    return inquiry


def compile_reply(actor: Any, inquiry: Inquiry, text: str, comment: str = "", request: Any = None) -> Inquiry:
    """县电子政务中心整理答复, then to the leader for review (R7-4)."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.COMPILE)
        text = _text(text, "答复内容")
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, text=text, comment=_text(comment, "意见", "comment", required=False))
        inquiry.compiled_text, inquiry.status = text, Status.REVIEWING
        _start(inquiry, StepKind.REVIEW, now)
        inquiry.save()
        _audit("compiled", actor, inquiry, before, request, text=text)
    return inquiry


def review(actor: Any, inquiry: Inquiry, comment: str = "", request: Any = None) -> Inquiry:
    """领导审核同意: the reply is due within 1 hour of this moment (R7-4)."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.REVIEW)
        comment = _text(comment, "意见", "comment", required=False)
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, comment=comment or "同意", decision="approve")
        deadline = open_deadline("after_hours", now, REPLY_WITHIN_HOURS, CLAUSE, started_at=now)
        _start(inquiry, StepKind.REPLY, now, deadline=deadline)
        inquiry.status = Status.TO_REPLY
        inquiry.save()
        _audit("reviewed", actor, inquiry, before, request, comment=step.comment, reply_due=deadline.due_at)
    return inquiry


def reply(actor: Any, inquiry: Inquiry, text: str = "", comment: str = "", request: Any = None) -> Inquiry:
    """回复: posted on the platform; the text is the reviewed one unless the centre records what it posted."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        step = _step_for(actor, inquiry, StepKind.REPLY)
        posted = _text(text or inquiry.compiled_text, "回复内容")
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, text=posted, comment=_text(comment, "意见", "comment", required=False))
        if step.deadline:
            meet(step.deadline, now)
        inquiry.reply_text, inquiry.replied_at, inquiry.replied_by = posted, now, actor
        _close(inquiry, Outcome.REPLIED, now)
        inquiry.save()
        late = bool(step.deadline and step.deadline.due_at < now)
        _audit("replied", actor, inquiry, before, request, text=posted, late=late)
    return inquiry


def petition_channel(county_id: int | None) -> PetitionChannel | None:
    """The county's petition channel, when it is filled in (none for nobody's county)."""
    channel = PetitionChannel.objects.filter(county=county_id).first() if county_id is not None else None
    return channel if channel and channel.address and channel.phone and channel.website else None


def petition(actor: Any, inquiry: Inquiry, comment: str = "", request: Any = None) -> Inquiry:
    """信访: tell the sender the petition channel and register it in the petition list (R7-6). The centre may
    do it as soon as it sees a petition (at registration or on the leader's instruction)."""
    comment = _text(comment, "意见", "comment", required=False)
    with transaction.atomic():
        inquiry = _lock(inquiry)
        open_steps = _open_steps(inquiry)
        step = next((s for s in open_steps if s.kind == StepKind.PETITION), None)
        if step is None and inquiry.status in {Status.RECEIVED, Status.REGISTERED}:
            centre_step = Step(inquiry=inquiry, kind=StepKind.PETITION, assignee_role="center_staff")
            require(actor, "inquiries.petition", centre_step)
            step = _start(inquiry, StepKind.PETITION, timezone.now())
        if step is None:
            raise InvalidState(
                f"该留言当前状态为“{inquiry.get_status_display()}”，不能按信访事项处理。",
                current_status=inquiry.status,
            )
        require(actor, "inquiries.petition", step)
        channel = petition_channel(inquiry.account.unit.county_id)  # the message's county, never another's
        if channel is None:
            raise InvalidState("尚未设置信访渠道（地址、电话、网址），请先在“信访渠道”页面填写。")
        before, now = inquiry.status, timezone.now()
        for other in open_steps:
            if other.pk != step.pk:
                _finish(other, actor, now, state=StepState.VOID, comment="按信访事项处理")
        told = channel.render(inquiry.sender_name)
        _finish(step, actor, now, text=told, comment=comment)
        Petition.objects.create(
            inquiry=inquiry, registered_at=now, registered_by=actor, told_text=told, note=comment
        )
        if inquiry.status == Status.RECEIVED:
            inquiry.registered_by, inquiry.registered_at = actor, now
        inquiry.kind = Kind.PETITION
        inquiry.reply_text, inquiry.replied_at, inquiry.replied_by = told, now, actor
        _close(inquiry, Outcome.PETITION, now)
        inquiry.save()
        _audit("petition", actor, inquiry, before, request, told=told)
    return inquiry


def _stop_clock(step: Step, now: datetime) -> None:
    """A returned step's clock stops when its holder hands the item back."""
    if step.deadline and step.deadline.met_at is None:
        meet(step.deadline, now)


def return_step(actor: Any, inquiry: Inquiry, comment: str, request: Any = None) -> Inquiry:
    """退回: the holder of the current step sends the item back one step, with a reason."""
    with transaction.atomic():
        inquiry = _lock(inquiry)
        steps = _open_steps(inquiry)
        if not steps:
            raise InvalidState("该留言已办结，不能退回。", current_status=inquiry.status)
        step = next((s for s in steps if holds(actor, s)), None)
        require(actor, "inquiries.return", step)
        assert step is not None
        comment = _text(comment, "退回理由", "comment")
        if step.kind == StepKind.REGISTER:
            raise InvalidState("登记是第一步，不能再退回。", current_status=inquiry.status)
        before, now = inquiry.status, timezone.now()
        _finish(step, actor, now, state=StepState.RETURNED, comment=comment)
        kind = step.kind
        if kind == StepKind.INSTRUCT:
            inquiry.status = Status.RECEIVED
            _start(inquiry, StepKind.REGISTER, now)
        elif kind in {StepKind.TRANSFER, StepKind.PETITION}:
            inquiry.status = Status.REGISTERED
            _start(inquiry, StepKind.INSTRUCT, now)
        elif kind == StepKind.DRAFT_REPLY:
            _stop_clock(step, now)
            _after_units(inquiry, now)
        elif kind == StepKind.SIGN_OFF:
            _start(inquiry, StepKind.DRAFT_REPLY, now, unit=step.assignee_unit, deadline=step.deadline)
        elif kind == StepKind.COMPILE:
            signed = inquiry.steps.filter(kind=StepKind.SIGN_OFF, state=StepState.DONE)
            unit_ids = set(signed.values_list("assignee_unit", flat=True))
            if unit_ids:
                _transfer_to(inquiry, list(Unit.objects.filter(pk__in=unit_ids).order_by("order", "pk")), now)
                # The signed replies being redone no longer count as signed.
                signed.update(state=StepState.RETURNED)
            else:
                inquiry.status = Status.REGISTERED
                _start(inquiry, StepKind.INSTRUCT, now)
        elif kind == StepKind.REVIEW:
            inquiry.status = Status.COMPILING
            _start(inquiry, StepKind.COMPILE, now)
        elif kind == StepKind.REPLY:
            _stop_clock(step, now)
            inquiry.status = Status.REVIEWING
            _start(inquiry, StepKind.REVIEW, now)
        inquiry.save()
        _audit(
            "returned",
            actor,
            inquiry,
            before,
            request,
            step=kind,
            unit=step.assignee_unit_id,
            comment=comment,
        )
    return inquiry


def dispose(actor: Any, inquiry: Inquiry, text: str, request: Any = None) -> Inquiry:
    """恶意/违法留言的处置情况 (deleted, hidden, reported…), recorded on the message."""
    require(actor, "inquiries.dispose", inquiry)
    text = _text(text, "处置情况")
    with transaction.atomic():
        inquiry = _lock(inquiry)
        before = inquiry.disposition
        inquiry.disposition, inquiry.disposed_at, inquiry.disposed_by = text, timezone.now(), actor
        inquiry.save()
        record(
            "inquiries.disposed",
            actor=actor,
            obj=inquiry,
            request=request,
            before={"disposition": before},
            after={"disposition": text},
        )
    return inquiry


def save_petition_channel(actor: Any, data: dict[str, str], request: Any = None) -> PetitionChannel:
    """The actor's own county's channel, created on its first save."""
    require(actor, "inquiries.petition_channel")
    fields = {
        "address": "来信来访地址",
        "phone": "信访电话",
        "website": "网上信访网址",
        "template": "告知模板",
    }
    values = {k: str(data.get(k) or "").strip() for k in fields}
    errors = {k: [f"请填写{label}"] for k, label in fields.items() if not values[k]}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        county_id = actor.county_id
        # The county row serialises the first save of its channel (FOR NO KEY UPDATE: rows referring to the
        # county may still be inserted meanwhile).
        County.objects.select_for_update(no_key=True).filter(pk=county_id).first()
        channel = PetitionChannel.objects.select_for_update().filter(county=county_id).first()
        channel = channel or PetitionChannel(county_id=county_id)
        require(actor, "inquiries.petition_channel", channel)
        before = {k: getattr(channel, k) for k in fields} if channel.pk else None
        for key, value in values.items():
            setattr(channel, key, value)
        channel.full_clean()
        channel.save()
        record(
            "inquiries.petition_channel_saved",
            actor=actor,
            obj=channel,
            request=request,
            before=before,
            after=values,
        )
    return channel


def act(actor: Any, inquiry: Inquiry, action: str, data: dict[str, Any], request: Any = None) -> Inquiry:
    """One door for the API and the pages: `action` as CONTRACT.md names it."""
    comment, text, units = data.get("comment") or "", data.get("text") or "", data.get("units")
    if action == "register":
        return register_received(actor, inquiry, data.get("kind") or inquiry.kind, request)
    if action == "instruct":
        return instruct(actor, inquiry, data.get("decision"), comment, units, request)
    if action == "transfer":
        return transfer(actor, inquiry, units, comment, request)
    if action == "draft_reply":
        return draft_reply(actor, inquiry, text, comment, request)
    if action == "sign_off":
        return sign_off(actor, inquiry, comment, request)
    if action == "compile":
        return compile_reply(actor, inquiry, text, comment, request)
    if action == "review":
        return review(actor, inquiry, comment, request)
    if action == "reply":
        return reply(actor, inquiry, text, comment, request)
    if action == "petition":
        return petition(actor, inquiry, comment, request)
    if action == "return":
        return return_step(actor, inquiry, comment, request)
    raise ValidationError({"action": [f"未知的办理动作：{action}"]})
