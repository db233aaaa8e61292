"""我的待办 items of the security records, and their sweepers (`govmedia sweep`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from govmedia.org.permissions import can
from govmedia.registry.models import Account, AccountStatus
from govmedia.web.sweep import sweeper
from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from .models import Incident, MissedPatrol, Notice, RotationTask
from .patrol_services import due_now, shifts_of, sweep_missed_patrols
from .services import sweep_rotation_period


def _notices(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user, read_at__isnull=True)


def _rotation_tasks(user: Any) -> QuerySet[RotationTask]:
    """Open password changes of accounts this person may record them for (the `security.change_password`
    rule, in SQL): the security administrator and the centre those of their own county."""
    qs = RotationTask.objects.visible_to(user).filter(status=RotationTask.Status.OPEN)
    if user.county_id is not None and (
        user.has_role("secadmin") or (user.has_role("center_staff") and user.unit.is_county_level)
    ):
        return qs.filter(account__unit__county=user.county_id)
    mine = Q(account__security_officer=user.pk)
    if user.has_role("unit_admin") and user.unit_id:
        mine |= Q(account__unit=user.unit_id)
    return qs.filter(mine)


def _open_incidents(user: Any) -> QuerySet[Incident]:
    """Open incidents of the person's county, for those who work them (the `security.work_incident` rule)."""
    if not user.has_role("duty_officer", "secadmin") or user.county_id is None:
        return Incident.objects.none()
    return Incident.objects.visible_to(user).filter(
        status=Incident.Status.OPEN, opened_by__unit__county=user.county_id
    )


def _duty_items(user: Any) -> list[TodoItem]:
    """The patrols of the current window and the recent missed ones of the person's county, for its duty
    officers and today's person on duty."""
    today = timezone.localdate()
    if user.county_id is None:
        return []
    duty = shifts_of(user.county_id).filter(on=today).values_list("user_id", flat=True).first()
    if not (user.has_role("duty_officer") or duty == user.pk):
        return []
    items = []
    accounts = list(
        Account.objects.filter(status=AccountStatus.OPERATING, unit__county=user.county_id).only("pk", "unit")
    )
    window, pending = due_now(accounts, user.county_id)
    if window is not None and pending:
        label = f"（{window.heightened}加强监测）" if window.heightened else ""
        items.append(
            TodoItem(
                f"本时段巡查{label}：{len(pending)}个账号待巡查",
                reverse("security:patrols"),
                "值班巡查",
                window.end,
            )
        )
    missed = MissedPatrol.objects.filter(
        account__unit__county=user.county_id, window_end__gte=timezone.now() - timedelta(days=1)
    ).count()
    if missed:
        items.append(TodoItem(f"近24小时漏巡{missed}次，请核查", reverse("security:missed"), "值班巡查"))
    return items


@provider
def security_items(user: Any) -> list[TodoItem]:
    items = [TodoItem(n.title, n.url, "安全事件通知") for n in _notices(user).order_by("-created_at")[:20]]
    account, incident_page = links_to("security:account"), links_to("security:incident")
    for task in _rotation_tasks(user).select_related("account__unit", "deadline")[:100]:
        if can(user, "security.change_password", task.account):
            items.append(
                TodoItem(
                    f"更换平台密码（{task.get_reason_display()}）：{task.account.name}",
                    account(task.account_id),
                    "密码更换",
                    task.deadline.due_at,
                )
            )
    for incident in _open_incidents(user).order_by("occurred_at")[:20]:
        items.append(
            TodoItem(
                f"处置安全事件：{incident.title}",
                incident_page(incident.pk),
                "应急处置",
            )
        )
    return items + _duty_items(user)


@counter(security_items)
def security_count(user: Any) -> list[Part]:
    return [
        Capped(_notices(user).order_by().values("pk"), 20),
        Capped(_rotation_tasks(user).order_by().values("pk"), 100),
        Capped(_open_incidents(user).order_by().values("pk"), 20),
        len(_duty_items(user)),
    ]


@sweeper("security.missed_patrols")
def _missed_patrols() -> int:
    return sweep_missed_patrols()


@sweeper("security.rotation_period")
def _rotation_period() -> int:
    return sweep_rotation_period()
