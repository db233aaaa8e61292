"""R B-1 and DESIGN.md invariant 4 (deadlines are data): deadlines, schedule import, recomputation."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmedia.audit.models import Entry
from govmedia.calendar import services
from govmedia.calendar.models import Deadline, HolidaySchedule

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_b1_7_reply_deadline_from_a_moment_uses_its_local_date() -> None:
    """Clause 7: a message received Friday 2025-09-26 20:00 (Beijing) is due end of 2025-10-10."""
    received = datetime(2025, 9, 26, 20, 0, tzinfo=TZ)
    d = services.open_deadline(Deadline.Rule.AFTER_WORKDAYS, received, 5, "7")
    d.refresh_from_db()
    assert (d.anchor, d.due_date, d.provisional, d.clause) == (
        date(2025, 9, 26),
        date(2025, 10, 10),
        False,
        "7",
    )
    assert d.due_at == datetime(2025, 10, 10, 23, 59, 59, tzinfo=TZ)
    assert d.started_at == received
    assert str(d) == "7 5个工作日内，2025年10月10日23:59前"


def test_b1_4_2_before_rule_and_5_4_hour_rule() -> None:
    existing = Deadline.objects.count()  # the demo data has some
    filing = services.open_deadline("before_workdays", date(2025, 10, 9), 5, "4.2")
    assert filing.due_date == date(2025, 9, 25)
    approved = datetime(2025, 10, 1, 23, 30, tzinfo=TZ)
    publish = services.open_deadline("after_hours", approved, 1, "5.4")
    assert publish.due_at == approved + timedelta(hours=1)
    assert (publish.anchor, publish.provisional) == (date(2025, 10, 1), False)
    with pytest.raises(ValueError, match="具体时刻"):
        services.open_deadline("after_hours", date(2025, 10, 1), 1, "5.4")
    with pytest.raises(ValueError, match="负数"):
        services.open_deadline("after_workdays", date(2025, 10, 1), -1, "7")
    with pytest.raises(ValueError, match="未知"):
        services.open_deadline("sometime", date(2025, 10, 1), 1, "7")
    assert Deadline.objects.count() == existing + 2  # the refused ones wrote nothing


def test_b1_open_overdue_and_meet() -> None:
    d = services.open_deadline("after_workdays", date(2025, 9, 26), 5, "7")
    late_check = datetime(2025, 10, 11, 0, 0, 1, tzinfo=TZ)
    mine = Deadline.objects.filter(pk=d.pk)
    assert list(mine.open()) == [d]
    assert list(mine.overdue(now=datetime(2025, 10, 10, 23, 59, 58, tzinfo=TZ))) == []
    assert list(mine.overdue(now=late_check)) == [d]
    assert d.is_overdue(late_check)
    services.meet(d, at=datetime(2025, 10, 9, 10, 0, tzinfo=TZ))
    services.meet(d, at=datetime(2025, 10, 12, 10, 0, tzinfo=TZ))  # a second call keeps the first moment
    d.refresh_from_db()
    assert d.met_at == datetime(2025, 10, 9, 10, 0, tzinfo=TZ)
    assert not d.met_late and not d.is_overdue(late_check)
    assert not mine.open().exists() and not mine.overdue(now=late_check).exists()


def test_b1_2027_is_provisional_until_its_schedule_is_imported_then_open_deadlines_move(
    cast: Any, schedule_2027: Any
) -> None:
    """DEADLINES.md source 3: an open provisional deadline is recomputed when the year is entered."""
    assert services.day_info(date(2027, 2, 8)).provisional
    spring = services.open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    assert (spring.due_date, spring.provisional) == (date(2027, 2, 10), True)  # Mon-Fri assumed
    met = services.open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    services.meet(met)
    later = services.open_deadline("after_workdays", date(2028, 3, 1), 3, "7")
    packaged = services.open_deadline("after_workdays", date(2025, 9, 26), 5, "7")

    schedule, recomputed = services.import_schedule(cast["sysadmin"], schedule_2027)

    entry = Entry.objects.filter(action="calendar.schedule_imported").latest("id")
    assert entry.after is not None
    ids = entry.after["recomputed_ids"]
    assert spring.pk in ids and met.pk not in ids and later.pk not in ids and packaged.pk not in ids
    assert recomputed == len(ids) == entry.after["recomputed"]
    spring.refresh_from_db()
    assert (spring.due_date, spring.provisional) == (
        date(2027, 2, 16),
        False,
    )  # 02-06..13 off; 14th, 15th, 16th
    assert spring.due_at == datetime(2027, 2, 16, 23, 59, 59, tzinfo=TZ)
    assert Deadline.objects.get(pk=met.pk).due_date == date(2027, 2, 10)  # met: left alone
    assert Deadline.objects.get(pk=later.pk).provisional  # 2028 still not covered
    assert Deadline.objects.get(pk=packaged.pk).due_date == date(2025, 10, 10)
    info = services.day_info(date(2027, 2, 8))
    assert (info.kind, info.holiday, info.provisional) == ("holiday", "春节", False)
    assert services.day_info(date(2027, 2, 14)).kind == "adjusted_workday"
    assert not services.add_workdays(date(2027, 2, 5), 3).provisional
    assert (schedule.entered_by, schedule.source_note) == (cast["sysadmin"], "测试用安排")
    assert entry.actor_id == cast["sysadmin"].pk


def test_b1_a_deadline_stays_provisional_when_it_still_reaches_an_uncovered_year(
    cast: Any, schedule_2027: Any
) -> None:
    d = services.open_deadline("after_workdays", date(2027, 12, 30), 5, "7")
    services.import_schedule(cast["sysadmin"], schedule_2027)
    d.refresh_from_db()
    assert d.provisional  # 2028 days are still assumed


def test_b1_import_replaces_the_year(cast: Any, schedule_2027: Any) -> None:
    services.import_schedule(cast["sysadmin"], schedule_2027)
    replacement = {"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-01"}]}
    services.import_schedule(None, replacement)  # the command line
    row = HolidaySchedule.objects.get(year=2027)
    assert (len(row.holidays), row.workdays, row.entered_by) == (1, [], None)
    assert services.day_info(date(2027, 2, 8)).kind == "workday"  # the old Spring Festival is gone
    assert HolidaySchedule.objects.count() == 1
    entry = Entry.objects.filter(action="calendar.schedule_imported").latest("id")
    assert entry.before is not None and len(entry.before["holidays"]) == 2
    assert entry.actor_name == "系统"


def test_b1_bad_import_changes_nothing(cast: Any, schedule_2027: Any) -> None:
    d = services.open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    entries = Entry.objects.count()
    bad = schedule_2027
    bad["workdays"] = ["2028-01-01"]
    with pytest.raises(ValidationError) as exc:
        services.import_schedule(cast["sysadmin"], bad)
    assert exc.value.messages == ["第1个调休上班日：2028-01-01不在2027年内。"]
    assert not HolidaySchedule.objects.exists()
    assert Entry.objects.count() == entries
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (date(2027, 2, 10), True)


def test_b1_only_the_system_administrator_enters_schedules(cast: Any, schedule_2027: Any) -> None:
    for username in ("center", "office_leader", "edu_admin", "auditor"):
        with pytest.raises(PermissionDenied):
            services.import_schedule(cast[username], schedule_2027)
    assert not HolidaySchedule.objects.exists()


def test_b1_counting_costs_no_query_per_day(cast: Any, schedule_2027: Any) -> None:
    services.import_schedule(cast["sysadmin"], schedule_2027)
    services.add_workdays(date(2027, 1, 1), 1)  # warm the cache
    with CaptureQueriesContext(connection) as queries:
        services.add_workdays(date(2025, 1, 1), 250)
        services.workdays_before(date(2027, 12, 31), 250)
    assert len(queries) == 2  # one fingerprint check per call, none per day


def test_b1_a_schedule_saved_elsewhere_is_seen_without_restart() -> None:
    assert services.day_info(date(2027, 2, 8)).provisional
    # Written as another process would: no call into this process's services.
    HolidaySchedule.objects.bulk_create(
        [HolidaySchedule(year=2027, holidays=[{"name": "春节", "start": "2027-02-08", "end": "2027-02-08"}])]
    )
    assert services.day_info(date(2027, 2, 8)).kind == "holiday"
