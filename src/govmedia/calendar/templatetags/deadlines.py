"""{% load deadlines %}: `{% deadline d %}` shows a Deadline the same way on every page; `|weekday_zh`."""

from datetime import date
from typing import Any

from django import template

from govmedia.calendar.schedules import weekday_name

register = template.Library()


@register.filter
def weekday_zh(value: date | None) -> str:
    return weekday_name(value) if value else ""


@register.inclusion_tag("calendar/deadline.html")
def deadline(d: Any) -> dict[str, Any]:
    """Due moment with badges: 已完成 / 逾期完成 / 已超期 / 暂按周一至周五计算."""
    return {"d": d}
