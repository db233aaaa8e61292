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


def _holders(roles: list[str], unit_id: int | None = None) -> set[int]:
    from govmedia.org.models import User

    qs = User.objects.filter(is_active=True, roles__role__in=roles)
    if unit_id is not None:
        qs = qs.filter(Q(unit=unit_id) | Q(unit__kind__in=["county_gov", "county_office", "egov_center"]))
    return set(qs.values_list("pk", flat=True))


@receiver(post_save, sender="publishing.ReviewStep", dispatch_uid="notifications.urgent_step")
def _urgent_step(sender: Any, instance: Any, **_: Any) -> None:
    if instance.received_at is None or instance.decision != "pending":
        return
    from govmedia.publishing.models import Post

    if Post.objects.filter(pk=instance.post_id, emergency__isnull=False).exists():
        _schedule(_holders([instance.assignee_role], instance.assignee_unit_id))


@receiver(post_save, sender="publishing.Post", dispatch_uid="notifications.urgent_post")
def _urgent_post(sender: Any, instance: Any, **_: Any) -> None:
    if instance.status == "approved" and instance.emergency:
        _schedule(_holders(["center_staff", "unit_admin"]))


@receiver(post_save, sender="security.Incident", dispatch_uid="notifications.urgent_incident")
def _urgent_incident(sender: Any, instance: Any, created: bool = False, **_: Any) -> None:
    if not created:
        return
    incident_id = instance.pk

    def recipients() -> None:
        from govmedia.security.models import Notice

        told = set(Notice.objects.filter(incident=incident_id).values_list("recipient_id", flat=True))
        _schedule(told | _holders(["duty_officer", "secadmin"]))

    transaction.on_commit(recipients)
