"""When patrols are due and which were missed (R6.2-2, R6.2-4). Plain rules, no Django imports.

A day is cut into patrol windows; every operating account needs at least one patrol in every window.
- A heightened day (a national holiday from the working-day engine, or a meeting or event the county
  entered) has a window every `heightened_interval_hours` from `heightened_start_hour` to
  `heightened_end_hour`.
- Otherwise a working day (workday or adjusted working day) is cut into `patrols_per_workday` equal
  windows of the working hours, and a rest day into `patrols_per_rest_day` windows of the same hours.
A window is missed when it has ended and no patrol of the account falls inside [start, end).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Policy:
    patrols_per_workday: int = 2
    patrols_per_rest_day: int = 1
    workday_start_hour: int = 8
    workday_end_hour: int = 18
    heightened_interval_hours: int = 4
    heightened_start_hour: int = 8
    heightened_end_hour: int = 24


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    heightened: str = ""  # the heightened period's name, empty in normal times


# A day's (kind, holiday name): kind one of workday | weekend | holiday | adjusted_workday.
DayKind = Callable[[date], tuple[str, str | None]]


def policy_problems(p: Policy) -> list[str]:
    """Chinese messages for a policy that cannot be used; empty when it is fine."""
    problems = []
    if not 0 <= p.workday_start_hour < p.workday_end_hour <= 24:
        problems.append("工作时间的开始须早于结束，且在0至24时之间")
    if not 0 <= p.heightened_start_hour < p.heightened_end_hour <= 24:
        problems.append("加强监测每日开始须早于结束，且在0至24时之间")
    if not 1 <= p.heightened_interval_hours <= 24:
        problems.append("加强监测巡查间隔应为1至24小时")
    if not 0 <= p.patrols_per_workday <= 24 or not 0 <= p.patrols_per_rest_day <= 24:
        problems.append("每日巡查次数应为0至24次")
    return problems


def heightened_name(d: date, kind: str, holiday: str | None, periods: Sequence[Period]) -> str:
    for period in periods:
        if period.start <= d <= period.end:
            return period.name
    if kind == "holiday":
        return holiday or "法定节假日"
    return ""


def _at(d: date, hour: int, tz: tzinfo) -> datetime:
    if hour >= 24:
        return datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz)
    return datetime.combine(d, time(hour), tzinfo=tz)


def _split(
    d: date, start_hour: int, end_hour: int, parts: int, tz: tzinfo
) -> list[tuple[datetime, datetime]]:
    if parts <= 0:
        return []
    begin, finish = _at(d, start_hour, tz), _at(d, end_hour, tz)
    step = (finish - begin) / parts
    return [(begin + step * i, begin + step * (i + 1) if i < parts - 1 else finish) for i in range(parts)]


def windows_for_day(
    d: date, day_kind: DayKind, periods: Sequence[Period], policy: Policy, tz: tzinfo
) -> list[Window]:
    kind, holiday = day_kind(d)
    name = heightened_name(d, kind, holiday, periods)
    if name:
        step = policy.heightened_interval_hours
        hours = list(range(policy.heightened_start_hour, policy.heightened_end_hour, step))
        return [
            Window(_at(d, h, tz), _at(d, min(h + step, policy.heightened_end_hour), tz), name) for h in hours
        ]
    parts = (
        policy.patrols_per_workday if kind in ("workday", "adjusted_workday") else policy.patrols_per_rest_day
    )
    return [Window(a, b) for a, b in _split(d, policy.workday_start_hour, policy.workday_end_hour, parts, tz)]


def windows_between(
    first: date, last: date, day_kind: DayKind, periods: Sequence[Period], policy: Policy, tz: tzinfo
) -> list[Window]:
    out: list[Window] = []
    d = first
    while d <= last:
        out.extend(windows_for_day(d, day_kind, periods, policy, tz))
        d += timedelta(days=1)
    return out


def current_window(
    now: datetime, day_kind: DayKind, periods: Sequence[Period], policy: Policy, tz: tzinfo
) -> Window | None:
    for w in windows_for_day(now.astimezone(tz).date(), day_kind, periods, policy, tz):
        if w.start <= now < w.end:
            return w
    return None


def missed(windows: Iterable[Window], patrol_times: Sequence[datetime], now: datetime) -> list[Window]:
    """Windows that have ended with no patrol inside them. `patrol_times` must be sorted."""
    out = []
    for w in windows:
        if w.end > now:
            continue
        i = bisect.bisect_left(patrol_times, w.start)
        if i >= len(patrol_times) or patrol_times[i] >= w.end:
            out.append(w)
    return out
