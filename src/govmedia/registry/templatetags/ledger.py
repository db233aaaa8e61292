"""{% load ledger %}: `{% ledger_rows page today %}`, the rows of 账号台账 built in Python (web.markup)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from govmedia.web.markup import badge, cell, day, escape, link
from govmedia.web.todo import links_to

register = template.Library()

EMPTY = '<tr><td colspan="7" class="empty">没有符合条件的账号。</td></tr>'


def _filing(a: Any) -> str:
    shown = [
        badge("逾期", "danger") if a.filing_late else "",
        badge("被退回", "danger") if a.filing_returned else "",
        badge("待报送", "warn") if a.filing_draft else "",
        badge("待审核", "warn") if a.filing_submitted else "",
    ]
    if not a.has_filing:
        tail = badge("未备案", "warn") if a.status != "deregistered" else ""
    elif not (a.filing_returned or a.filing_draft or a.filing_submitted):
        tail = badge("已备案", "ok")
    else:
        tail = ""
    return "".join(f"{b} " for b in shown if b) + tail


def _verification(a: Any, today: date) -> str:
    if not a.verified:
        return badge("未认证", "warn")
    expires = a.verification_expires_on
    if not expires:
        return "已认证"
    if expires < today:
        state = " " + badge("已过期", "danger")
    elif a.verification_expiring(today):
        state = " " + badge("即将到期", "warn")
    else:
        state = ""
    return f"已认证，至{day(expires)}{state}"


def _row(a: Any, today: date, detail: Callable[[Any], str]) -> str:
    officer = a.security_officer.full_name if a.security_officer else ""
    return (
        "<tr>"
        + cell("账号名称", link(detail(a.pk), a.name))
        + cell("类型", escape(a.type_label))
        + cell("开通单位", escape(a.unit.name))
        + cell("状态", badge(a.status_label, a.status_tone))
        + cell("备案", _filing(a))
        + cell("实名认证", _verification(a, today))
        + cell("安全责任人", escape(officer or "—"))
        + "</tr>"
    )


@register.simple_tag
def ledger_rows(page: Any, today: date) -> SafeString:
    detail = links_to("registry:account")
    return mark_safe("\n".join(_row(a, today, detail) for a in page) or EMPTY)
