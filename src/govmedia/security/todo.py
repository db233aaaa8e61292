"""我的待办 items of the security records, and their sweepers (`govmedia sweep`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from govmedia.org.permissions import can
from govmedia.registry.models import Account, AccountStatus
from govmedia.web.sweep import sweeper
from govmedia.web.todo import TodoItem, provider

from .models import DutyShift, Incident, MissedPatrol, Notice, RotationTask
from .patrol_services import due_now, sweep_missed_patrols
from .services import sweep_rotation_period


@provider
def security_items(user: Any) -> list[TodoItem]:
    items = [
        TodoItem(n.title, n.url, "安全事件通知")
        for n in Notice.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")[:20]
    ]
    for task in (
        RotationTask.objects.visible_to(user)
        .filter(status=RotationTask.Status.OPEN)
        .select_related("account__unit", "deadline")[:100]
    ):
        if can(user, "security.change_password", task.account):
            items.append(
                TodoItem(
                    f"更换平台密码（{task.get_reason_display()}）：{task.account.name}",
                    reverse("security:account", args=[task.account_id]),
                    "密码更换",
                    task.deadline.due_at,
                )
            )
    if user.has_role("duty_officer", "secadmin"):
        for incident in Incident.objects.filter(status=Incident.Status.OPEN).order_by("occurred_at")[:20]:
            items.append(
                TodoItem(
                    f"处置安全事件：{incident.title}",
                    reverse("security:incident", args=[incident.pk]),
                    "应急处置",
                )
            )
    today = timezone.localdate()
    duty = DutyShift.objects.filter(on=today).values_list("user_id", flat=True).first()
    if user.has_role("duty_officer") or duty == user.pk:
        accounts = list(Account.objects.filter(status=AccountStatus.OPERATING).only("pk"))
        window, pending = due_now(accounts)
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
        missed = MissedPatrol.objects.filter(window_end__gte=timezone.now() - timedelta(days=1)).count()
        if missed:
            items.append(TodoItem(f"近24小时漏巡{missed}次，请核查", reverse("security:missed"), "值班巡查"))
    return items


@sweeper("security.missed_patrols")
def _missed_patrols() -> int:
    return sweep_missed_patrols()


@sweeper("security.rotation_period")
def _rotation_period() -> int:
    return sweep_rotation_period()
