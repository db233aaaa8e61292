"""Working-day arithmetic (spec/DEADLINES.md, R B-1). Pure: no Django imports.

A resolver answers `day_info(date)`. `CalendarResolver` consults, in order, the schedules an administrator
entered, the `chinesecalendar` package, and otherwise assumes Monday to Friday and marks the day provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Protocol

import chinese_calendar

# Asia/Shanghai has been UTC+8 without daylight saving since 1991; a fixed offset keeps every due moment
# printed as +08:00, as CONTRACT.md shows it.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
MAX_N = 10000  # about forty years of working days; bounds every loop below

WORKDAY, WEEKEND, HOLIDAY, ADJUSTED_WORKDAY = "workday", "weekend", "holiday", "adjusted_workday"

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    date: date
    workday: bool
    kind: str  # workday | weekend | holiday | adjusted_workday
    holiday: str | None = None  # the holiday's Chinese name when kind is "holiday"
    provisional: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "workday": self.workday,
            "kind": self.kind,
            "holiday": self.holiday,
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class Result:
    start: date
    n: int
    date: date
    due: datetime  # aware, +08:00
    provisional: bool  # some day consulted had no published schedule

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "n": self.n,
            "date": self.date.isoformat(),
            "due": self.due.isoformat(),
            "provisional": self.provisional,
        }


class Resolver(Protocol):
    def day_info(self, d: date) -> DayInfo: ...


@dataclass(frozen=True)
class Holiday:
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Schedule:
    """One year's holiday notice: holiday periods (weekends inside them included) and 调休 working days."""

    year: int
    holidays: tuple[Holiday, ...] = ()
    workdays: frozenset[date] = frozenset()
    _names: dict[date, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for h in self.holidays:
            d = h.start
            while d <= h.end:
                known = self._names.get(d)
                if known is None:
                    self._names[d] = h.name
                elif h.name not in known.split("、"):
                    self._names[d] = f"{known}、{h.name}"
                d += timedelta(days=1)

    def day_info(self, d: date) -> DayInfo:
        weekend = d.weekday() >= 5
        if d in self.workdays:
            return DayInfo(d, True, ADJUSTED_WORKDAY if weekend else WORKDAY)
        if d in self._names:
            return DayInfo(d, False, HOLIDAY, self._names[d])
        return weekday_info(d, provisional=False)


def weekday_info(d: date, provisional: bool) -> DayInfo:
    if d.weekday() >= 5:
        return DayInfo(d, False, WEEKEND, provisional=provisional)
    return DayInfo(d, True, WORKDAY, provisional=provisional)


def packaged_day_info(d: date) -> DayInfo | None:
    """What the installed `chinesecalendar` says, or None for a year it does not cover."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return None
    weekend = d.weekday() >= 5
    if not is_holiday:
        return DayInfo(d, True, ADJUSTED_WORKDAY if weekend else WORKDAY)
    if name is None:
        return DayInfo(d, False, WEEKEND)
    return DayInfo(d, False, HOLIDAY, HOLIDAY_NAMES.get(name, name))


class CalendarResolver:
    """Entered schedules first, then the package, then Monday to Friday (provisional)."""

    def __init__(self, schedules: Mapping[int, Schedule] | Iterable[Schedule] = ()) -> None:
        items = schedules.values() if isinstance(schedules, Mapping) else schedules
        self.schedules: dict[int, Schedule] = {s.year: s for s in items}

    def source(self, year: int) -> str:
        """ "entered", "packaged" or "assumed"."""
        if year in self.schedules:
            return "entered"
        if packaged_day_info(date(year, 6, 1)) is not None:
            return "packaged"
        return "assumed"

    def day_info(self, d: date) -> DayInfo:
        schedule = self.schedules.get(d.year)
        if schedule is not None:
            return schedule.day_info(d)
        return packaged_day_info(d) or weekday_info(d, provisional=True)


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, END_OF_DAY, CHINA)


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError("天数必须是整数。")
    if n < 0:
        raise ValueError("天数不能为负数。")
    if n > MAX_N:
        raise ValueError(f"天数不能超过{MAX_N}。")


def _step(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise ValueError("日期超出可计算的范围（公元1年至9999年）。") from None


def _count(start: date, n: int, resolver: Resolver, direction: int) -> Result:
    _check_n(n)
    d, counted, provisional = start, 0, False
    while counted < n:
        d = _step(d, direction)
        info = resolver.day_info(d)
        provisional = provisional or info.provisional
        counted += info.workday
    return Result(start, n, d, end_of_day(d), provisional)


def add_workdays(start: date, n: int, resolver: Resolver) -> Result:
    """ "Within N working days after" an event on `start`: the event day is not counted, even when it is a
    holiday; due at the end of the Nth working day after it. N = 0 means the end of `start` itself."""
    return _count(start, n, resolver, +1)


def workdays_before(d: date, n: int, resolver: Resolver) -> Result:
    """ "At least N working days before" `d`: the latest allowed day is the Nth working day before it,
    `d` itself not counted. N = 0 means `d` itself."""
    return _count(d, n, resolver, -1)


def workday_spans(pairs: Sequence[tuple[date, date]], resolver: Resolver) -> list[int]:
    """For each (start, end): the working days after `start` up to and including `end` (the start day not
    counted; 0 when end <= start). One pass over the calendar however many pairs there are."""
    if not pairs:
        return []
    first = min(s for s, _ in pairs)
    last = max(e for _, e in pairs)
    running, d, n = {first: 0}, first, 0
    while d < last:
        d += timedelta(days=1)
        n += resolver.day_info(d).workday
        running[d] = n
    return [running[e] - running[s] if e > s else 0 for s, e in pairs]


def add_hours(moment: datetime, n: int) -> Result:
    """ "Within N hours": wall-clock time from `moment`, whatever the day. Never provisional."""
    _check_n(n)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("时间必须带时区。")
    try:
        due = (moment + timedelta(hours=n)).astimezone(CHINA)
    except OverflowError:
        raise ValueError("日期超出可计算的范围（公元1年至9999年）。") from None
    return Result(moment.astimezone(CHINA).date(), n, due.date(), due, False)
