"""我的待办 items of the register: filings to review, returned filings, filings due, expiring verification."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone

from govmedia.org.permissions import can
from govmedia.web.todo import TodoItem, provider

from .models import Account, AccountQuerySet, Filing


@provider
def registry_todos(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    if user.has_role("office_leader"):
        for f in Filing.objects.pending_review().select_related("account", "deadline")[:50]:
            items.append(
                TodoItem(
                    f"审核{f.kind_label}：{f.account.name}",
                    reverse("registry:filing", args=[f.pk]),
                    "备案审核",
                    None,
                )
            )
    if not user.has_role("unit_admin", "center_staff"):
        return items
    mine = [
        f
        for f in Filing.objects.visible_to(user)
        .filter(status__in=[Filing.Status.RETURNED, Filing.Status.DRAFT])
        .select_related("account", "deadline")[:50]
        if can(user, "registry.file", f.account)
    ]
    for f in mine:
        verb = "修改后重新报送" if f.status == Filing.Status.RETURNED else "报送"
        items.append(
            TodoItem(
                f"{verb}{f.kind_label}：{f.account.name}",
                reverse("registry:filing", args=[f.pk]),
                "账号备案",
                None if f.first_submitted_at else f.deadline.due_at,
                f.deadline.provisional,
            )
        )
    tz = timezone.get_current_timezone()
    visible = cast(AccountQuerySet, Account.objects.visible_to(user))
    for a in visible.verification_expiring().select_related("unit")[:50]:
        if not can(user, "registry.edit", a):
            continue
        assert a.verification_expires_on is not None
        due = datetime.combine(a.verification_expires_on, time(23, 59, 59), tzinfo=tz)
        items.append(
            TodoItem(
                f"实名认证即将到期，请办理延期：{a.name}",
                reverse("registry:account_action", args=[a.pk, "verification"]),
                "认证延期",
                due,
            )
        )
    return items
