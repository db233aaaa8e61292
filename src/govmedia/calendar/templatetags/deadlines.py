"""{% load deadlines %}: `{% deadline d %}` shows a Deadline the same way on every page; `|weekday_zh`."""

from datetime import date
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from govmedia.calendar.schedules import weekday_name
from govmedia.web.markup import PROVISIONAL

register = template.Library()


@register.filter
def weekday_zh(value: date | None) -> str:
    return weekday_name(value) if value else ""


@register.simple_tag
def provisional() -> str:
    """The 暂按周一至周五计算 badge, as every list and detail shows it."""
    return mark_safe(PROVISIONAL)


@register.simple_tag
def deadline(d: Any) -> str:
    """Due moment with badges: 已完成 / 逾期完成 / 已超期 / 暂按周一至周五计算.

    Built in Python, not by an included template: list pages show it on up to 200 rows. The markup is that
    of calendar/deadline.html, which stays as its reference (tests render both)."""
    if not d:
        return mark_safe("\n")
    due = dateformat.format(timezone.localtime(d.due_at), "Y年n月j日 H:i")
    if d.met_at:  # (the reference template has a line break more in this branch)
        state = (
            '<span class="badge warn">逾期完成</span>'
            if d.met_late
            else '<span class="badge ok">已完成</span>'
        )
        state += "\n"
    elif d.is_overdue():
        state = '<span class="badge danger">已超期</span>'
    else:
        state = ""
    provisional = PROVISIONAL if d.provisional and not d.met_at else ""
    return format_html(
        '<span class="deadline" title="第{}条 · {}">{}前</span>\n{}\n{}\n',
        d.clause,
        d.describe(),
        due,
        mark_safe(state),
        mark_safe(provisional),
    )
