"""{% load inspection %}: `{% inspection_rows verdicts %}`, the body of 检查指标, built in Python: the table
has a row per account of every unit one may see (a county's 150, ~15 cells each), which Django's template
loop took ~60 ms to render. Every value is escaped here; nothing else goes into the markup."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from govmedia.reports.indicators import FAIL, PASS, WARN
from govmedia.web.markup import day, escape

register = template.Library()

BADGE = {FAIL: " danger", WARN: " warn", PASS: " ok"}
EMPTY = '<tr><td colspan="12" class="empty">没有符合条件的账号。</td></tr>'


def _row(v: Any) -> str:
    f = v.facts
    css = "" if v.passed and not v.warnings else (' class="overdue"' if not v.passed else ' class="due-soon"')
    if v.passed:
        verdict = '<span class="badge ok">合格</span>'
    else:
        verdict = f'<span class="badge danger">不合格{"（单项否决）" if v.vetoed else ""}</span>'
    updated = day(f.last_update) if f.last_update else "无"
    lines = "".join(
        f'<td data-label="{escape(line.label)}" title="{escape(line.reason)}">'
        f'<span class="badge{BADGE.get(line.status, "")}">{escape(line.status_label)}</span></td>'
        for line in v.lines
    )
    notes = "".join(f'<div class="error">{escape(r)}</div>' for r in v.reasons) + "".join(
        f'<div class="warn-text">预警：{escape(w)}</div>' for w in v.warnings
    )
    return (
        f'<tr{css}><td data-label="单位">{escape(f.unit)}</td>'
        f'<td data-label="账号">{escape(f.name)}（{escape(f.type_label)}）</td>'
        f'<td data-label="状态">{escape(f.status_label)}</td><td data-label="最近更新">{updated}</td>'
        f'<td data-label="结论">{verdict}</td>{lines}<td data-label="原因与预警">{notes}</td></tr>'
    )


@register.simple_tag
def inspection_rows(verdicts: list[Any]) -> SafeString:
    return mark_safe("\n".join(_row(v) for v in verdicts) or EMPTY)
