"""Content checks (R5.2-1, B-4): the sensitive lexicon in one Aho-Corasick pass, classified markings,
personal information and markers of unverified information or personal opinion. Spans are
[start, end) in characters of the text given."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from .findings import BLOCK, SEVERITIES, WARN, Finding

# Full-width ASCII to ASCII, ideographic space to space, ASCII to lower case: one character for one,
# so a span in the normalised text is the same span in the author's text.
_NORMALIZE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_NORMALIZE[0x3000] = 0x20
_NORMALIZE.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
_NORMALIZE.update({code + 0xFEE0: code + 32 for code in range(ord("A"), ord("Z") + 1)})


_NEEDS_NORMALIZE = re.compile("[A-Z\u3000\uff01-\uff5e]")


def normalize(text: str) -> str:
    return text.translate(_NORMALIZE) if _NEEDS_NORMALIZE.search(text) else text


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    category: str = "其他"
    severity: str = BLOCK
    suggestion: str = ""
    note: str = ""


class Lexicon:
    """An immutable lexicon with its automaton, built once and shared."""

    def __init__(self, entries: Iterable[LexiconEntry] = (), version: int = 0) -> None:
        self.version = version
        by_word: dict[str, LexiconEntry] = {}
        for entry in entries:
            key = normalize(entry.word.strip())
            if key and entry.severity in SEVERITIES:
                by_word[key] = entry
        self.entries = tuple(by_word.values())
        self._automaton: ahocorasick.Automaton | None = None
        if by_word:
            automaton = ahocorasick.Automaton()
            for key, entry in by_word.items():
                automaton.add_word(key, (len(key), entry))
            automaton.make_automaton()
            self._automaton = automaton

    def __len__(self) -> int:
        return len(self.entries)

    def scan(self, text: str) -> Iterator[tuple[int, int, LexiconEntry]]:
        if self._automaton is None or not text:
            return
        for end, (length, entry) in self._automaton.iter(normalize(text)):
            yield end - length + 1, end + 1, entry


EMPTY_LEXICON = Lexicon()


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_BRACKETS_OPEN, _BRACKETS_CLOSE = "【\\[［(（「〔《<", "】\\]］)）」〕》>"
CLASSIFIED_RE = re.compile(
    r"(?:绝密|机密|秘密)\s*[★☆*＊]\s*(?:[0-9一二三四五六七八九十]+年|长期)?"
    r"|[★☆]\s*(?:绝密|机密|秘密)"
    rf"|[{_BRACKETS_OPEN}]\s*(?:绝密|机密|秘密)(?:级)?\s*[{_BRACKETS_CLOSE}]"
    r"|(?:绝密|机密|秘密)(?:级|文件|资料|材料|文电|事项|件)"
    r"|绝密|(?<!商业)机密"
    r"|内部(?:资料|文件|材料|刊物|传阅|使用|参阅|资料注意保存)"
    r"|(?:不得|严禁|禁止|请勿|切勿|不准|不宜)(?:外传|外泄|扩散)"
    r"|注意保密|仅供内部\S{0,4}"
)

UNVERIFIED_MARKERS = (
    "据传",
    "网传",
    "听说",
    "据说",
    "传言",
    "传闻",
    "坊间传闻",
    "小道消息",
    "未经证实",
    "尚未证实",
    "有待证实",
    "未经核实",
    "尚未核实",
    "有待核实",
    "网友爆料",
    "据网友爆料",
    "有消息称",
    "有网友称",
    "据知情人士透露",
    "据不愿透露姓名",
)
OPINION_MARKERS = (
    "我个人认为",
    "我个人觉得",
    "个人认为",
    "个人觉得",
    "本人认为",
    "本人觉得",
    "我认为",
    "我觉得",
    "依我看",
    "在我看来",
    "我的看法是",
    "我的观点是",
    "小编认为",
    "小编觉得",
    "说实话",
    "气死了",
    "太恶心",
    "真恶心",
    "无语了",
    "呵呵",
    "活该",
)
UNVERIFIED_RE = re.compile(_alternation(UNVERIFIED_MARKERS))
OPINION_RE = re.compile(_alternation(OPINION_MARKERS))

_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_RE = re.compile(_NOT_ALNUM_BEFORE + r"\d{17}[\dXx]" + _NOT_ALNUM_AFTER)
CARD_RE = re.compile(
    _NOT_ALNUM_BEFORE + r"(?:\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?|\d{16,19})" + _NOT_ALNUM_AFTER
)
MOBILE_RE = re.compile(
    _NOT_ALNUM_BEFORE + r"(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}" + _NOT_ALNUM_AFTER
)
# Numbers are rare in posts: the three number patterns run only around runs of 11 or more digits.
NUMBER_CANDIDATE_RE = re.compile(r"[0-9][0-9 \-]{9,}[0-9Xx]")
# Every classified-marking alternative contains one of these; most posts contain none.
_CLASSIFIED_TRIGGERS = ("密", "内部", "外传", "外泄", "扩散")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """GB 11643: the check character of an 18-digit citizen identity number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def is_valid_id(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and id_check_digit(number[:17]) == number[17].upper()


def looks_like_id(number: str) -> bool:
    """Shaped like a resident ID (region, birth date), whatever its check digit: then it is not a card."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return number[0] in "12345678" and 1850 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask(text: str, keep_head: int, keep_tail: int) -> str:
    digits = [ch for ch in text if ch.isalnum()]
    hidden = max(0, len(digits) - keep_head - keep_tail)
    return "".join(digits[:keep_head]) + "*" * hidden + "".join(digits[len(digits) - keep_tail :])


def scan_text(text: str, field: str, lexicon: Lexicon = EMPTY_LEXICON) -> list[Finding]:
    """Every content finding in one field's text, in order of position."""
    if not text:
        return []
    found: list[Finding] = []
    seen: set[tuple[int, int, str]] = set()
    for start, end, entry in lexicon.scan(text):
        if (start, end, entry.word) in seen:
            continue
        seen.add((start, end, entry.word))
        detail = entry.category + (f"，建议改为“{entry.suggestion}”" if entry.suggestion else "")
        found.append(
            Finding(
                "content.lexicon",
                "5.2",
                entry.severity,
                field,
                f"含敏感词“{text[start:end]}”（{detail}）",
                value=text[start:end],
                span=(start, end),
            )
        )
    classified = CLASSIFIED_RE.finditer(text) if any(t in text for t in _CLASSIFIED_TRIGGERS) else ()
    for m in classified:
        found.append(
            Finding(
                "content.classified_marking",
                "5.1",
                BLOCK,
                field,
                f"含密级或内部资料标识“{m.group()}”",
                value=m.group(),
                span=m.span(),
            )
        )
    for candidate in NUMBER_CANDIDATE_RE.finditer(text):
        found += _numbers(text, field, max(0, candidate.start() - 3), candidate.end() + 1)
    for m in UNVERIFIED_RE.finditer(text):
        found.append(
            Finding(
                "content.unverified",
                "5.2",
                WARN,
                field,
                f"含未经确认信息的表述“{m.group()}”",
                value=m.group(),
                span=m.span(),
            )
        )
    for m in OPINION_RE.finditer(text):
        found.append(
            Finding(
                "content.personal_opinion",
                "5.2",
                WARN,
                field,
                f"含个人观点或情绪化表述“{m.group()}”",
                value=m.group(),
                span=m.span(),
            )
        )
    found.sort(key=lambda f: (f.span or (0, 0), f.rule))
    return found


def _numbers(text: str, field: str, pos: int, endpos: int) -> list[Finding]:
    """ID numbers, bank cards and mobiles in text[pos:endpos]; lookarounds still see the neighbours."""
    found = []
    id_spans = set()
    for m in ID_RE.finditer(text, pos, endpos):
        if is_valid_id(m.group()):
            id_spans.add(m.span())
            masked = _mask(m.group(), 6, 4)
            found.append(
                Finding(
                    "content.pii.id_card",
                    "5.2",
                    BLOCK,
                    field,
                    f"含身份证号码（{masked}）",
                    masked,
                    None,
                    m.span(),
                )
            )
    for m in CARD_RE.finditer(text, pos, endpos):
        digits = re.sub(r"\D", "", m.group())
        if m.span() in id_spans or looks_like_id(digits) or not luhn_ok(digits):
            continue
        masked = _mask(digits, 4, 4)
        found.append(
            Finding(
                "content.pii.bank_card",
                "5.2",
                BLOCK,
                field,
                f"含银行卡号（{masked}）",
                masked,
                None,
                m.span(),
            )
        )
    for m in MOBILE_RE.finditer(text, pos, endpos):
        digits = re.sub(r"\D", "", m.group())[-11:]
        masked = digits[:3] + "****" + digits[7:]
        found.append(
            Finding(
                "content.pii.mobile", "5.2", WARN, field, f"含手机号码（{masked}）", masked, None, m.span()
            )
        )
    return found
