"""Reading an administrator's holiday schedule: the JSON import format and the line format of the page.
Pure: no Django imports. Every problem is reported in Chinese, all of them at once.

JSON (CONTRACT.md): {"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
"workdays": ["2027-02-06"], "source": "国办发明电〔2026〕…号"}  ("workdays" and "source" may be left out)

Lines (one holiday or one list of 调休 working days per line, # starts a comment):
    元旦 2027-01-01 2027-01-03
    清明节 2027-04-05
    调休上班 2027-02-06 2027-02-20
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .workdays import Holiday, Schedule

MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_HOLIDAY_DAYS = 31
WORKDAY_WORDS = ("调休上班", "上班")
WEEKDAYS = "一二三四五六日"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYS = ("year", "holidays", "workdays", "source")


class ScheduleError(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Parsed:
    schedule: Schedule
    source: str
    warnings: list[str]

    def as_json(self) -> dict[str, Any]:
        """The stored (and exported) form: the import format with ISO dates."""
        return {
            "year": self.schedule.year,
            "holidays": [
                {"name": h.name, "start": h.start.isoformat(), "end": h.end.isoformat()}
                for h in self.schedule.holidays
            ],
            "workdays": sorted(d.isoformat() for d in self.schedule.workdays),
            "source": self.source,
        }


def parse_date(value: Any) -> date:
    """A date written YYYY-MM-DD, or ValueError in Chinese."""
    if not isinstance(value, str) or not _ISO.fullmatch(value.strip()):
        raise ValueError(f"日期“{value}”应写成YYYY-MM-DD，如2027-01-01。")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"日期“{value}”不存在。") from None


def weekday_name(d: date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def validate(data: Any) -> Parsed:
    """Check the import format; raise ScheduleError listing every problem."""
    if not isinstance(data, dict):
        raise ScheduleError(["内容必须是一个JSON对象，含year、holidays、workdays。"])
    errors: list[str] = []
    unknown = [str(k) for k in data if k not in _KEYS]
    if unknown:
        errors.append(f"不认识的字段：{'、'.join(unknown)}（可用字段：{'、'.join(_KEYS)}）。")

    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(f"年份（year）必须是{MIN_YEAR}至{MAX_YEAR}之间的整数。")
        raise ScheduleError(errors)  # every other check depends on the year

    def in_year(label: str, value: Any) -> date | None:
        try:
            d = parse_date(value)
        except ValueError as exc:
            errors.append(f"{label}：{exc}")
            return None
        if d.year != year:
            errors.append(f"{label}：{d.isoformat()}不在{year}年内。")
            return None
        return d

    holidays: list[Holiday] = []
    raw_holidays = data.get("holidays")
    if not isinstance(raw_holidays, list) or not raw_holidays:
        errors.append("放假安排（holidays）必须是非空列表。")
        raw_holidays = []
    for i, item in enumerate(raw_holidays, 1):
        label = f"第{i}项放假安排"
        if not isinstance(item, dict):
            errors.append(f"{label}应含name、start、end。")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(f"{label}缺少节日名称（name）。")
        elif len(name.strip()) > 20:
            errors.append(f"{label}的节日名称超过20个字。")
        start = in_year(f"{label}的开始日期", item.get("start"))
        end = in_year(f"{label}的结束日期", item.get("end")) if "end" in item else start
        if start and end and isinstance(name, str) and name.strip():
            if end < start:
                errors.append(f"{label}（{name.strip()}）的结束日期早于开始日期。")
            elif (end - start).days + 1 > MAX_HOLIDAY_DAYS:
                errors.append(f"{label}（{name.strip()}）超过{MAX_HOLIDAY_DAYS}天，请检查日期。")
            else:
                holidays.append(Holiday(name.strip(), start, end))

    workdays: set[date] = set()
    raw_workdays = data.get("workdays", [])
    if not isinstance(raw_workdays, list):
        errors.append("调休上班日（workdays）必须是日期列表。")
        raw_workdays = []
    for i, value in enumerate(raw_workdays, 1):
        d = in_year(f"第{i}个调休上班日", value)
        if d is None:
            continue
        clash = next((h for h in holidays if h.start <= d <= h.end), None)
        if clash:
            errors.append(f"{d.isoformat()}既在{clash.name}假期内，又列为调休上班日。")
        workdays.add(d)

    source = data.get("source", "")
    if not isinstance(source, str) or len(source) > 300:
        errors.append("依据（source）必须是不超过300字的文字。")
        source = ""
    if errors:
        raise ScheduleError(errors)
    warnings = [
        f"{d.isoformat()}是{weekday_name(d)}，本来就是工作日。" for d in sorted(workdays) if d.weekday() < 5
    ]
    return Parsed(Schedule(year, tuple(holidays), frozenset(workdays)), source.strip(), warnings)


def from_lines(text: str, year: Any, source: str = "") -> dict[str, Any]:
    """Turn the page's line format into the import format (validate() checks it afterwards)."""
    holidays: list[dict[str, str]] = []
    workdays: list[str] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        words = [w for w in re.split(r"[\s,，]+", line.split("#", 1)[0].strip()) if w and w not in "至到~～"]
        if not words:
            continue
        name, dates = words[0], words[1:]
        if name in WORKDAY_WORDS:
            if not dates:
                errors.append(f"第{number}行：“{name}”后面应写日期。")
            workdays.extend(dates)
        elif len(dates) in (1, 2):
            holidays.append({"name": name, "start": dates[0], "end": dates[-1]})
        else:
            errors.append(f"第{number}行应写成“节日名称 开始日期 结束日期”，如“元旦 2027-01-01 2027-01-03”。")
    if errors:
        raise ScheduleError(errors)
    return {"year": year, "holidays": holidays, "workdays": workdays, "source": source}


def to_lines(schedule: Schedule) -> str:
    lines = [
        f"{h.name} {h.start.isoformat()}" + (f" {h.end.isoformat()}" if h.end != h.start else "")
        for h in schedule.holidays
    ]
    if schedule.workdays:
        lines.append("调休上班 " + " ".join(d.isoformat() for d in sorted(schedule.workdays)))
    return "\n".join(lines)


def periods(days: list[tuple[date, str]]) -> list[Holiday]:
    """Group a year's holiday days (date, name) into consecutive periods, names joined with 、."""
    out: list[Holiday] = []
    for d, name in sorted(days):
        last = out[-1] if out else None
        if last and last.end + timedelta(days=1) == d:
            names = last.name.split("、")
            merged = "、".join(names + [n for n in name.split("、") if n not in names])
            out[-1] = Holiday(merged, last.start, d)
        else:
            out.append(Holiday(name, d, d))
    return out


def year_overview(resolver: Any, year: int) -> tuple[list[Holiday], list[date]]:
    """A year as the resolver sees it: its holiday periods and its weekend working days (调休上班)."""
    holidays: list[tuple[date, str]] = []
    adjusted: list[date] = []
    d = date(year, 1, 1)
    while d.year == year:
        info = resolver.day_info(d)
        if info.kind == "holiday":
            holidays.append((d, info.holiday or ""))
        elif info.kind == "adjusted_workday":
            adjusted.append(d)
        d += timedelta(days=1)
    return periods(holidays), adjusted
