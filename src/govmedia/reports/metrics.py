"""The period report (R3.2.7, R6.2-1): per unit and per account, in a fixed number of queries whatever the
number of rows. Rows are plain dicts so the page, the Excel export and the print view share them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from govmedia.calendar import resolver as calendar_resolver
from govmedia.calendar.workdays import workday_spans
from govmedia.inquiries.models import Inquiry, Step, StepKind, StepState
from govmedia.org.models import units_visible_to
from govmedia.publishing.models import Post, ReviewStep
from govmedia.registry.models import Account, Filing
from govmedia.security.models import Incident, MissedPatrol, Patrol

from .periods import Period

ONE_HOUR = timedelta(hours=1)

COLUMNS = [
    ("posts", "发布信息（条）"),
    ("avg_publish_minutes", "审定至发布平均用时（分钟）"),
    ("within_hour_rate", "1小时内发布占比（%）"),
    ("steps", "审核环节（个）"),
    ("steps_on_time_rate", "审核按时率（%）"),
    ("messages", "办结留言（条）"),
    ("messages_on_time_rate", "留言按时办理率（%）"),
    ("avg_workdays", "平均办理用时（工作日）"),
    ("filings", "报送备案（件）"),
    ("filings_on_time_rate", "备案按时率（%）"),
    ("patrols", "巡查（次）"),
    ("missed", "漏巡（次）"),
    ("incidents", "安全事件（起）"),
]
ACCOUNT_SKIP = {"steps", "steps_on_time_rate"}  # review steps belong to the submitting unit


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Tally:
    posts: int = 0
    publish_minutes: list[float] = field(default_factory=list)
    within_hour: int = 0
    steps: int = 0
    steps_on_time: int = 0
    messages: int = 0
    timed: int = 0
    timed_on_time: int = 0
    workdays: list[int] = field(default_factory=list)
    filings: int = 0
    filings_on_time: int = 0
    patrols: int = 0
    missed: int = 0
    incidents: set[int] = field(default_factory=set)

    def row(self) -> dict[str, Any]:
        timed_posts = len(self.publish_minutes)
        return {
            "posts": self.posts,
            "avg_publish_minutes": round(sum(self.publish_minutes) / timed_posts, 1) if timed_posts else None,
            "within_hour_rate": rate(self.within_hour, timed_posts),
            "steps": self.steps,
            "steps_on_time_rate": rate(self.steps_on_time, self.steps),
            "messages": self.messages,
            "messages_on_time_rate": rate(self.timed_on_time, self.timed),
            "avg_workdays": round(sum(self.workdays) / len(self.workdays), 1) if self.workdays else None,
            "filings": self.filings,
            "filings_on_time_rate": rate(self.filings_on_time, self.filings),
            "patrols": self.patrols,
            "missed": self.missed,
            "incidents": len(self.incidents),
        }


@dataclass
class Report:
    period: Period
    units: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    total: dict[str, Any]


def build(user: Any, period: Period) -> Report:
    start, end = period.bounds()
    units = list(units_visible_to(user).filter(is_active=True).order_by("order", "id"))
    unit_ids = {u.pk for u in units}
    accounts = list(
        Account.objects.filter(unit__in=unit_ids).select_related("unit").order_by("unit__order", "type", "id")
    )
    unit_of = {a.pk: a.unit_id for a in accounts}
    by_unit: dict[int, Tally] = defaultdict(Tally)
    by_account: dict[int, Tally] = defaultdict(Tally)
    total = Tally()

    # Posts: the unit that submitted them; each account they went out on.
    posts = list(
        Post.objects.filter(published_at__gte=start, published_at__lt=end, unit__in=unit_ids).values_list(
            "pk", "unit_id", "approved_at", "published_at"
        )
    )
    spans: dict[int, float | None] = {}
    for pk, unit_id, approved, published in posts:
        span = (published - approved).total_seconds() / 60 if approved and published >= approved else None
        spans[pk] = span
        for t in (by_unit[unit_id], total):
            t.posts += 1
            if span is not None:
                t.publish_minutes.append(span)
                t.within_hour += span <= 60
    for account_id, post_id in Post.accounts.through.objects.filter(post_id__in=list(spans)).values_list(
        "account_id", "post_id"
    ):
        if account_id not in unit_of:
            continue
        t = by_account[account_id]
        t.posts += 1
        if (span := spans[post_id]) is not None:
            t.publish_minutes.append(span)
            t.within_hour += span <= 60

    # Review steps decided in the period, against their deadlines.
    for r in (
        ReviewStep.objects.filter(
            decided_at__gte=start,
            decided_at__lt=end,
            deadline__isnull=False,
            county__in={u.county_id for u in units},  # what the index reads by; the units decide
            post__unit__in=unit_ids,
        )
        .exclude(decision=ReviewStep.Decision.VOID)
        .values("post__unit")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("deadline__due_at"))))
    ):
        for t in (by_unit[r["post__unit"]], total):
            t.steps += r["n"]
            t.steps_on_time += r["on_time"]

    # Messages closed in the period: count, working days from receipt to closing, steps on time.
    in_period = Inquiry.objects.filter(closed_at__gte=start, closed_at__lt=end, account__in=list(unit_of))
    closed = list(in_period.values_list("account_id", "received_at", "closed_at"))
    local = timezone.localtime
    handling = workday_spans(
        [(local(r).date(), local(c).date()) for _, r, c in closed], calendar_resolver.current()
    )
    for (account_id, _, _), days in zip(closed, handling, strict=True):
        for t in (by_account[account_id], by_unit[unit_of[account_id]], total):
            t.messages += 1
            t.workdays.append(days)
    for r in (
        Step.objects.filter(
            inquiry__closed_at__gte=start,
            inquiry__closed_at__lt=end,
            inquiry__account__in=list(unit_of),
            kind__in=[StepKind.SIGN_OFF, StepKind.REPLY],
            state=StepState.DONE,
            deadline__isnull=False,
        )
        .values("inquiry__account")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(deadline__met_at__lte=F("deadline__due_at"))))
    ):
        account_id = r["inquiry__account"]
        for t in (by_account[account_id], by_unit[unit_of[account_id]], total):
            t.timed += r["n"]
            t.timed_on_time += r["on_time"]

    # Filings first submitted in the period.
    for r in (
        Filing.objects.filter(
            first_submitted_at__gte=start, first_submitted_at__lt=end, account__in=list(unit_of)
        )
        .values("account")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(late=False)))
    ):
        for t in (by_account[r["account"]], by_unit[unit_of[r["account"]]], total):
            t.filings += r["n"]
            t.filings_on_time += r["on_time"]

    # Patrols done and missed, incidents.
    for r in (
        Patrol.objects.filter(at__gte=start, at__lt=end, account__in=list(unit_of))
        .values("account")
        .annotate(n=Count("pk"))
    ):
        for t in (by_account[r["account"]], by_unit[unit_of[r["account"]]], total):
            t.patrols += r["n"]
    for r in (
        MissedPatrol.objects.filter(window_end__gte=start, window_end__lt=end, account__in=list(unit_of))
        .values("account")
        .annotate(n=Count("pk"))
    ):
        for t in (by_account[r["account"]], by_unit[unit_of[r["account"]]], total):
            t.missed += r["n"]
    for incident_id, account_id in Incident.accounts.through.objects.filter(
        incident__occurred_at__gte=start, incident__occurred_at__lt=end, account__in=list(unit_of)
    ).values_list("incident_id", "account_id"):
        for t in (by_account[account_id], by_unit[unit_of[account_id]], total):
            t.incidents.add(incident_id)

    unit_rows = [{"unit": u, "label": u.name, **by_unit[u.pk].row()} for u in units]
    account_rows = [
        {
            "account": a,
            "label": a.name,
            "unit_name": a.unit.name,
            "type_label": a.type_label,
            **by_account[a.pk].row(),
        }
        for a in accounts
    ]
    return Report(period, unit_rows, account_rows, total.row())


def fmt(value: Any) -> Any:
    return "—" if value is None else value
