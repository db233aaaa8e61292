"""Incidents (R6.3-1, R3.2.8): opened with their playbook, worked item by item, leaders told at once,
closed with a review. A leak raises the password rotation task of every affected account (R6.1-5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.models import User, role_holders
from govmedia.org.permissions import can, require
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState

from .incidents import KIND_LABELS, LEAK, SEVERITY_LABELS, playbook
from .models import Incident, IncidentEvent, IncidentStep, Notice, Patrol, RotationTask
from .services import raise_rotation_task


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind, severity = data.get("kind") or "", data.get("severity") or ""
    title = str(data.get("title") or "").strip()
    description = str(data.get("description") or "").strip()
    occurred_at = data.get("occurred_at") or timezone.now()
    if kind not in KIND_LABELS:
        errors["kind"] = ["事件类型应为账号信息泄露、内容被篡改、异常登录、平台故障、网络攻击或其他"]
    if severity not in SEVERITY_LABELS:
        errors["severity"] = ["严重程度应为一般、较大或重大"]
    if not title:
        errors["title"] = ["请填写事件名称"]
    elif len(title) > 200:
        errors["title"] = ["事件名称不能超过200字"]
    if not description:
        errors["description"] = ["请填写事件经过"]
    elif len(description) > 10000:
        errors["description"] = ["事件经过不能超过10000字"]
    if not isinstance(occurred_at, datetime) or timezone.is_naive(occurred_at):
        errors["occurred_at"] = ["请填写带时区的发现时间"]
    elif occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = ["发现时间不能晚于现在"]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "severity": severity,
        "title": title,
        "description": description,
        "occurred_at": occurred_at,
    }


def leaders_to_notify(accounts: Sequence[Account]) -> list[User]:
    """The leaders of the accounts' county (never another county's), the affected units' leaders and the
    accounts' security officers (6.3)."""
    people: dict[int, User] = {}
    for county in sorted({a.unit.county_id for a in accounts}):
        for role in ("office_leader", "county_leader"):
            for u in role_holders(role, county=county):
                people[u.pk] = u
    for u in role_holders("unit_leader", {a.unit for a in accounts}):
        people[u.pk] = u
    officers = User.objects.filter(
        pk__in=[a.security_officer_id for a in accounts if a.security_officer_id], is_active=True
    )
    for u in officers:
        people[u.pk] = u
    return list(people.values())


def _event(incident: Incident, actor: Any, kind: str, text: str) -> IncidentEvent:
    return IncidentEvent.objects.create(incident=incident, actor=actor, kind=kind, text=text)


def open_incident(
    actor: Any,
    data: dict[str, Any],
    account_ids: Sequence[int],
    patrol: Patrol | None = None,
    request: Any = None,
) -> Incident:
    """Register an incident on visible accounts; lay out its checklist; notify the leaders at once; a leak
    raises a rotation task for each affected account."""
    clean = _clean(data)
    ids = sorted({int(i) for i in account_ids})
    accounts = list(Account.objects.visible_to(actor).filter(pk__in=ids).select_related("unit"))
    if not ids or len(accounts) != len(ids):
        raise ValidationError({"accounts": ["请选择涉及的账号"]})
    for account in accounts:
        require(actor, "security.open_incident", account)
    if patrol is not None and patrol.account_id not in ids:
        raise ValidationError({"patrol": ["来源巡查的账号须在涉及账号之中"]})
    with transaction.atomic():
        incident = Incident.objects.create(opened_by=actor, patrol=patrol, **clean)
        incident.accounts.set(accounts)
        IncidentStep.objects.bulk_create(
            [
                IncidentStep(incident=incident, order=i, code=code, label=label)
                for i, (code, label) in enumerate(playbook(clean["kind"]), start=1)
            ]
        )
        names = "、".join(a.name for a in accounts)
        _event(
            incident,
            actor,
            "opened",
            f"登记{KIND_LABELS[clean['kind']]}事件（{SEVERITY_LABELS[clean['severity']]}），涉及账号：{names}",
        )
        url = reverse("security:incident", args=[incident.pk])
        leaders = [u for u in leaders_to_notify(accounts) if u.pk != getattr(actor, "pk", None)]
        Notice.objects.bulk_create(
            [
                Notice(
                    recipient=u,
                    incident=incident,
                    url=url,
                    title=f"安全事件：{incident.title}（{SEVERITY_LABELS[clean['severity']]}）",
                )
                for u in leaders
            ]
        )
        if leaders:
            _event(incident, None, "notified", "已通知：" + "、".join(str(u) for u in leaders))
        tasks = []
        if clean["kind"] == LEAK:
            for account in accounts:
                task = raise_rotation_task(
                    account, RotationTask.Reason.LEAK, actor=actor, source=incident, request=request
                )
                tasks.append(task.pk)
                _event(incident, None, "rotation", f"已发起密码更换任务：{account.name}")
        record(
            "security.incident_opened",
            actor=actor,
            obj=incident,
            request=request,
            after={
                **clean,
                "accounts": ids,
                "patrol": patrol.pk if patrol else None,
                "notified": [u.pk for u in leaders],
                "rotation_tasks": tasks,
            },
        )
    return incident


