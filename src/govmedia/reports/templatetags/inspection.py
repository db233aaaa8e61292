"""{% load inspection %}: `{% line_cells verdict %}`, the six line cells of a row of 检查指标, built in Python
(the table has a row per account and the page lists every account one may see)."""

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from govmedia.reports.indicators import FAIL, PASS, WARN

register = template.Library()

BADGE = {FAIL: " danger", WARN: " warn", PASS: " ok"}


@register.simple_tag
def line_cells(verdict: Any) -> SafeString:
    return format_html_join(
        "",
        '<td data-label="{}" title="{}"><span class="badge{}">{}</span></td>',
        ((line.label, line.reason, BADGE.get(line.status, ""), line.status_label) for line in verdict.lines),
    )
