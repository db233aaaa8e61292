"""`incidents` and `patrols` (CONTRACT.md REST API): thin routers over the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from govmedia.api.params import Id, window
from govmedia.registry.models import Account, AccountStatus

from . import incident_services, patrol_services
from .models import Incident, Patrol, RotationTask

incidents_router = Router(tags=["安全事件"])
patrols_router = Router(tags=["值班巡查"])


def _t(moment: datetime | None) -> datetime | None:
    """Times leave the API with the +08:00 offset (CONTRACT.md)."""
    return timezone.localtime(moment) if moment else None


# --- incidents -----------------------------------------------------------------------------------------


class StepOut(Schema):
    id: int
    order: int
    code: str
    label: str
    done: bool
    done_at: datetime | None
    done_by: str | None
    note: str


class TaskOut(Schema):
    id: int
    account: int
    reason: str
    status: str
    due_at: datetime


class EventOut(Schema):
    at: datetime
    actor: str | None
    kind: str
    text: str


class IncidentOut(Schema):
    id: int
    kind: str
    severity: str
    title: str
    description: str
    occurred_at: datetime
    status: str
    accounts: list[int]
    patrol: int | None
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    review: str
    steps: list[StepOut]
    rotation_tasks: list[TaskOut]


class IncidentIn(Schema):
    kind: str
    severity: str = "general"
    title: str
    description: str
    occurred_at: datetime | None = None
    accounts: list[Id]
    patrol: Id | None = None


class StepDoneIn(Schema):
    note: str = ""


class NoteIn(Schema):
    text: str


class CloseIn(Schema):
    review: str


def _incident_out(i: Incident) -> dict[str, Any]:
    steps = i.steps.select_related("done_by").order_by("order")
    tasks = RotationTask.objects.filter(source=f"incident:{i.pk}").select_related("deadline").order_by("id")
    return {
        "id": i.pk,
        "kind": i.kind,
        "severity": i.severity,
        "title": i.title,
        "description": i.description,
        "occurred_at": _t(i.occurred_at),
        "status": i.status,
        "accounts": sorted(a.pk for a in i.accounts.all()),
        "patrol": i.patrol_id,
        "opened_by": i.opened_by.username,
        "opened_at": _t(i.opened_at),
        "closed_at": _t(i.closed_at),
        "review": i.review,
        "steps": [
            {
                "id": s.pk,
                "order": s.order,
                "code": s.code,
                "label": s.label,
                "done": s.done_at is not None,
                "done_at": _t(s.done_at),
                "done_by": s.done_by.username if s.done_by else None,
                "note": s.note,
            }
            for s in steps
        ],
        "rotation_tasks": [
            {
                "id": t.pk,
                "account": t.account_id,
                "reason": t.reason,
                "status": t.status,
                "due_at": _t(t.deadline.due_at),
            }
            for t in tasks
        ],
    }


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("opened_by__unit"), pk=incident_id
    )


@incidents_router.get("", summary="安全事件列表")
def list_incidents(
    request: HttpRequest,
    status: str | None = None,
    kind: str | None = None,
    account: Id | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = Incident.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if account is not None:
        qs = qs.filter(pk__in=Incident.accounts.through.objects.filter(account=account).values("incident_id"))
    lo, hi = window(limit, offset)
    page = qs.prefetch_related("accounts").order_by("-occurred_at", "-id")[lo:hi]
    return {
        "items": [
            {
                "id": i.pk,
                "kind": i.kind,
                "severity": i.severity,
                "title": i.title,
                "status": i.status,
                "occurred_at": _t(i.occurred_at),
                "accounts": sorted(a.pk for a in i.accounts.all()),
            }
            for i in page
        ],
        "count": qs.count(),
    }


@incidents_router.post("", response={201: IncidentOut}, summary="登记安全事件（泄露即发起密码更换任务）")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status:
    patrol = None
    if payload.patrol is not None:
        patrol = Patrol.objects.visible_to(request.user).filter(pk=payload.patrol).first()
        if patrol is None:
            raise ValidationError({"patrol": ["来源巡查不存在"]})
    data = payload.dict()
    incident = incident_services.open_incident(
        request.user, data, data.pop("accounts"), patrol=patrol, request=request
    )
    return Status(201, _incident_out(incident))


@incidents_router.get("/{incident_id}", response=IncidentOut, summary="安全事件详情")
def incident_detail(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    return _incident_out(_incident(request, incident_id))


@incidents_router.get("/{incident_id}/timeline", response=list[EventOut], summary="时间线")
def incident_timeline(request: HttpRequest, incident_id: int) -> list[dict[str, Any]]:
    i = _incident(request, incident_id)
    return [
        {"at": _t(e.at), "actor": e.actor.username if e.actor else None, "kind": e.kind, "text": e.text}
        for e in i.events.select_related("actor")
    ]


@incidents_router.post("/{incident_id}/steps/{step_id}/done", response=IncidentOut, summary="完成处置事项")
def incident_step_done(
    request: HttpRequest, incident_id: int, step_id: int, payload: StepDoneIn
) -> dict[str, Any]:
    i = _incident(request, incident_id)
    incident_services.complete_step(request.user, i, step_id, payload.note, request=request)
    return _incident_out(i)


@incidents_router.post("/{incident_id}/notes", response=IncidentOut, summary="记录处置情况")
def incident_note(request: HttpRequest, incident_id: int, payload: NoteIn) -> dict[str, Any]:
    i = _incident(request, incident_id)
    incident_services.add_note(request.user, i, payload.text, request=request)
    return _incident_out(i)


@incidents_router.post("/{incident_id}/close", response=IncidentOut, summary="结案（处置事项须全部完成）")
def incident_close(request: HttpRequest, incident_id: int, payload: CloseIn) -> dict[str, Any]:
    i = incident_services.close_incident(
        request.user, _incident(request, incident_id), payload.review, request=request
    )
    return _incident_out(i)


# --- patrols -------------------------------------------------------------------------------------------


class PatrolOut(Schema):
    id: int
    account: int
    at: datetime
    by: str
    front_content_ok: bool
    front_comments_ok: bool
    back_operators_ok: bool
    back_signins_ok: bool
    back_interfaces_ok: bool
    result: str
    notes: str
    heightened: str
    screenshots: list[str]


class PatrolIn(Schema):
    account: Id
    front_content_ok: bool
    front_comments_ok: bool
    back_operators_ok: bool
    back_signins_ok: bool
    back_interfaces_ok: bool
    result: str
    notes: str = ""


class MissedOut(Schema):
    account: int
    window_start: datetime
    window_end: datetime
    heightened: str


def _patrol_out(p: Patrol) -> dict[str, Any]:
    return {
        "at": _t(p.at),
        **{k: getattr(p, k) for k in ("id", "result", "notes", "heightened", *patrol_services.CHECKS)},
        "account": p.account_id,
        "by": p.by.username,
        "screenshots": [s.sha256 for s in p.screenshots.all()],
    }


@patrols_router.get("", summary="巡查记录列表")
def list_patrols(
    request: HttpRequest,
    account: Id | None = None,
    result: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = Patrol.objects.visible_to(request.user)
    if account is not None:
        qs = qs.filter(account=account)
    if result:
        qs = qs.filter(result=result)
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    lo, hi = window(limit, offset)
    page = qs.select_related("by").prefetch_related("screenshots").order_by("-at", "-id")[lo:hi]
    return {"items": [_patrol_out(p) for p in page], "count": qs.count()}


@patrols_router.post("", response={201: PatrolOut}, summary="登记巡查（时间以服务器记录为准）")
def create_patrol(request: HttpRequest, payload: PatrolIn) -> Status:
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=payload.account)
    patrol = patrol_services.record_patrol(request.user, account, payload.dict(), request=request)
    return Status(201, _patrol_out(patrol))


@patrols_router.get("/missed", response=list[MissedOut], summary="漏巡（按巡查规则计算）")
def missed_patrols(
    request: HttpRequest, start: date | None = None, end: date | None = None, account: Id | None = None
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=6)
    if end < start or (end - start).days > 92:
        raise ValidationError({"start": ["查询期间须不超过93天，且开始不晚于结束"]})
    qs = Account.objects.visible_to(request.user).filter(status=AccountStatus.OPERATING)
    if account is not None:
        qs = qs.filter(pk=account)
    return [
        {"account": a.pk, "window_start": _t(w.start), "window_end": _t(w.end), "heightened": w.heightened}
        for a, w in patrol_services.missed_between(list(qs), start, end)
    ]


@patrols_router.get("/{patrol_id}", response=PatrolOut, summary="巡查详情")
def patrol_detail(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    return _patrol_out(
        get_object_or_404(Patrol.objects.visible_to(request.user).select_related("by"), pk=patrol_id)
    )
