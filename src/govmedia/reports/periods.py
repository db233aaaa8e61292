"""Report periods: a month, a quarter or a year, parsed from query parameters with Chinese errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from govmedia.web.forms import number

KINDS = {"month": "月度", "quarter": "季度", "year": "年度"}


class BadPeriod(ValueError):
    """The parameters do not name a period; the message is shown to the person."""


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    n: int = 1  # month 1-12 or quarter 1-4; 1 for a year

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.n, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * (self.n - 1) + 1, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind == "month":
            return date(self.year + (self.n == 12), self.n % 12 + 1, 1)
        if self.kind == "quarter":
            return date(self.year + (self.n == 4), (3 * self.n) % 12 + 1, 1)
        return date(self.year + 1, 1, 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.n}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.n}季度"
        return f"{self.year}年"

    @property
    def slug(self) -> str:
        return f"{self.year}" if self.kind == "year" else f"{self.year}-{self.kind[0].upper()}{self.n:02d}"

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return datetime.combine(self.start, time.min, tzinfo=tz), datetime.combine(
            self.end, time.min, tzinfo=tz
        )

    def query(self) -> dict[str, Any]:
        q: dict[str, Any] = {"period": self.kind, "year": self.year}
        if self.kind == "month":
            q["month"] = self.n
        elif self.kind == "quarter":
            q["quarter"] = self.n
        return q


def _int(value: str, name: str, low: int, high: int) -> int:
    n = number(value)
    if n is None or not low <= n <= high:
        raise BadPeriod(f"{name}应为{low}至{high}之间的整数。")
    return n


def parse(params: Any, today: date | None = None) -> Period:
    """`period=month|quarter|year`, `year`, `month` or `quarter`; anything missing defaults to today's."""
    today = today or timezone.localdate()
    kind = (params.get("period") or "month").strip()
    if kind not in KINDS:
        raise BadPeriod("统计周期应为月度、季度或年度。")
    year = _int(params.get("year") or str(today.year), "年份", 2000, 2100)
    if kind == "month":
        return Period(kind, year, _int(params.get("month") or str(today.month), "月份", 1, 12))
    if kind == "quarter":
        return Period(
            kind, year, _int(params.get("quarter") or str((today.month - 1) // 3 + 1), "季度", 1, 4)
        )
    return Period(kind, year)
