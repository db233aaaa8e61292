"""The facts the inspection lines need, for every account a person may see, in one query (B-5)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from govmedia.inquiries.models import Inquiry, Kind, Status
from govmedia.registry.models import Account, Filing

from .indicators import UNANSWERED_MONTHS, WARN_DAYS, Facts, Verdict, add_months, judge


def warn_days() -> int:
    return int(getattr(settings, "INSPECTION_WARN_DAYS", WARN_DAYS))


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=timezone.get_current_timezone())


def _local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    return moment.astimezone(tz).date() if moment else None


# What `facts_of` reads of an account and its unit (an account row has some forty columns).
FACT_FIELDS = (
    *Account.LABEL_FIELDS,
    "unit__name",
    "unit__county",
    "status",
    "created_at",
    "opened_on",
    "last_published_at",
    "wechat_token",
    "wechat_aes_key",
    "wechat_app_id",
    "verified",
    "verification_expires_on",
)


def accounts_with_facts(accounts: Any, today: date) -> Any:
    """Annotate an Account queryset with what `facts_of` reads: all subqueries, one SQL statement."""
    now = timezone.now()
    open_valid = (
        Inquiry.objects.filter(account=OuterRef("pk"))
        .exclude(status=Status.CLOSED)
        .exclude(kind=Kind.ABUSIVE)
    )
    cutoff = _start(add_months(today, -UNANSWERED_MONTHS))
    over_limit = (
        open_valid.filter(received_at__lt=cutoff)
        .order_by()
        .values("account")
        .annotate(n=Count("account"))  # not "pk": the count then reads the index alone
        .values("n")
    )
    filings = Filing.objects.filter(account=OuterRef("pk"))
    unsent = Q(status__in=[Filing.Status.DRAFT, Filing.Status.RETURNED], first_submitted_at__isnull=True)
    recent = today - timedelta(days=365)
    return (
        accounts.select_related("unit")
        .only(*FACT_FIELDS)
        .annotate(
            has_inquiry=Exists(Inquiry.objects.filter(account=OuterRef("pk"))),
            unanswered_over=Coalesce(Subquery(over_limit, output_field=IntegerField()), Value(0)),
            oldest_open_at=Subquery(open_valid.order_by("received_at").values("received_at")[:1]),
            filing_done=Exists(filings.filter(status__in=[Filing.Status.ACCEPTED, Filing.Status.SUBMITTED])),
            filing_was_late=Exists(
                filings.filter(
                    Q(late=True, deadline__due_date__gte=recent) | Q(unsent, deadline__due_at__lt=now)
                )
            ),
            filing_next_due=Subquery(
                filings.filter(unsent, deadline__due_at__gte=now)
                .order_by("deadline__due_at")
                .values("deadline__due_at")[:1]
            ),
        )
    )


def facts_of(a: Any, tz: tzinfo) -> Facts:
    return Facts(
        account_id=a.pk,
        name=a.name,
        unit=a.unit.name,
        unit_id=a.unit_id,
        county_id=a.unit.county_id,
        type_label=a.type_label,
        status=a.status,
        status_label=a.status_label,
        registered_on=_local_date(a.created_at, tz) or timezone.localdate(),
        opened_on=a.opened_on,
        last_update=_local_date(a.last_published_at, tz),
        has_interaction=bool(a.has_inquiry or a.has_wechat_secrets),
        unanswered_over_limit=int(a.unanswered_over or 0),
        oldest_open_message=_local_date(a.oldest_open_at, tz),
        filing_missing=not a.filing_done,
        filing_late=bool(a.filing_was_late),
        filing_due=_local_date(a.filing_next_due, tz),
        verified=a.verified,
        verification_expires_on=a.verification_expires_on,
    )


def inspection(
    user: Any, today: date | None = None, unit: int | None = None, unit_name: str = ""
) -> list[Verdict]:
    """Every live account this person may see, judged against the lines, in the ledger's order (of one
    unit, or of the units whose name contains `unit_name`)."""
    today = today or timezone.localdate()
    qs = Account.objects.visible_to(user).live()  # type: ignore[attr-defined]
    if unit is not None:
        qs = qs.filter(unit=unit)
    if unit_name:
        qs = qs.filter(unit__name__icontains=unit_name)
    days, tz = warn_days(), timezone.get_current_timezone()
    return [judge(facts_of(a, tz), today, days) for a in accounts_with_facts(qs, today)]


def all_verdicts(today: date | None = None) -> list[Verdict]:
    """For the sweep: every live account of every county."""
    today = today or timezone.localdate()
    days, tz = warn_days(), timezone.get_current_timezone()
    return [judge(facts_of(a, tz), today, days) for a in accounts_with_facts(Account.objects.live(), today)]
