"""`inquiries` and their actions (CONTRACT.md REST API)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from govmedia.api.params import Id, window

from . import intake, services
from .models import Inquiry, Step
from .queries import Filters, search

router = Router(tags=["留言处置"])


class StepOut(Schema):
    id: int
    kind: str
    label: str
    assignee_role: str
    assignee_unit: int | None
    assignee_unit_name: str | None
    state: str
    received_at: datetime
    due_at: datetime | None
    provisional: bool
    met_at: datetime | None
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    comment: str
    text: str
    units: list[int]


class InquiryOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    outcome: str
    kind: str
    account: int
    platform: str
    platform_message_id: str
    sender_id: str
    sender: str
    content: str
    msg_type: str
    received_at: datetime
    registered_at: datetime | None
    instruction: str
    compiled_text: str
    reply_text: str
    replied_at: datetime | None
    closed_at: datetime | None
    disposition: str
    attachments: list[str]
    supervisions: int
    steps: list[StepOut]


class InquiryIn(Schema):
    account: Id
    platform_message_id: str = ""
    sender: str = ""
    sender_id: str = ""
    content: str = ""
    received_at: datetime
    kind: str = "other"


class ActionIn(Schema):
    comment: str = ""
    units: list[Id] = []
    text: str = ""
    decision: str | None = None  # instruct: direct | transfer | petition | no_action (default from units)
    kind: str | None = None  # register: the category chosen for a pushed message


def _t(value: datetime | None) -> datetime | None:
    """Times leave the API with +08:00 (CONTRACT.md)."""
    return timezone.localtime(value) if value else None


def _step(s: Step) -> dict[str, Any]:
    d = s.deadline
    return {
        "id": s.pk,
        "kind": s.kind,
        "label": s.get_kind_display(),
        "assignee_role": s.assignee_role,
        "assignee_unit": s.assignee_unit_id,
        "assignee_unit_name": s.assignee_unit.name if s.assignee_unit else None,
        "state": s.state,
        "received_at": _t(s.received_at),
        "due_at": _t(d.due_at) if d else None,
        "provisional": bool(d and d.provisional),
        "met_at": _t(d.met_at) if d else None,
        "decision": s.decision,
        "decided_by": s.decided_by.username if s.decided_by else None,
        "decided_at": _t(s.decided_at),
        "comment": s.comment,
        "text": s.text,
        "units": s.units or [],
    }


def _out(inquiry: Inquiry) -> dict[str, Any]:
    steps = inquiry.steps.select_related("deadline", "decided_by", "assignee_unit").order_by("id")
    return {
        **{
            k: _t(v) if isinstance(v := getattr(inquiry, k), datetime) else v
            for k in (
                "status",
                "outcome",
                "kind",
                "platform",
                "platform_message_id",
                "sender_id",
                "content",
                "msg_type",
                "received_at",
                "registered_at",
                "instruction",
                "compiled_text",
                "reply_text",
                "replied_at",
                "closed_at",
                "disposition",
            )
        },
        "id": inquiry.pk,
        "number": inquiry.number,
        "status_label": inquiry.get_status_display(),
        "account": inquiry.account_id,
        "sender": inquiry.sender_name,
        "attachments": list(inquiry.attachments.values_list("sha256", flat=True)),
        "supervisions": inquiry.supervisions.count(),
        "steps": [_step(s) for s in steps],
    }


def _inquiry(request: HttpRequest, inquiry_id: int) -> Inquiry:
    return get_object_or_404(Inquiry.objects.visible_to(request.user), pk=inquiry_id)


@router.get("", summary="留言列表")
def list_inquiries(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    account: str = "",
    unit: str = "",
    sender: str = "",
    start: date | None = None,
    end: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    qs = search(
        Inquiry.objects.visible_to(request.user),
        Filters(account=account, kind=kind, status=status, unit=unit, sender=sender, start=start, end=end),
    )
    lo, hi = window(limit, offset)
    page = qs.select_related("account").order_by("-received_at", "-id")[lo:hi]
    items = [
        {
            "id": i.pk,
            "number": i.number,
            "status": i.status,
            "kind": i.kind,
            "account": i.account_id,
            "account_name": i.account.name,
            "sender": i.sender_name,
            "content": i.content,
            "received_at": _t(i.received_at),
            "replied_at": _t(i.replied_at),
        }
        for i in page
    ]
    return {"items": items, "count": qs.count()}


@router.post("", response={201: InquiryOut}, summary="登记留言")
def create(request: HttpRequest, payload: InquiryIn) -> Status:
    data = payload.dict()
    data["sender_name"] = data.pop("sender")
    inquiry = intake.register(request.user, data, source="api", request=request)
    return Status(201, _out(inquiry))


@router.get("/{inquiry_id}", response=InquiryOut, summary="留言详情（含办理环节）")
def detail(request: HttpRequest, inquiry_id: int) -> dict[str, Any]:
    return _out(_inquiry(request, inquiry_id))


@router.get("/{inquiry_id}/steps", response=list[StepOut], summary="办理环节")
def steps(request: HttpRequest, inquiry_id: int) -> Any:
    return _out(_inquiry(request, inquiry_id))["steps"]


@router.post("/{inquiry_id}/actions/{action}", response=InquiryOut, summary="办理动作")
def act(request: HttpRequest, inquiry_id: int, action: str, payload: ActionIn) -> dict[str, Any]:
    inquiry = _inquiry(request, inquiry_id)
    return _out(services.act(request.user, inquiry, action, payload.dict(), request=request))
