"""GET /api/v1/calendar/workdays/{add,before,is}: the CLI's answers (CONTRACT.md), 422 on bad input."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govmedia.api.errors import Unprocessable

from . import services
from .schedules import parse_date

router = Router(tags=["工作日"])


class ResultOut(Schema):
    start: str
    n: int
    date: str
    due: str
    provisional: bool


class DayOut(Schema):
    date: str
    workday: bool
    kind: str
    holiday: str | None
    provisional: bool


def _n(value: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise Unprocessable(f"天数“{value}”必须是不小于0的整数。")
    return int(text)


def _count(which: str, day: str, n: str) -> dict[str, Any]:
    try:
        d = parse_date(day)
        count = services.add_workdays if which == "add" else services.workdays_before
        return count(d, _n(n)).as_dict()
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


@router.get("/workdays/add", response=ResultOut, summary="N个工作日内：start之后第N个工作日（当天不计）")
def add(request: HttpRequest, start: str, n: str) -> dict[str, Any]:
    return _count("add", start, n)


@router.get("/workdays/before", response=ResultOut, summary="提前N个工作日：date之前第N个工作日（当天不计）")
def before(request: HttpRequest, date: str, n: str) -> dict[str, Any]:
    return _count("before", date, n)


@router.get("/workdays/is", response=DayOut, summary="某日是否工作日")
def is_workday(request: HttpRequest, date: str) -> dict[str, Any]:
    try:
        return services.day_info(parse_date(date)).as_dict()
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
