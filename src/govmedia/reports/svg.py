"""Charts drawn by the app itself: a horizontal bar chart as inline SVG (no scripts, no outside assets)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = 18
GAP = 8
LABEL_WIDTH = 170
CHART_WIDTH = 360
VALUE_WIDTH = 70


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    title: str, rows: Sequence[tuple[str, float | None]], suffix: str = "", max_value: float | None = None
) -> SafeString:
    """Bars for (label, value) pairs; None is drawn as 「无数据」. Labels are escaped."""
    height = 30 + len(rows) * (BAR + GAP) + 6
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    values = [v for _, v in rows if v is not None]
    top = max_value if max_value is not None else max(values, default=0)
    top = top or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 30 + i * (BAR + GAP)
        short = label if len(label) <= 12 else label[:11] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 5}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{CHART_WIDTH}" height="{BAR}" fill="#eef1f5"/>')
        if value is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{y + BAR - 5}" font-size="12" fill="#777">无数据</text>'
            )
            continue
        w = max(0.0, min(1.0, value / top)) * CHART_WIDTH
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR}" fill="#b8312f"/>')
        x = LABEL_WIDTH + CHART_WIDTH + 6
        parts.append(f'<text x="{x}" y="{y + BAR - 5}" font-size="12">{_fmt(value)}{escape(suffix)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
