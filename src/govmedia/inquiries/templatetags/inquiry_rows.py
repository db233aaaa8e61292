"""{% load inquiry_rows %}: the rows of 留言办理 built in Python (see web.markup): `{% step_rows steps user
tab %}` (待我办理, 已超期) and `{% inquiry_rows page user %}` (the message search). Personal data is masked
as the `personal` and `sender_id` filters mask it."""

from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from govmedia.calendar.templatetags.deadlines import deadline
from govmedia.inquiries.models import KIND_LABELS, OUTCOME_LABELS, STEP_KIND_LABELS
from govmedia.registry.models import TYPE_LABELS
from govmedia.web.markup import badge, cell, escape, link, moment
from govmedia.web.templatetags.privacy import mask_id, mask_text, may_see
from govmedia.web.todo import links_to

register = template.Library()

NO_STEPS = {"overdue": "没有超期事项。"}


def _opening(content: str, show: Callable[[str], str]) -> str:
    return escape(Truncator(show(content)).chars(40))


def _step(s: Any, detail: Callable[[Any], str], show: Callable[[str], str]) -> str:
    message, d = s.inquiry, s.deadline
    overdue = ' class="overdue"' if d and d.is_overdue() else ""
    unit = s.assignee_unit.name if s.assignee_unit else "—"
    return (
        f"<tr{overdue}>"
        + cell("留言", f"{link(detail(s.inquiry_id), message.number)} {_opening(message.content, show)}")
        + cell("账号", escape(message.account.name))
        + cell("环节", STEP_KIND_LABELS[s.kind])
        + cell("承办单位", escape(unit))
        + cell("收到时间", moment(s.received_at))
        + cell("办理时限", deadline(d) if d else "—")
        + "</tr>"
    )


@register.simple_tag
def step_rows(steps: Iterable[Any], user: Any, tab: str) -> SafeString:
    detail, show = links_to("inquiries:detail"), str if may_see(user) else mask_text
    rows = "\n".join(_step(s, detail, show) for s in steps)
    empty = NO_STEPS.get(tab, "没有待您办理的留言。")
    return mark_safe(rows or f'<tr><td colspan="6" class="empty">{empty}</td></tr>')


def _inquiry(i: Any, detail: Callable[[Any], str], show: Callable[[str], str], ids: bool) -> str:
    sender = escape(i.sender_name or (i.sender_id if ids else mask_id(i.sender_id)) or "—")
    outcome = f" {OUTCOME_LABELS.get(i.outcome, i.outcome)}" if i.outcome else ""
    account = i.account
    return (
        "<tr>"
        + cell("编号", link(detail(i.pk), i.number))
        + cell("账号", f"{escape(account.name)}（{TYPE_LABELS.get(account.type, account.type)}）")
        + cell("留言人", sender)
        + cell("类别", KIND_LABELS.get(i.kind, i.kind))
        + cell("内容", _opening(i.content, show))
        + cell("留言时间", moment(i.received_at))
        + cell("状态", badge(i.status_label, i.status_tone) + outcome)
        + "</tr>"
    )


@register.simple_tag
def inquiry_rows(page: Iterable[Any], user: Any) -> SafeString:
    detail, ids = links_to("inquiries:detail"), may_see(user)
    show = str if ids else mask_text
    rows = "\n".join(_inquiry(i, detail, show, ids) for i in page)
    return mark_safe(rows or '<tr><td colspan="7" class="empty">没有符合条件的留言。</td></tr>')
