"""The periodic review of who may operate which account (3.2.3): every active operator grant is confirmed
each quarter, and one whose person has left or moved is revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.models import COUNTY_LEVEL_KINDS, speaks_for
from govmedia.org.permissions import require, rule
from govmedia.web.errors import InvalidState

from .models import Account, OperatorGrant
from .rules import GRANT_REVIEW_DAYS, grant_review_problem


@rule("registry.review_grants")
def _may_review_grants(user: Any, obj: Any) -> bool:
    return bool(user.has_role("center_staff", "unit_admin"))


@dataclass(frozen=True)
class GrantRow:
    grant: OperatorGrant
    problem: str
    must_revoke: bool  # the person has left or moved: confirming is not an option


def _person_in_unit(grant: OperatorGrant) -> bool:
    """The person is still of the account's unit, or of a county-level unit of the account's county."""
    return speaks_for(grant.user.unit, grant.account.unit)


def problem_of(grant: OperatorGrant) -> str:
    return grant_review_problem(
        grant.granted_on,
        grant.reviewed_on,
        timezone.localdate(),
        person_active=grant.user.is_active,
        person_in_unit=_person_in_unit(grant),
    )


def active_grants(user: Any, due_only: bool) -> QuerySet[OperatorGrant]:
    """The active grants of the accounts this person keeps; `due_only` keeps those needing review now (the
    same rule as `grant_review_problem`, in SQL so the list pages)."""
    require(user, "registry.review_grants")
    qs = OperatorGrant.objects.filter(
        revoked_on__isnull=True, account__in=Account.objects.visible_to(user).values("pk")
    )
    if due_only:
        cutoff = timezone.localdate() - timedelta(days=GRANT_REVIEW_DAYS)
        county_level_here = Q(user__unit__kind__in=COUNTY_LEVEL_KINDS) & Q(
            user__unit__county=F("account__unit__county")
        )
        moved = ~Q(user__unit=F("account__unit")) & ~county_level_here
        stale = Q(reviewed_on__lte=cutoff) | Q(reviewed_on__isnull=True, granted_on__lte=cutoff)
        qs = qs.filter(Q(user__is_active=False) | Q(user__unit__isnull=True) | moved | stale)
    return qs.select_related("account__unit", "user__unit", "reviewed_by").order_by(
        "account__unit__order", "account_id", "id"
    )


def rows(grants: Any) -> list[GrantRow]:
    return [GrantRow(g, problem_of(g), not g.user.is_active or not _person_in_unit(g)) for g in grants]


def confirm(actor: Any, grant: OperatorGrant, request: Any = None) -> OperatorGrant:
    """The account's keeper confirms the person still needs to operate it."""
    require(actor, "registry.edit", grant.account)
    with transaction.atomic():
        locked = (
            OperatorGrant.objects.select_for_update(of=("self",))
            .select_related("user__unit", "account__unit")
            .get(pk=grant.pk)
        )
        if locked.revoked_on is not None:
            raise InvalidState("该授权已撤销。")
        if not locked.user.is_active or not _person_in_unit(locked):
            raise InvalidState(f"{locked.user}已停用或已不在本单位，只能撤销授权。")
        locked.reviewed_on = timezone.localdate()
        locked.reviewed_by = actor
        locked.save(update_fields=["reviewed_on", "reviewed_by"])
        record(
            "registry.operator_reviewed",
            actor=actor,
            obj=locked.account,
            after={"user": locked.user_id, "name": str(locked.user), "reviewed_on": locked.reviewed_on},
            request=request,
        )
    return locked
