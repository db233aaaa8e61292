"""The lexicon as text, for import and export: one word a line,
`词语<TAB>类别<TAB>处理方式<TAB>建议用语<TAB>备注`; trailing columns may be left off; `#` starts a comment.
A line without a TAB may use `|` between columns instead."""

from __future__ import annotations

from collections.abc import Iterable

from .content import LexiconEntry
from .findings import BLOCK, WARN

SEVERITY_WORDS = {
    "block": BLOCK,
    "拦截": BLOCK,
    "禁止": BLOCK,
    "须修改": BLOCK,
    "warn": WARN,
    "提示": WARN,
    "警告": WARN,
}
HEADER = "# 敏感词库：词语<TAB>类别<TAB>处理方式(block 拦截 / warn 提示)<TAB>建议用语<TAB>备注\n"
MAX_WORD = 100


def parse(text: str, default_category: str = "其他") -> tuple[list[LexiconEntry], list[str]]:
    """(entries, errors); each error names its line, and a bad line never stops the good ones."""
    entries: list[LexiconEntry] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip("\ufeff").rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in (line.split("\t") if "\t" in line else line.split("|"))]
        word = cols[0]
        if not word:
            errors.append(f"第{number}行：词语为空")
            continue
        if len(word) > MAX_WORD:
            errors.append(f"第{number}行：词语超过{MAX_WORD}字")
            continue
        severity_text = cols[2] if len(cols) > 2 and cols[2] else "block"
        severity = SEVERITY_WORDS.get(severity_text.lower())
        if severity is None:
            errors.append(f"第{number}行：处理方式“{severity_text}”无效（应为 block 或 warn）")
            continue
        entries.append(
            LexiconEntry(
                word=word,
                category=(cols[1] if len(cols) > 1 and cols[1] else default_category)[:30],
                severity=severity,
                suggestion=(cols[3] if len(cols) > 3 else "")[:100],
                note=(cols[4] if len(cols) > 4 else "")[:200],
            )
        )
    return entries, errors


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def dump(entries: Iterable[LexiconEntry]) -> str:
    lines = [HEADER]
    for e in entries:
        cols = [e.word, e.category, e.severity, e.suggestion, e.note]
        lines.append("\t".join(_clean(c) for c in cols).rstrip("\t") + "\n")
    return "".join(lines)
