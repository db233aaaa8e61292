"""The centre's overview: per unit, what is due, what is late, and what was done on time this month.

Every clock the apps start is a `Deadline` row held by one of five kinds of work item; each kind is counted
per unit with one aggregate query, so the page costs the same whatever the number of items (invariant 4:
overdue is a query). A step held by no unit in particular (county-level reviewers, the centre's own
message steps) counts for the 县政府办公室 or 县电子政务中心 of the county it belongs to; only the person's
county is counted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from govmedia.inquiries.models import Step
from govmedia.org.models import Unit, units_visible_to
from govmedia.publishing.models import Post, ReviewStep
from govmedia.registry.models import Filing
from govmedia.security.models import RotationTask

FIELDS = ("due", "late", "on_time", "met_late")
LABELS = {"due": "待办（未到期）", "late": "已超期", "on_time": "本月按时完成", "met_late": "本月逾期完成"}


def _counts(prefix: str, now: datetime, month_start: datetime) -> dict[str, Any]:
    d = f"{prefix}__" if prefix else ""
    open_ = Q(**{f"{d}met_at__isnull": True})
    met_this_month = Q(**{f"{d}met_at__gte": month_start})
    return {
        "due": Count("pk", filter=open_ & Q(**{f"{d}due_at__gte": now})),
        "late": Count("pk", filter=open_ & Q(**{f"{d}due_at__lt": now})),
        "on_time": Count("pk", filter=met_this_month & Q(**{f"{d}met_at__lte": F(f"{d}due_at")})),
        "met_late": Count("pk", filter=met_this_month & Q(**{f"{d}met_at__gt": F(f"{d}due_at")})),
    }


def overview(user: Any, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    month_start = datetime.combine(
        date(today.year, today.month, 1), time.min, tzinfo=timezone.get_current_timezone()
    )
    units = list(units_visible_to(user).filter(is_active=True).order_by("order", "id"))
    ids = [u.pk for u in units]
    county_id = user.county_id
    county = {
        k: pk
        for pk, k in Unit.objects.filter(
            county=county_id, kind__in=[Unit.Kind.COUNTY_OFFICE, Unit.Kind.EGOV_CENTER]
        ).values_list("pk", "kind")
    }
    office = Value(county.get(Unit.Kind.COUNTY_OFFICE), output_field=IntegerField())
    centre = Value(county.get(Unit.Kind.EGOV_CENTER), output_field=IntegerField())
    # Steps held by the county level are counted only for the county they belong to (that of the post's
    # unit, of the message's account), or another county's would land on this county's office or centre.
    sources = [
        (
            "信息审核",
            ReviewStep.objects.filter(deadline__isnull=False, county=county_id).annotate(
                u=Coalesce("assignee_unit", office)
            ),
            "deadline",
        ),
        (
            "信息发布",
            Post.objects.filter(publish_deadline__isnull=False).annotate(u=F("unit")),
            "publish_deadline",
        ),
        (
            "留言办理",
            Step.objects.filter(deadline__isnull=False, county=county_id).annotate(
                u=Coalesce("assignee_unit", centre)
            ),
            "deadline",
        ),
        ("账号备案", Filing.objects.annotate(u=F("account__unit")), "deadline"),
        ("密码更换", RotationTask.objects.annotate(u=F("account__unit")), "deadline"),
    ]
    table: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    by_kind: dict[str, dict[str, int]] = {}
    for label, qs, prefix in sources:
        kind_total = dict.fromkeys(FIELDS, 0)
        for r in qs.filter(u__in=ids).values("u").annotate(**_counts(prefix, now, month_start)).order_by():
            for f in FIELDS:
                table[r["u"]][f] += r[f]
                kind_total[f] += r[f]
        by_kind[label] = kind_total
    rows: list[dict[str, Any]] = []
    for u in units:
        counts = table[u.pk]
        done = counts["on_time"] + counts["met_late"]
        rows.append(
            {"unit": u, **counts, "on_time_rate": round(100 * counts["on_time"] / done, 1) if done else None}
        )
    totals: dict[str, Any] = {f: sum(int(r[f]) for r in rows) for f in FIELDS}
    done = totals["on_time"] + totals["met_late"]
    totals["on_time_rate"] = round(100 * totals["on_time"] / done, 1) if done else None
    return {"rows": rows, "totals": totals, "by_kind": by_kind, "month": f"{today.year}年{today.month}月"}
