"""R B-1, spec/DEADLINES.md: the counting rules on the pure module, with the spec's own examples."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from govmedia.calendar.workdays import (
    CalendarResolver,
    Holiday,
    Schedule,
    add_hours,
    add_workdays,
    packaged_day_info,
    workdays_before,
)

PACKAGED = CalendarResolver()


def test_b1_within_5_workdays_after_friday_2025_09_26_is_end_of_2025_10_10() -> None:
    """DEADLINES.md example (4.2, 5.4, 7): 09-28 is a 调休 working day, 10-01..08 holidays."""
    r = add_workdays(date(2025, 9, 26), 5, PACKAGED)
    assert r.date == date(2025, 10, 10)
    assert r.due.isoformat() == "2025-10-10T23:59:59+08:00"
    assert r.provisional is False
    assert r.as_dict() == {
        "start": "2025-09-26",
        "n": 5,
        "date": "2025-10-10",
        "due": "2025-10-10T23:59:59+08:00",
        "provisional": False,
    }


def test_b1_4_2_account_opening_2025_10_09_filed_by_end_of_2025_09_25() -> None:
    """DEADLINES.md example (4.2): 5 working days before 10-09, the planned date not counted."""
    r = workdays_before(date(2025, 10, 9), 5, PACKAGED)
    assert r.date == date(2025, 9, 25)
    assert r.due.isoformat() == "2025-09-25T23:59:59+08:00"
    assert not r.provisional


def test_b1_event_day_not_counted_even_when_a_holiday() -> None:
    # Event on 2025-10-01 (holiday): the 1st working day after is 10-09.
    assert add_workdays(date(2025, 10, 1), 1, PACKAGED).date == date(2025, 10, 9)
    # Event on a Saturday: the 1st working day is Monday.
    assert add_workdays(date(2025, 11, 15), 1, PACKAGED).date == date(2025, 11, 17)


def test_b1_2025_national_day_and_adjusted_workdays() -> None:
    assert PACKAGED.day_info(date(2025, 10, 1)).as_dict() == {
        "date": "2025-10-01",
        "workday": False,
        "kind": "holiday",
        "holiday": "国庆节",
        "provisional": False,
    }
    for d in (date(2025, 9, 28), date(2025, 10, 11)):
        info = PACKAGED.day_info(d)
        assert (info.workday, info.kind, info.holiday) == (True, "adjusted_workday", None)
    # Saturday 10-04 lies inside the holiday: a holiday, not a mere weekend.
    assert PACKAGED.day_info(date(2025, 10, 4)).kind == "holiday"
    assert PACKAGED.day_info(date(2025, 10, 6)).holiday in {"国庆节", "中秋节"}
    assert PACKAGED.day_info(date(2025, 10, 18)).kind == "weekend"
    assert PACKAGED.day_info(date(2025, 10, 17)).kind == "workday"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 1, 1), "元旦"),
        (date(2025, 1, 29), "春节"),
        (date(2025, 4, 4), "清明节"),
        (date(2025, 5, 1), "劳动节"),
        (date(2025, 5, 31), "端午节"),
        (date(2024, 9, 17), "中秋节"),
        (date(2015, 9, 3), "抗战胜利纪念日"),
    ],
)
def test_b1_holiday_names_in_chinese(day: date, name: str) -> None:
    assert PACKAGED.day_info(day).holiday == name


def test_b1_year_without_data_is_monday_to_friday_and_provisional() -> None:
    assert packaged_day_info(date(2099, 1, 1)) is None
    friday, saturday = PACKAGED.day_info(date(2099, 1, 2)), PACKAGED.day_info(date(2099, 1, 3))
    assert (friday.workday, friday.kind, friday.provisional) == (True, "workday", True)
    assert (saturday.workday, saturday.kind, saturday.provisional) == (False, "weekend", True)
    # Any provisional day consulted makes the result provisional.
    assert add_workdays(date(2026, 12, 30), 5, PACKAGED).provisional
    assert not add_workdays(date(2026, 12, 1), 5, PACKAGED).provisional


def test_b1_entered_schedule_wins_over_package_and_assumption() -> None:
    schedule = Schedule(
        2027,
        (
            Holiday("元旦", date(2027, 1, 1), date(2027, 1, 3)),
            Holiday("春节", date(2027, 1, 3), date(2027, 1, 4)),
        ),
        frozenset({date(2027, 1, 9)}),
    )
    res = CalendarResolver([schedule])
    assert res.source(2027) == "entered"
    assert res.source(2025) == "packaged"
    assert res.source(2099) == "assumed"
    assert res.day_info(date(2027, 1, 1)).as_dict() == {
        "date": "2027-01-01",
        "workday": False,
        "kind": "holiday",
        "holiday": "元旦",
        "provisional": False,
    }
    assert res.day_info(date(2027, 1, 3)).holiday == "元旦、春节"  # overlapping periods keep both names
    assert res.day_info(date(2027, 1, 9)).kind == "adjusted_workday"
    assert res.day_info(date(2027, 1, 5)).kind == "workday"
    r = add_workdays(date(2026, 12, 31), 1, res)
    assert (r.date, r.provisional) == (date(2027, 1, 5), False)


def test_b1_n_zero_is_the_same_day_and_negative_is_refused_in_chinese() -> None:
    assert add_workdays(date(2025, 10, 1), 0, PACKAGED).date == date(2025, 10, 1)
    assert workdays_before(date(2025, 10, 1), 0, PACKAGED).date == date(2025, 10, 1)
    for fn in (add_workdays, workdays_before):
        with pytest.raises(ValueError, match="负数"):
            fn(date(2025, 10, 1), -1, PACKAGED)
        with pytest.raises(ValueError, match="整数"):
            fn(date(2025, 10, 1), 1.5, PACKAGED)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="超过"):
            fn(date(2025, 10, 1), 10**9, PACKAGED)


def test_b1_dates_at_the_ends_of_the_calendar_do_not_crash() -> None:
    with pytest.raises(ValueError, match="范围"):
        add_workdays(date(9999, 12, 30), 5, PACKAGED)
    with pytest.raises(ValueError, match="范围"):
        workdays_before(date(1, 1, 3), 5, PACKAGED)
    assert add_workdays(date(1, 1, 1), 1, PACKAGED).provisional  # year 1: assumed, no crash
    assert add_workdays(date(1899, 12, 29), 3, PACKAGED).date == date(1900, 1, 3)
    assert add_workdays(date(9999, 12, 20), 3, PACKAGED).date == date(9999, 12, 23)


def test_b1_within_1_hour_is_wall_clock_whatever_the_day() -> None:
    """5.4 and 7: 60 minutes from approval, also on a holiday night across midnight."""
    moment = datetime(2025, 10, 1, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    r = add_hours(moment, 1)
    assert r.due.isoformat() == "2025-10-02T00:30:00+08:00"
    assert (r.date, r.provisional) == (date(2025, 10, 2), False)
    utc = datetime(2025, 10, 1, 15, 30, tzinfo=UTC)
    assert add_hours(utc, 1).due == r.due
    with pytest.raises(ValueError, match="时区"):
        add_hours(datetime(2025, 10, 1, 12, 0), 1)
    with pytest.raises(ValueError, match="负数"):
        add_hours(moment, -1)
