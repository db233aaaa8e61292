"""Urgent work goes out at once, not at the next sweep: when a step of an emergency post starts, an emergency
post is approved for publication, or an incident is opened, the people concerned are notified as soon as the
transaction commits. The notices themselves are the sweep's (same keys), so nothing is sent twice."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver


def _schedule(user_ids: set[int]) -> None:
    if not user_ids:
        return
    ids = set(user_ids)

    def flush() -> None:
        from .sweep import push_now

        push_now(ids)

    transaction.on_commit(flush)


def _people(condition: Q) -> set[int]:
    from govmedia.org.models import User

    return set(User.objects.filter(condition, is_active=True).values_list("pk", flat=True).distinct())


@receiver(post_save, sender="publishing.ReviewStep", dispatch_uid="notifications.urgent_step")
def _urgent_step(sender: Any, instance: Any, **_: Any) -> None:
    """The people who may decide the step (the `publishing.decide` rule): of its unit when it names one,
    else of the post's unit or of a county-level unit of the post's county."""
    if instance.received_at is None or instance.decision != "pending":
        return
    from govmedia.org.models import COUNTY_LEVEL_KINDS
    from govmedia.publishing.models import Post

    post = (
        Post.objects.filter(pk=instance.post_id, emergency__isnull=False)
        .values("unit", "unit__county")
        .first()
    )
    if post is None:
        return
    if instance.assignee_unit_id is not None:
        where = Q(unit=instance.assignee_unit_id)
    else:
        where = Q(unit=post["unit"]) | Q(unit__county=post["unit__county"], unit__kind__in=COUNTY_LEVEL_KINDS)
    _schedule(_people(Q(where, roles__role=instance.assignee_role)))


@receiver(post_save, sender="publishing.Post", dispatch_uid="notifications.urgent_post")
def _urgent_post(sender: Any, instance: Any, **_: Any) -> None:
    """The publishers of an approved emergency post: the administrators of its accounts' units and the
    centre of its county (`publishing.publish`)."""
    if instance.status == "approved" and instance.emergency:
        from govmedia.org.models import Unit

        owners = instance.accounts.values("unit")
        county = Unit.objects.filter(pk=instance.unit_id).values("county")
        _schedule(
            _people(
                Q(roles__role="unit_admin", unit__in=owners)
                | Q(roles__role="center_staff", unit__county__in=county)
            )
        )


@receiver(post_save, sender="security.Incident", dispatch_uid="notifications.urgent_incident")
def _urgent_incident(sender: Any, instance: Any, created: bool = False, **_: Any) -> None:
    """The duty officers and security administrators of the county of the person who opened it."""
    if not created:
        return
    incident_id = instance.pk
    opened_by = instance.opened_by_id

    def recipients() -> None:
        from govmedia.org.models import User
        from govmedia.security.models import Notice

        told = set(Notice.objects.filter(incident=incident_id).values_list("recipient_id", flat=True))
        county = User.objects.filter(pk=opened_by).values("unit__county")
        _schedule(told | _people(Q(roles__role__in=["duty_officer", "secadmin"], unit__county__in=county)))

    transaction.on_commit(recipients)
