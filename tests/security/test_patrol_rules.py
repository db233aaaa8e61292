"""The pure patrol-window rules (R6.2-2, R6.2-4) and the incident playbooks (R6.3-1): no database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from govmedia.security.incidents import INCIDENT_KINDS, PLAYBOOKS, playbook
from govmedia.security.patrols import (
    Period,
    Policy,
    Window,
    current_window,
    missed,
    policy_problems,
    windows_between,
    windows_for_day,
)

TZ = ZoneInfo("Asia/Shanghai")
KINDS = {
    date(2026, 10, 1): ("holiday", "国庆节"),
    date(2026, 10, 10): ("adjusted_workday", None),
    date(2026, 10, 11): ("weekend", None),
}


def day_kind(d: date) -> tuple[str, str | None]:
    return KINDS.get(d, ("workday", None))


def at(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=TZ)


def test_r6_2_2_a_working_day_is_cut_into_equal_windows_of_working_hours() -> None:
    d = date(2026, 10, 12)
    ws = windows_for_day(d, day_kind, [], Policy(patrols_per_workday=2), TZ)
    assert ws == [Window(at(d, 8), at(d, 13)), Window(at(d, 13), at(d, 18))]
    assert len(windows_for_day(date(2026, 10, 10), day_kind, [], Policy(), TZ)) == 2  # adjusted working day
    assert len(windows_for_day(date(2026, 10, 11), day_kind, [], Policy(patrols_per_rest_day=1), TZ)) == 1
    assert windows_for_day(date(2026, 10, 11), day_kind, [], Policy(patrols_per_rest_day=0), TZ) == []


def test_r6_2_4_national_holiday_is_heightened_every_four_hours_to_midnight() -> None:
    d = date(2026, 10, 1)
    ws = windows_for_day(d, day_kind, [], Policy(heightened_interval_hours=4), TZ)
    assert [(w.start.hour, w.end - w.start) for w in ws] == [
        (8, timedelta(hours=4)),
        (12, timedelta(hours=4)),
        (16, timedelta(hours=4)),
        (20, timedelta(hours=4)),
    ]
    assert ws[-1].end == at(date(2026, 10, 2), 0)
    assert {w.heightened for w in ws} == {"国庆节"}


def test_r6_2_4_county_meeting_makes_an_ordinary_day_heightened_and_names_it() -> None:
    d = date(2026, 10, 14)
    meeting = Period("县人代会", date(2026, 10, 13), date(2026, 10, 15))
    ws = windows_for_day(d, day_kind, [meeting], Policy(heightened_interval_hours=5), TZ)
    assert [w.start.hour for w in ws] == [8, 13, 18, 23] and ws[-1].end == at(date(2026, 10, 15), 0)
    assert all(w.heightened == "县人代会" for w in ws)
    assert windows_for_day(date(2026, 10, 16), day_kind, [meeting], Policy(), TZ)[0].heightened == ""


def test_r6_2_4_missed_windows_are_those_ended_without_a_patrol_inside() -> None:
    d = date(2026, 10, 1)
    ws = windows_between(d, d, day_kind, [], Policy(), TZ)
    patrols = sorted([at(d, 9), at(d, 16), at(d, 19, 59)])  # 16:00 counts for [16, 20); none in [12, 16)
    found = missed(ws, patrols, now=at(d, 21))
    assert [w.start.hour for w in found] == [12]  # [20, 24) has not ended yet
    assert [w.start.hour for w in missed(ws, patrols, now=at(date(2026, 10, 2), 1))] == [12, 20]
    assert missed(ws, [], now=at(d, 7)) == []


def test_current_window_and_policy_problems() -> None:
    d = date(2026, 10, 12)
    assert current_window(at(d, 14), day_kind, [], Policy(), TZ) == Window(at(d, 13), at(d, 18))
    assert current_window(at(d, 7), day_kind, [], Policy(), TZ) is None
    assert policy_problems(Policy()) == []
    assert policy_problems(Policy(workday_start_hour=18, workday_end_hour=8))
    assert policy_problems(Policy(heightened_interval_hours=0))
    assert policy_problems(Policy(heightened_end_hour=25))


@pytest.mark.parametrize("kind", [k for k, _ in INCIDENT_KINDS])
def test_r6_3_1_every_kind_has_a_playbook_ending_with_the_report_to_leaders(kind: str) -> None:
    steps = playbook(kind)
    assert steps[-1][0] == "report" and len({c for c, _ in steps}) == len(steps)


def test_r6_3_1_leak_playbook_has_every_measure_of_the_standard() -> None:
    codes = [c for c, _ in PLAYBOOKS["leak"]]
    assert codes == [
        "freeze",
        "change_password",
        "check_content",
        "check_messages",
        "check_interfaces",
        "coordinate_operator",
        "coordinate_developer",
        "report",
    ]
