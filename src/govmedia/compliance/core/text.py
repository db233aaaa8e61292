"""Text measures: GB 18030 bytes, characters, and Weibo's own count (CONTRACT: weibo.text.max_chars)."""

from __future__ import annotations

import math
import re

URL_RE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
WEIBO_URL_WEIGHT = 10


def gb18030_bytes(text: str) -> int:
    """Bytes in GB 18030: ASCII 1, common Chinese characters 2, rarer characters 4."""
    return len(text.encode("gb18030", errors="replace"))


def char_count(text: str) -> int:
    return len(text)


def weibo_count(text: str) -> int:
    """Each http(s) URL counts 10; a character in U+0000..U+00FF a half, any other one; rounded up."""
    halves = 0
    last = 0
    for match in URL_RE.finditer(text):
        halves += _halves(text[last : match.start()]) + 2 * WEIBO_URL_WEIGHT
        last = match.end()
    halves += _halves(text[last:])
    return math.ceil(halves / 2)


def _halves(text: str) -> int:
    narrow = len(text.encode("latin-1", errors="ignore"))  # the characters in U+0000..U+00FF
    return narrow + 2 * (len(text) - narrow)
