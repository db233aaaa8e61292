"""{% load todo %}: `{% todo_rows page %}`, the rows of 我的待办 built in Python (see web.markup)."""

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from govmedia.web.markup import PROVISIONAL, escape, link, moment
from govmedia.web.todo import TodoItem, late_by

register = template.Library()


def _row(item: TodoItem, now: datetime) -> str:
    due = item.due_at
    css = state = ""
    urgency = item.urgency(now)
    if urgency == "overdue" and due is not None:
        css, state = ' class="overdue"', f' <span class="badge danger">已超期 {late_by(due, now)}</span>'
    elif urgency == "due_soon":
        css, state = ' class="due-soon"', ' <span class="badge warn">即将到期</span>'
    provisional = f" {PROVISIONAL}" if item.provisional else ""
    when = f"{moment(due)}{state}{provisional}" if due else "—"
    return f"<tr{css}><td>{link(item.url, item.title)}</td><td>{escape(item.kind)}</td><td>{when}</td></tr>"


@register.simple_tag
def todo_rows(items: Any) -> SafeString:
    now = timezone.now()
    return mark_safe("\n".join(_row(item, now) for item in items))
