"""`accounts` and `filings` (CONTRACT.md REST API): thin, they parse, call a service and answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from govmedia.api.errors import Conflict, Unprocessable
from govmedia.api.params import MAX_LIMIT, MAX_OFFSET, Id
from govmedia.org.models import Unit
from govmedia.web.errors import InvalidState

from . import services
from .checks import account_name_warnings
from .models import CONTACT_PARTS, Account, Filing
from .queries import ledger_queryset

accounts_router = Router(tags=["账号台账"])
filings_router = Router(tags=["账号备案"])

AccountTypeLit = Literal["weibo", "wechat", "qq", "toutiao", "baijiahao", "penguin", "app", "other"]


class Contact(Schema):
    name: str = Field("", max_length=50)
    title: str = Field("", max_length=50)
    mobile: str = Field("", max_length=11)
    office_phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class WechatIn(Schema):
    token: str = Field("", max_length=64)
    aes_key: str = Field("", max_length=64)
    app_id: str = Field("", max_length=64)


class AccountIn(Schema):
    unit: Id
    type: AccountTypeLit
    wechat_kind: Literal["subscription", "service"] | None = None
    type_other: str = Field("", max_length=50)
    name: str = Field(..., min_length=1, max_length=100)
    link: str = Field(..., min_length=1, max_length=300)
    planned_open_on: date | None = None
    opened_on: date | None = None
    leader: Contact | None = None
    admin: Contact | None = None
    developer: str = Field("无", max_length=100)
    purpose_plan: str = Field("", max_length=5000)
    introduction: str = Field("", max_length=5000)
    wechat: WechatIn | None = None


class UnitRef(Schema):
    id: int
    name: str
    kind: str


class Warning_(Schema):
    code: str
    message: str


class AccountOut(Schema):
    id: int
    unit: UnitRef
    type: str
    type_label: str
    type_other: str
    wechat_kind: str
    name: str
    link: str
    planned_open_on: date | None
    opened_on: date | None
    status: str
    status_label: str
    leader: Contact
    admin: Contact
    developer: str
    purpose_plan: str
    introduction: str
    verified: bool
    verified_by: str
    verified_on: date | None
    verification_expires_on: date | None
    security_officer: int | None
    wechat_configured: bool
    name_warnings: list[Warning_] | None = None


class AccountPage(Schema):
    items: list[AccountOut]
    count: int


class FilingIn(Schema):
    account: Id
    kind: Literal["new", "existing", "close_change", "emergency_shutdown", "personnel_change"]
    event_date: date | None = None
    action: Literal["close", "change"] | None = None
    proposed: dict[str, Any] | None = None
    reason: str = Field("", max_length=2000)
    submit: bool = True


class ReviewIn(Schema):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=2000)
    checklist: dict[str, bool] | None = None


class DeregistrationIn(Schema):
    on: date
    evidence: str = Field(..., min_length=1, max_length=2000)


class FilingOut(Schema):
    id: int
    account: int
    account_name: str
    unit: int
    kind: str
    kind_label: str
    action: str
    event_date: date
    status: str
    status_label: str
    due: date
    due_at: datetime
    provisional: bool
    late: bool
    late_workdays: int | None
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    proposed: dict[str, Any]
    review_comment: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    deregistered_on: date | None
    missing: list[str] = []


class FilingPage(Schema):
    items: list[FilingOut]
    count: int


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _contact(a: Account, role: str) -> dict[str, str]:
    return {part: getattr(a, f"{role}_{part}") for part in CONTACT_PARTS}


def account_out(a: Account, warnings: bool = False) -> dict[str, Any]:
    out = {
        "id": a.pk,
        "unit": a.unit,
        "type": a.type,
        "type_label": a.type_label,
        "type_other": a.type_other,
        "wechat_kind": a.wechat_kind,
        "name": a.name,
        "link": a.link,
        "planned_open_on": a.planned_open_on,
        "opened_on": a.opened_on,
        "status": a.status,
        "status_label": a.get_status_display(),
        "leader": _contact(a, "leader"),
        "admin": _contact(a, "admin"),
        "developer": a.developer,
        "purpose_plan": a.purpose_plan,
        "introduction": a.introduction,
        "verified": a.verified,
        "verified_by": a.verified_by,
        "verified_on": a.verified_on,
        "verification_expires_on": a.verification_expires_on,
        "security_officer": a.security_officer_id,
        "wechat_configured": a.has_wechat_secrets,
    }
    if warnings:
        out["name_warnings"] = [{"code": w.code, "message": w.message} for w in account_name_warnings(a)]
    return out


def filing_out(f: Filing, missing: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": f.pk,
        "account": f.account_id,
        "account_name": f.account.name,
        "unit": f.account.unit_id,
        "kind": f.kind,
        "kind_label": f.kind_label,
        "action": f.action,
        "event_date": f.event_date,
        "status": f.status,
        "status_label": f.get_status_display(),
        "due": f.deadline.due_date,
        "due_at": f.deadline.due_at,
        "provisional": f.deadline.provisional,
        "late": f.late,
        "late_workdays": f.late_workdays,
        "first_submitted_at": f.first_submitted_at,
        "submitted_at": f.submitted_at,
        "proposed": f.proposed,
        "review_comment": f.review_comment,
        "reviewed_by": f.reviewed_by.username if f.reviewed_by else None,
        "reviewed_at": f.reviewed_at,
        "deregistered_on": f.deregistered_on,
        "missing": missing or [],
    }


def _conflicts(fn: Any) -> Any:
    try:
        return fn()
    except InvalidState as exc:
        raise Conflict(str(exc)) from exc


# ---- accounts ----


@accounts_router.get("", response=AccountPage, summary="账号台账")
def list_accounts(
    request: HttpRequest,
    paging: Query[Paging],
    unit: int | None = None,
    type: str = "",
    status: str = "",
    filing: str = "",
    q: str = "",
    expiring: bool = False,
    sort: str = "",
) -> dict[str, Any]:
    params = {
        "unit": str(unit or ""),
        "type": type,
        "status": status,
        "filing": filing,
        "q": q,
        "expiring": "1" if expiring else "",
        "sort": sort,
    }
    qs = ledger_queryset(request.user, params)
    rows = qs[paging.offset : paging.offset + paging.limit]
    return {"items": [account_out(a) for a in rows], "count": qs.count()}


@accounts_router.get("/{int:account_id}", response=AccountOut, summary="账号详情")
def get_account(request: HttpRequest, account_id: int) -> dict[str, Any]:
    account = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("unit"), pk=account_id
    )
    return account_out(account, warnings=True)


@accounts_router.post("", response={201: AccountOut}, summary="登记账号")
def create_account(request: HttpRequest, body: AccountIn) -> Status[dict[str, Any]]:
    user: Any = request.user
    unit = Unit.objects.filter(pk=body.unit, is_active=True, county=user.county_id).first()
    if unit is None:
        raise Unprocessable("单位不存在。", errors={"unit": ["单位不存在"]})
    data: dict[str, Any] = body.dict(exclude={"unit", "leader", "admin", "wechat"})
    data["wechat_kind"] = data["wechat_kind"] or ""
    for role in ("leader", "admin"):
        contact = getattr(body, role)
        for part in CONTACT_PARTS:
            data[f"{role}_{part}"] = getattr(contact, part).strip() if contact else ""
    if body.wechat is not None:
        data.update(
            wechat_token=body.wechat.token,
            wechat_aes_key=body.wechat.aes_key,
            wechat_app_id=body.wechat.app_id,
        )
    account = services.create_account(request.user, unit, data, request=request)
    return Status(201, account_out(account, warnings=True))


# ---- filings ----


def _filings(request: HttpRequest) -> Any:
    return Filing.objects.visible_to(request.user).select_related("account__unit", "deadline", "reviewed_by")


@filings_router.get("", response=FilingPage, summary="备案列表")
def list_filings(
    request: HttpRequest, paging: Query[Paging], status: str = "", kind: str = "", account: Id | None = None
) -> dict[str, Any]:
    qs = _filings(request).order_by("-id")
    if status in Filing.Status.values:
        qs = qs.filter(status=status)
    if kind in Filing.Kind.values:
        qs = qs.filter(kind=kind)
    if account is not None:
        qs = qs.filter(account_id=account)
    rows = qs[paging.offset : paging.offset + paging.limit]
    return {"items": [filing_out(f) for f in rows], "count": qs.count()}


@filings_router.get("/{int:filing_id}", response=FilingOut, summary="备案详情")
def get_filing(request: HttpRequest, filing_id: int) -> dict[str, Any]:
    return filing_out(get_object_or_404(_filings(request), pk=filing_id))


@filings_router.post("", response={201: FilingOut}, summary="填报备案")
def create_filing(request: HttpRequest, body: FilingIn) -> Status[dict[str, Any]]:
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=body.account)
    missing = services.a1_missing({**account.a1_data(), **(body.proposed or {})})
    # An incomplete form A.1 is kept as a draft (with `missing`) instead of being refused.
    submit = body.submit and not missing
    filing = _conflicts(
        lambda: services.create_filing(
            request.user,
            account,
            body.kind,
            body.event_date,
            action=body.action or "",
            proposed=body.proposed,
            reason=body.reason,
            submit=submit,
            request=request,
        )
    )
    return Status(
        201, filing_out(get_object_or_404(_filings(request), pk=filing.pk), missing if body.submit else [])
    )


@filings_router.post("/{int:filing_id}/submit", response=FilingOut, summary="报送（退回后重新报送）")
def submit_filing(request: HttpRequest, filing_id: int) -> dict[str, Any]:
    filing = get_object_or_404(_filings(request), pk=filing_id)
    _conflicts(lambda: services.submit_filing(request.user, filing, request=request))
    return filing_out(get_object_or_404(_filings(request), pk=filing_id))


@filings_router.post("/{int:filing_id}/review", response=FilingOut, summary="县政府办公室审核")
def review_filing(request: HttpRequest, filing_id: int, body: ReviewIn) -> dict[str, Any]:
    filing = get_object_or_404(_filings(request), pk=filing_id)
    _conflicts(
        lambda: services.review_filing(
            request.user, filing, body.decision, body.comment, body.checklist, request=request
        )
    )
    return filing_out(get_object_or_404(_filings(request), pk=filing_id))


@filings_router.post("/{int:filing_id}/deregistration", response=FilingOut, summary="登记平台注销")
def deregister(request: HttpRequest, filing_id: int, body: DeregistrationIn) -> dict[str, Any]:
    filing = get_object_or_404(_filings(request), pk=filing_id)
    _conflicts(
        lambda: services.record_deregistration(request.user, filing, body.on, body.evidence, request=request)
    )
    return filing_out(get_object_or_404(_filings(request), pk=filing_id))
