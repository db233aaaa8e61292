"""Inspection warnings (B-5): a few days before an account would cross a line, its unit's administrators and
the centre of its county are told, once per account, line and crossing day."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from govmedia.notifications.models import Notification
from govmedia.notifications.services import notify
from govmedia.org.models import User, role_holders
from govmedia.web.sweep import sweeper

from .facts import all_verdicts
from .indicators import WARN


def warn_about_lines() -> int:
    today = timezone.localdate()
    warnings = [(v, line) for v in all_verdicts(today) for line in v.lines if line.status == WARN]
    if not warnings:
        return 0
    people = list(
        User.objects.filter(is_active=True, roles__role__in=["unit_admin", "center_staff"])
        .distinct()
        .select_related("unit")
    )
    centre = {u.pk for u in role_holders("center_staff")}
    url = reverse("reports:inspection")
    created = 0
    for verdict, line in warnings:
        crossing = today + timedelta(days=line.days_left or 0)
        county = verdict.facts.county_id
        to = [
            u
            for u in people
            if u.unit_id == verdict.facts.unit_id
            or (u.pk in centre and u.unit is not None and u.unit.county_id == county)
        ]
        created += len(
            notify(
                to,
                kind=Notification.Kind.INSPECTION,
                title=f"检查指标预警（{line.label}）：{verdict.facts.name}，{line.reason}",
                url=f"{url}?unit={verdict.facts.unit_id}",
                key=f"inspect:{verdict.facts.account_id}:{line.code}:{crossing.isoformat()}",
            )
        )
    return created


@sweeper("reports.inspection")
def _sweep() -> int:
    return warn_about_lines()
