"""The ledger's query: filters, search and sort shared by the page, the export and the API."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet

from govmedia.web.forms import parse_id

from .models import Account, AccountQuerySet, AccountStatus, AccountType, Filing

SORTS = {
    "unit": ("unit__order", "id"),
    "name": ("name", "id"),
    "type": ("type", "id"),
    "status": ("status", "id"),
    "expiry": ("verification_expires_on", "id"),
    "-updated": ("-updated_at", "-id"),
}
FILING_STATES = {
    "due": "待备案",
    "late": "逾期",
    "returned": "被退回",
    "submitted": "待审核",
    "accepted": "已备案",
}


def ledger_queryset(user: Any, params: Any) -> QuerySet[Account]:
    visible = cast(AccountQuerySet, Account.objects.visible_to(user))
    qs = visible.select_related("unit", "security_officer").with_filing_state()
    unit = params.get("unit", "").strip()
    if (unit_id := parse_id(unit)) is not None:
        qs = qs.filter(unit_id=unit_id)
    elif unit:  # the page's unit filter is a name search when there are too many units for a drop-down
        qs = qs.filter(unit__name__icontains=unit[:100])
    if (kind := params.get("type", "")) in AccountType.values:
        qs = qs.filter(type=kind)
    if (status := params.get("status", "")) in AccountStatus.values:
        qs = qs.filter(status=status)
    state = params.get("filing", "")
    if state == "due":
        qs = qs.filter(Q(filing_pending=True) | Q(has_filing=False)).exclude(
            status=AccountStatus.DEREGISTERED
        )
    elif state == "late":
        qs = qs.filter(filing_late=True)
    elif state == "returned":
        qs = qs.filter(filing_returned=True)
    elif state in ("submitted", "accepted"):
        qs = qs.filter(Exists(Filing.objects.filter(account=OuterRef("pk"), status=state)))
    if params.get("expiring") == "1":
        qs = qs.verification_expiring()
    if q := params.get("q", "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(link__icontains=q))
    return qs.order_by(*SORTS.get(params.get("sort", ""), SORTS["unit"]))
