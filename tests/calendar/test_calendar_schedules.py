"""R B-1, DEADLINES.md source 1: an administrator's schedule, checked before anything is stored."""

from datetime import date
from typing import Any

import pytest

from govmedia.calendar.schedules import ScheduleError, from_lines, to_lines, validate


def test_b1_valid_import_format(schedule_2027: Any) -> None:
    parsed = validate(schedule_2027)
    assert parsed.schedule.year == 2027
    assert [h.name for h in parsed.schedule.holidays] == ["元旦", "春节"]
    assert parsed.schedule.workdays == {date(2027, 2, 14), date(2027, 2, 20)}
    assert parsed.source == "测试用安排"
    assert parsed.warnings == []
    assert validate(
        {"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-01"}]}
    )


def test_b1_a_weekday_listed_as_workday_is_accepted_with_a_warning(schedule_2027: Any) -> None:
    data = {**schedule_2027, "workdays": ["2027-02-15"]}
    assert validate(data).warnings == ["2027-02-15是星期一，本来就是工作日。"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([1, 2], "JSON对象"),
        (dict(year=1899), "1900至2200"),
        (dict(year=2201), "1900至2200"),
        (dict(year="2027"), "整数"),
        (dict(year=True), "整数"),
        (dict(holidays=[]), "非空列表"),
        (dict(holidays="元旦"), "非空列表"),
        (dict(holidays=[{"start": "2027-01-01", "end": "2027-01-01"}]), "缺少节日名称"),
        (
            dict(holidays=[{"name": "元旦", "start": "2027-01-03", "end": "2027-01-01"}]),
            "结束日期早于开始日期",
        ),
        (dict(holidays=[{"name": "元旦", "start": "2026-12-31", "end": "2027-01-01"}]), "不在2027年内"),
        (dict(holidays=[{"name": "元旦", "start": "2027/01/01", "end": "2027-01-01"}]), "YYYY-MM-DD"),
        (dict(holidays=[{"name": "元旦", "start": "2027-02-30", "end": "2027-03-01"}]), "不存在"),
        (dict(holidays=[{"name": "长假", "start": "2027-01-01", "end": "2027-03-01"}]), "超过31天"),
        (dict(workdays=["2028-01-01"]), "不在2027年内"),
        (dict(workdays="2027-02-14"), "日期列表"),
        (dict(workdays=["2027-02-07"]), "既在春节假期内"),
        (dict(workday=["2027-02-14"]), "不认识的字段：workday"),
        (dict(source=5), "依据"),
    ],
)
def test_b1_bad_schedule_is_refused_in_chinese(changes: Any, message: str, schedule_2027: Any) -> None:
    data = {**schedule_2027, **changes} if isinstance(changes, dict) else changes
    with pytest.raises(ScheduleError) as exc:
        validate(data)
    assert message in str(exc.value)


def test_b1_every_problem_is_reported_at_once(schedule_2027: Any) -> None:
    data = dict(
        schedule_2027,
        holidays=[
            {"name": "", "start": "2027-01-01"},
            {"name": "春节", "start": "2027-02-08", "end": "2027-02-01"},
        ],
        workdays=["2026-12-31"],
    )
    with pytest.raises(ScheduleError) as exc:
        validate(data)
    assert len(exc.value.messages) == 3


def test_b1_line_format_round_trips() -> None:
    text = """
    # 2027年安排
    元旦 2027-01-01 至 2027-01-03
    清明节 2027-04-05
    春节 2027-02-06，2027-02-13
    调休上班 2027-02-14 2027-02-20
    """
    data = from_lines(text, 2027, "国办发明电")
    parsed = validate(data)
    assert [(h.name, h.start.isoformat(), h.end.isoformat()) for h in parsed.schedule.holidays] == [
        ("元旦", "2027-01-01", "2027-01-03"),
        ("清明节", "2027-04-05", "2027-04-05"),
        ("春节", "2027-02-06", "2027-02-13"),
    ]
    assert validate(from_lines(to_lines(parsed.schedule), 2027)).schedule == parsed.schedule


def test_b1_line_format_errors_name_the_line() -> None:
    with pytest.raises(ScheduleError) as exc:
        from_lines("元旦 2027-01-01\n春节\n调休上班", 2027)
    assert exc.value.messages == [
        "第2行应写成“节日名称 开始日期 结束日期”，如“元旦 2027-01-01 2027-01-03”。",
        "第3行：“调休上班”后面应写日期。",
    ]
