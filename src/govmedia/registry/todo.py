"""我的待办 items of the register: filings to review, returned filings, filings due, expiring verification."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from govmedia.org.permissions import can
from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from . import grants
from .models import Account, AccountQuerySet, Filing, OperatorGrant


def _to_review(user: Any) -> QuerySet[Filing]:
    """Filings waiting for the county office: those of the office leader's own county (`registry.review`)."""
    if user.county_id is None:
        return Filing.objects.none()
    return Filing.objects.pending_review().filter(account__unit__county=user.county_id)


def _to_send(user: Any) -> QuerySet[Filing]:
    """Returned and draft filings of accounts this person may file for (the `registry.file` rule): the
    centre's are its own county's."""
    qs = Filing.objects.visible_to(user).filter(status__in=[Filing.Status.RETURNED, Filing.Status.DRAFT])
    if user.has_role("center_staff") and user.county_id is not None:
        return qs.filter(account__unit__county=user.county_id)
    return qs.filter(account__unit=user.unit_id)


def _expiring(user: Any) -> QuerySet[Account]:
    """Accounts whose verification runs out soon that this person may edit (the `registry.edit` rule): the
    centre's are its own county's."""
    qs = cast(AccountQuerySet, Account.objects.visible_to(user)).verification_expiring()
    if user.has_role("center_staff") and user.county_id is not None:
        return qs.filter(unit__county=user.county_id)
    return qs.filter(unit=user.unit_id)


def _grants_due(user: Any) -> QuerySet[OperatorGrant]:
    """Operator grants due for their periodic review (3.2.3), for whoever keeps the accounts."""
    if not user.has_role("unit_admin", "center_staff"):
        return OperatorGrant.objects.none()
    return grants.active_grants(user, due_only=True)


# What an item shows of a filing (and what the `registry.file` rule reads of its account).
FILING_ROW = ("kind", "action", "account__name", "account__unit__county")
DEADLINE_ROW = ("deadline__due_at", "deadline__provisional")


@provider
def registry_todos(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    filing = links_to("registry:filing")
    if user.has_role("office_leader"):
        for f in _to_review(user).select_related("account__unit").only(*FILING_ROW)[:50]:
            items.append(
                TodoItem(
                    f"审核{f.kind_label}：{f.account.name}",
                    filing(f.pk),
                    "备案审核",
                )
            )
    if not user.has_role("unit_admin", "center_staff"):
        return items
    to_send = _to_send(user).select_related("account__unit", "deadline")
    for f in to_send.only(*FILING_ROW, "status", "first_submitted_at", *DEADLINE_ROW)[:50]:
        if not can(user, "registry.file", f.account):
            continue
        verb = "修改后重新报送" if f.status == Filing.Status.RETURNED else "报送"
        items.append(
            TodoItem(
                f"{verb}{f.kind_label}：{f.account.name}",
                filing(f.pk),
                "账号备案",
                None if f.first_submitted_at else f.deadline.due_at,
                f.deadline.provisional,
            )
        )
    if to_review := _grants_due(user).count():
        items.append(TodoItem(f"{to_review}项账号操作授权待复核", reverse("registry:grants"), "授权复核"))
    tz, today = timezone.get_current_timezone(), timezone.localdate()
    extend = links_to("registry:account_action", "verification")
    for a in (
        _expiring(user).select_related("unit").only("name", "unit__county", "verification_expires_on")[:50]
    ):
        if not can(user, "registry.edit", a):
            continue
        assert a.verification_expires_on is not None
        due = datetime.combine(a.verification_expires_on, time(23, 59, 59), tzinfo=tz)
        state = "已过期" if a.verification_expires_on < today else "即将到期"
        items.append(
            TodoItem(
                f"实名认证{state}，请办理延期：{a.name}",
                extend(a.pk),
                "认证延期",
                due,
            )
        )
    return items


@counter(registry_todos)
def registry_count(user: Any) -> list[Part]:
    parts: list[Part] = []
    if user.has_role("office_leader"):
        parts.append(Capped(_to_review(user).order_by().values("pk"), 50))
    if user.has_role("unit_admin", "center_staff"):
        parts.append(Capped(_to_send(user).order_by().values("pk"), 50))
        parts.append(Capped(_expiring(user).order_by().values("pk"), 50))
        parts.append(Capped(_grants_due(user).order_by().values("pk"), 1))  # one item for all of them
    return parts
