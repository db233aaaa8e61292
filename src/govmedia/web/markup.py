"""Table rows built in Python for the long lists (我的待办, 账号台账, 稿件与审核, 留言办理, 检查指标,
统计报表), and the Chinese dates that pages, exports and Word documents write.

Django's template loop costs ~100–150 µs for a row of seven cells: a third of 账号台账's time at province
scale. Each list's rows are built by a tag in its app's templatetags with the markup its template had;
every value that people typed goes through `escape`.
"""

from datetime import date, datetime
from html import escape

from django.utils import timezone

__all__ = ["PROVISIONAL", "badge", "cell", "day", "escape", "link", "moment", "short_moment"]

# Beside a working-day deadline counted without the year's holiday schedule (calendar.schedules).
PROVISIONAL = (
    '<span class="badge warn" title="该年度节假日安排尚未发布或录入，发布录入后自动重算">'
    "暂按周一至周五计算</span>"
)


def cell(label: str, inner: str) -> str:
    """A `<td>` with the label the phone layout shows beside it; `inner` is markup already escaped."""
    return f'<td data-label="{label}">{inner}</td>'


def badge(text: str, tone: str = "") -> str:
    """`<span class="badge ok|warn|danger">`, escaped."""
    return f'<span class="badge{" " if tone else ""}{tone}">{escape(text)}</span>'


def link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def day(value: date | None) -> str:
    """「2026年5月1日」 (the `date:"Y年n月j日"` of the templates); "" for None."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def moment(value: datetime | None) -> str:
    """「2026年5月1日 09:30」 in local time (the `date:"Y年n月j日 H:i"` of the templates); "" for None."""
    if value is None:
        return ""
    t = timezone.localtime(value)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02}:{t.minute:02}"


def short_moment(value: datetime | None) -> str:
    """「5月1日 09:30」 in local time (`date:"n月j日 H:i"`); "" for None."""
    if value is None:
        return ""
    t = timezone.localtime(value)
    return f"{t.month}月{t.day}日 {t.hour:02}:{t.minute:02}"