def _locked_open(incident: Incident) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.status != Incident.Status.OPEN:
        raise InvalidState("事件已结案，不能再修改。")
    return locked


def complete_step(
    actor: Any, incident: Incident, step_id: int, note: str = "", request: Any = None
) -> IncidentStep:
    """Tick a checklist item with who and when."""
    require(actor, "security.work_incident", incident)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": ["情况说明不能超过500字"]})
    with transaction.atomic():
        locked = _locked_open(incident)
        step = IncidentStep.objects.select_for_update().filter(incident=locked, pk=step_id).first()
        if step is None:
            raise ValidationError({"step": ["该处置事项不存在"]})
        if step.done_at is not None:
            raise InvalidState("该事项已完成。")
        step.done_at, step.done_by, step.note = timezone.now(), actor, note
        step.save(update_fields=["done_at", "done_by", "note"])
        _event(locked, actor, "step", f"完成：{step.label}" + (f"（{note}）" if note else ""))
        record(
            "security.incident_step_done",
            actor=actor,
            obj=locked,
            request=request,
            after={"step": step.code, "note": note},
        )
    return step


def add_note(actor: Any, incident: Incident, text: str, request: Any = None) -> IncidentEvent:
    require(actor, "security.work_incident", incident)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["请填写处置情况"]})
    if len(text) > 2000:
        raise ValidationError({"text": ["处置情况不能超过2000字"]})
    with transaction.atomic():
        locked = _locked_open(incident)
        event = _event(locked, actor, "note", text)
        record("security.incident_note", actor=actor, obj=locked, after={"text": text}, request=request)
    return event


def close_incident(actor: Any, incident: Incident, review: str, request: Any = None) -> Incident:
    """结案: every checklist item done, with a review of causes and lessons."""
    require(actor, "security.work_incident", incident)
    review = (review or "").strip()
    if not review:
        raise ValidationError({"review": ["请填写结案复盘（原因、处置结果、改进措施）"]})
    if len(review) > 10000:
        raise ValidationError({"review": ["复盘不能超过10000字"]})
    with transaction.atomic():
        locked = _locked_open(incident)
        pending = list(locked.steps.filter(done_at__isnull=True).values_list("label", flat=True))
        if pending:
            raise InvalidState("尚有处置事项未完成：" + "；".join(pending), pending=pending)
        now = timezone.now()
        locked.status, locked.closed_at, locked.closed_by, locked.review = (
            Incident.Status.CLOSED,
            now,
            actor,
            review,
        )
        locked.save(update_fields=["status", "closed_at", "closed_by", "review"])
        _event(locked, actor, "closed", "结案。" + review)
        record("security.incident_closed", actor=actor, obj=locked, after={"review": review}, request=request)
    return locked


def read_notice(actor: Any, notice: Notice) -> Notice:
    if notice.recipient_id != actor.pk:
        raise ValidationError({"notice": ["该通知不存在"]})
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.read_at is None:
            locked.read_at = timezone.now()
            locked.save(update_fields=["read_at"])
            if locked.incident_id:
                _event(locked.incident, actor, "read", f"{actor}已阅知")  # type: ignore[arg-type]
            record("security.notice_read", actor=actor, obj=locked.incident, after={"notice": locked.pk})
    return locked


def may_work(user: Any, incident: Incident) -> bool:
    return can(user, "security.work_incident", incident)
