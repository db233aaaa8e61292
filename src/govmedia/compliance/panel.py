"""The findings panel's context: findings numbered and explained, and the text with each span marked.
The post editor includes `compliance/_findings_panel.html` with this context."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from .core import BLOCK, Finding, Post, is_ok
from .explain import explain
from .forms import FIELD_LABELS

SEVERITY_LABELS = {"block": "须修改", "warn": "提示"}


def _field_label(field: str) -> str:
    if field.startswith("media[") and field[6:-1].isdigit():
        return f"附件{int(field[6:-1]) + 1}"
    return FIELD_LABELS.get(field, field)


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """`text` cut at every span boundary; each piece knows the strongest severity covering it."""
    points = {0, len(text)}
    for start, end, _, _ in marks:
        points.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    ordered = sorted(points)
    pieces = []
    for a, b in pairwise(ordered):
        covering = [m for m in marks if m[0] < b and m[1] > a]
        severity = None
        if covering:
            severity = BLOCK if any(m[2] == BLOCK for m in covering) else "warn"
        pieces.append({"text": text[a:b], "severity": severity, "title": "；".join(m[3] for m in covering)})
    return pieces


def panel_context(findings: list[Finding], post: Post | None, *, checked: bool = True) -> dict[str, Any]:
    items = []
    for number, f in enumerate(findings, start=1):
        label = _field_label(f.field)
        items.append(
            {
                "n": number,
                "finding": f,
                "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
                "field_label": label,
                "explain": explain(f),
            }
        )
    highlights = []
    if post is not None:
        for field, label, text in (("title", "标题", post.title), ("body", "正文", post.body)):
            marks = [
                (f.span[0], f.span[1], f.severity, f.message) for f in findings if f.field == field and f.span
            ]
            if marks:
                highlights.append({"field": field, "label": label, "segments": segments(text, marks)})
    blocks = sum(1 for f in findings if f.severity == BLOCK)
    return {
        "checked": checked,
        "ok": is_ok(findings),
        "items": items,
        "blocks": blocks,
        "warns": len(findings) - blocks,
        "highlights": highlights,
        "offer_long_weibo": any(f.rule.endswith(".text.max_chars") for f in findings),
        "post": post,
    }
