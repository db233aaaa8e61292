"""The lists people work from, and the statistics an inspector asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from govmedia.calendar import resolver as calendar_resolver
from govmedia.calendar.workdays import workday_spans
from govmedia.web.forms import parse_id

from .models import UNIT_STEPS, Inquiry, Kind, Status, Step, StepKind, StepState, SupervisionNotice
from .rules import acting_roles


def steps_waiting_for(user: Any, kinds: list[str] | None = None) -> QuerySet[Step]:
    """Open steps this person holds, soonest due first (mirrors `rules.holds`)."""
    roles = acting_roles(user)
    if not roles:
        return Step.objects.none()
    unit = user.unit
    scope = Q(assignee_unit=user.unit_id) if user.unit_id else Q(pk__in=[])
    if unit is not None and unit.is_county_level:
        # A step held by the county level: only the messages of this person's county.
        scope |= Q(assignee_unit__isnull=True, county=unit.county_id)
    qs = Step.objects.filter(scope, state=StepState.OPEN, assignee_role__in=roles)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.select_related("inquiry__account__unit", "deadline", "assignee_unit").order_by(
        "deadline__due_at", "received_at", "id"
    )


def overdue_steps(user: Any) -> QuerySet[Step]:
    """Open steps past their due moment that this person can see."""
    visible = Inquiry.objects.visible_to(user)
    return (
        Step.objects.filter(
            state=StepState.OPEN,
            deadline__met_at__isnull=True,
            deadline__due_at__lt=timezone.now(),
            inquiry__in=visible,
        )
        .select_related("inquiry__account__unit", "deadline", "assignee_unit")
        .order_by("deadline__due_at", "id")
    )


SUPERVISION_WINDOW = 300  # the newest notices looked at for 督办 items


def supervision_notices(user: Any) -> QuerySet[SupervisionNotice]:
    """Notices of transfers still overdue: the centre sees its county's, a unit's leader or admin their
    unit's."""
    qs = SupervisionNotice.objects.filter(step__state=StepState.OPEN, step__kind__in=UNIT_STEPS)
    if user.has_role("center_staff"):
        if user.county_id is None:
            return qs.none()
        return qs.filter(unit__county=user.county_id)  # transfers stay within their county
    if user.has_role("unit_leader", "unit_admin") and user.unit_id:
        return qs.filter(unit=user.unit_id)
    return qs.none()


def supervisions_for(user: Any) -> list[SupervisionNotice]:
    """Latest notice of each transfer still overdue: the centre sees its county's, a unit's leader their
    unit's."""
    qs = supervision_notices(user)
    latest: dict[tuple[int, int], SupervisionNotice] = {}
    for n in qs.select_related("inquiry", "unit", "step__deadline").order_by("-on_date", "-id")[
        :SUPERVISION_WINDOW
    ]:
        latest.setdefault((n.inquiry_id, n.unit_id), n)
    return list(latest.values())


@dataclass
class Filters:
    account: str = ""
    kind: str = ""
    status: str = ""
    unit: str = ""
    sender: str = ""
    start: date | None = None
    end: date | None = None
    q: str = ""
    account_name: str = ""  # the pages' name searches, when there are too many for a drop-down
    unit_name: str = ""


def search(qs: QuerySet[Inquiry], f: Filters) -> QuerySet[Inquiry]:
    if (account := parse_id(f.account)) is not None:
        qs = qs.filter(account=account)
    if f.account_name:
        qs = qs.filter(account__name__icontains=f.account_name)
    if f.unit_name:
        qs = qs.filter(
            pk__in=Step.objects.filter(
                kind__in=UNIT_STEPS, assignee_unit__name__icontains=f.unit_name
            ).values("inquiry_id")
        )
    if f.kind in Kind.values:
        qs = qs.filter(kind=f.kind)
    if f.status in Status.values:
        qs = qs.filter(status=f.status)
    if (unit := parse_id(f.unit)) is not None:
        qs = qs.filter(
            pk__in=Step.objects.filter(kind__in=UNIT_STEPS, assignee_unit=unit).values("inquiry_id")
        )
    if f.sender:
        qs = qs.filter(Q(sender_name__icontains=f.sender) | Q(sender_id=f.sender))
    if f.q:
        qs = qs.filter(content__icontains=f.q)
    tz = timezone.get_current_timezone()
    if f.start:
        qs = qs.filter(received_at__gte=datetime.combine(f.start, datetime.min.time(), tzinfo=tz))
    if f.end:
        qs = qs.filter(
            received_at__lt=datetime.combine(f.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        )
    return qs


def months_ago(today: date, months: int) -> date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(
        today.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    return date(year, month, day)


def statistics(qs: QuerySet[Inquiry]) -> dict[str, Any]:
    """Counts by kind, status and unit, on-time rate, average handling time, unanswered > 3 months."""
    kinds = dict(Kind.choices)
    statuses = dict(Status.choices)
    by_kind = {r["kind"]: r["n"] for r in qs.values("kind").annotate(n=Count("id"))}
    by_status = {r["status"]: r["n"] for r in qs.values("status").annotate(n=Count("id"))}
    unit_steps = Step.objects.filter(inquiry__in=qs, kind=StepKind.DRAFT_REPLY).exclude(state=StepState.VOID)
    by_unit = list(
        unit_steps.values("assignee_unit__name")
        .annotate(n=Count("inquiry", distinct=True))
        .order_by("-n", "assignee_unit__name")
    )
    timed = Step.objects.filter(
        inquiry__in=qs,
        kind__in=[StepKind.SIGN_OFF, StepKind.REPLY],
        state=StepState.DONE,
        deadline__isnull=False,
    )
    met = timed.aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(deadline__met_at__lte=F("deadline__due_at")))
    )
    rate = round(100 * met["on_time"] / met["total"], 1) if met["total"] else None
    resolver = calendar_resolver.current()
    closed = qs.filter(status=Status.CLOSED, closed_at__isnull=False).values_list("received_at", "closed_at")
    tz = timezone.get_current_timezone()  # once: a county closes thousands of messages a year
    spans = workday_spans(
        [
            (r.astimezone(tz).date(), c.astimezone(tz).date())
            for r, c in closed.iterator(chunk_size=2000)
            if c
        ],
        resolver,
    )
    cutoff = months_ago(timezone.localdate(), 3)
    stale = qs.exclude(status=Status.CLOSED).filter(
        received_at__lt=datetime.combine(cutoff, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    )
    return {
        "total": sum(by_kind.values()),
        "by_kind": [(kinds[k], by_kind.get(k, 0)) for k in kinds],
        "by_status": [(statuses[s], by_status.get(s, 0)) for s in statuses],
        "by_unit": [(r["assignee_unit__name"], r["n"]) for r in by_unit],
        "deadlines_total": met["total"],
        "deadlines_on_time": met["on_time"],
        "on_time_rate": rate,
        "closed": len(spans),
        "average_workdays": round(sum(spans) / len(spans), 1) if spans else None,
        "stale_count": stale.count(),
        "stale": stale.select_related("account")[:50],
        "stale_cutoff": cutoff,
    }
