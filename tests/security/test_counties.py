"""Chapter 6 across counties: one instance holds 姚安县 (the demo county) and 大姚县 (the `neighbour`
fixture). Each county's duty officers, security administrators and centre see and act on their own
county's accounts, incidents, roster, periods, people and devices only; recipients and actors are of the
county concerned. Pages answer 404 for another county's rows, services PermissionDenied."""

from datetime import date, datetime, time, timedelta
from importlib import import_module
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmedia.org.models import Unit, User
from govmedia.org.permissions import can
from govmedia.registry.models import Account
from govmedia.security import (
    incident_services,
    patrol_services,
    record_services,
    services,
    twofactor,
)
from govmedia.security.forms import DrillForm, RosterForm
from govmedia.security.models import (
    DutyShift,
    HeightenedPeriod,
    Incident,
    KnownDevice,
    MissedPatrol,
    Notice,
    Patrol,
    RotationTask,
    SignInRecord,
)
from govmedia.web.todo import count_for, items_for

from .conftest import ALL_OK, Api, png

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
LEAK = {"kind": "leak", "severity": "major", "title": "账号疑似泄露", "description": "平台提示异地登录"}


@pytest.fixture
def dy(neighbour: dict[str, Any]) -> dict[str, Any]:
    """The neighbour's people by username, plus its units and accounts."""
    return {**neighbour["people"], "units": neighbour["units"], "accounts": neighbour["accounts"]}


def _patrol(actor: User, account: Account) -> Patrol:
    return patrol_services.record_patrol(actor, account, {**ALL_OK, "result": "normal"})


def _leak(actor: User, account: Account, title: str = "账号疑似泄露") -> Incident:
    return incident_services.open_incident(actor, {**LEAK, "title": title}, [account.pk])


# --- patrols (R6.2-2) -----------------------------------------------------------------------------------


def test_r6_2_2_duty_officers_patrol_only_their_own_countys_accounts(
    cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    mine, theirs = accounts["edu"], dy["accounts"]["town"]
    assert can(cast["duty_officer"], "security.patrol", mine)
    assert not can(cast["duty_officer"], "security.patrol", theirs)
    assert can(dy["dy_duty"], "security.patrol", theirs)
    with pytest.raises(PermissionDenied):
        _patrol(dy["dy_duty"], mine)
    with pytest.raises(PermissionDenied):
        _patrol(cast["duty_officer"], theirs)
    assert not Patrol.objects.filter(account__in=[mine, theirs]).exists()


def test_r6_2_2_patrol_pages_and_api_of_the_other_county_answer_404(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    p = _patrol(cast["duty_officer"], accounts["edu"])
    theirs = _patrol(dy["dy_duty"], dy["accounts"]["gov"])
    client = login("dy_duty")
    assert client.get(f"/security/patrols/{p.pk}/").status_code == 404
    assert client.get(f"/security/patrols/{theirs.pk}/").status_code == 200
    page = client.get("/security/patrols/").content.decode()
    assert accounts["edu"].name not in page and dy["accounts"]["gov"].name in page
    assert login("duty_officer").get(f"/security/patrols/{theirs.pk}/").status_code == 404
    api = Api(dy["dy_duty"])
    assert api.get(f"/patrols/{p.pk}").status_code == 404
    body = {"account": accounts["edu"].pk, **ALL_OK, "result": "normal"}
    assert api.post("/patrols", body).status_code == 404
    assert Patrol.objects.filter(account=accounts["edu"]).count() == 1


def test_r6_2_4_duty_todo_counts_only_the_countys_missed_patrols(
    cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    end = timezone.now() - timedelta(hours=1)
    MissedPatrol.objects.create(
        account=accounts["edu"], window_start=end - timedelta(hours=4), window_end=end
    )

    def missed(user: User) -> list[str]:
        return [i.title for i in items_for(user) if "漏巡" in i.title]

    assert missed(cast["duty_officer"]) == ["近24小时漏巡1次，请核查"]
    assert missed(dy["dy_duty"]) == []
    MissedPatrol.objects.create(
        account=dy["accounts"]["gov"], window_start=end - timedelta(hours=4), window_end=end
    )
    assert missed(dy["dy_duty"]) == ["近24小时漏巡1次，请核查"]
    assert missed(cast["duty_officer"]) == ["近24小时漏巡1次，请核查"]


# --- heightened periods (R6.2-4) --------------------------------------------------------------------------


def test_r6_2_4_a_countys_meeting_raises_only_its_own_patrol_frequency(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    w = date(2026, 10, 13)  # an ordinary working day: two windows; a heightened one: four
    pks = [accounts["edu"].pk, dy["accounts"]["gov"].pk]
    Account.objects.filter(pk__in=pks).update(created_at=datetime(2026, 10, 12, tzinfo=TZ))
    mine, theirs = (Account.objects.get(pk=pk) for pk in pks)
    period = patrol_services.add_period(dy["dy_duty"], "大姚县人代会", w, w)
    found = patrol_services.missed_between([mine, theirs], w, w, now=datetime(2026, 10, 14, 1, tzinfo=TZ))
    by_account = {a.pk: [x.heightened for b, x in found if b.pk == a.pk] for a in (mine, theirs)}
    assert by_account == {mine.pk: ["", ""], theirs.pk: ["大姚县人代会"] * 4}
    assert dict(patrol_services.heightened_days(w, w, cast["duty_officer"].county_id)) == {}
    # the other county cannot remove it, neither by the page (404) nor by the service
    assert login("duty_officer").post(f"/security/periods/{period.pk}/remove/").status_code == 404
    with pytest.raises(PermissionDenied):
        patrol_services.remove_period(cast["duty_officer"], period)
    assert "大姚县人代会" not in login("duty_officer").get("/security/periods/").content.decode()
    assert "大姚县人代会" in login("dy_duty").get("/security/periods/").content.decode()
    assert HeightenedPeriod.objects.filter(pk=period.pk).exists()


def test_r6_2_4_each_countys_period_raises_only_its_own_patrol_frequency(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    """R6.2-4: a period belongs to the county it was entered for (its own column): the current window, the
    heightened days of the roster and the periods page of the other county are those of normal times, and
    the period stays its county's when its author later moves."""
    w1, w2 = date(2026, 10, 13), date(2026, 10, 14)  # ordinary working days
    ya, dy_county = cast["duty_officer"].county_id, dy["dy_duty"].county_id
    mine = patrol_services.add_period(cast["duty_officer"], "姚安县党代会", w1, w1)
    theirs = patrol_services.add_period(dy["dy_secadmin"], "大姚县彝族火把节", w2, w2)
    assert (mine.county_id, theirs.county_id) == (ya, dy_county)
    ya_acc, dy_acc = accounts["edu"], dy["accounts"]["gov"]

    def due(account: Account, county: int, d: date) -> tuple[int, str]:
        window, pending = patrol_services.due_now([account], county, now=datetime.combine(d, time(9), TZ))
        assert window is not None and pending == [account]
        return (window.end - window.start).seconds // 3600, window.heightened

    assert due(ya_acc, ya, w1) == (4, "姚安县党代会")
    assert due(dy_acc, dy_county, w1) == (5, "")
    assert due(ya_acc, ya, w2) == (5, "")
    assert due(dy_acc, dy_county, w2) == (4, "大姚县彝族火把节")
    assert patrol_services.heightened_days(w1, w2, ya) == [(w1, "姚安县党代会")]
    assert patrol_services.heightened_days(w1, w2, dy_county) == [(w2, "大姚县彝族火把节")]
    days = {
        d["on"]: d["heightened"]
        for d in login("dy_duty").get("/security/roster/?month=2026-10").context["days"]
    }
    assert (days[w1], days[w2]) == ("", "大姚县彝族火把节")
    page = login("dy_duty").get("/security/periods/").content.decode()
    assert "大姚县彝族火把节" in page and "姚安县党代会" not in page

    # the author moves to the demo county: the period is still the neighbour's, and only the neighbour's
    User.objects.filter(pk=dy["dy_secadmin"].pk).update(unit=Unit.objects.get(name="姚安县电子政务中心"))
    assert patrol_services.heightened_days(w2, w2, ya) == []
    assert patrol_services.heightened_days(w2, w2, dy_county) == [(w2, "大姚县彝族火把节")]
    assert not can(cast["duty_officer"], "security.manage_periods", theirs)
    assert can(dy["dy_duty"], "security.manage_periods", theirs)
    assert login("duty_officer").post(f"/security/periods/{theirs.pk}/remove/").status_code == 404
    assert login("dy_duty").post(f"/security/periods/{theirs.pk}/remove/").status_code == 302
    assert not HeightenedPeriod.objects.filter(pk=theirs.pk).exists()
    assert HeightenedPeriod.objects.filter(pk=mine.pk).exists()


# --- duty roster (R6.2-2) ------------------------------------------------------------------------------


def test_r6_2_2_a_roster_names_only_people_of_one_county(cast: dict[str, User], dy: dict[str, Any]) -> None:
    first = date(2027, 5, 3)
    for people in ([cast["duty_officer"]], [dy["dy_duty"], cast["secadmin"]]):
        with pytest.raises(ValidationError):
            patrol_services.generate_roster(dy["dy_duty"], people, first, first)
    choices = set(RosterForm(county_id=dy["dy_duty"].county_id).fields["people"].queryset)  # type: ignore[attr-defined]
    assert choices == {dy["dy_center"], dy["dy_duty"], dy["dy_secadmin"]}
    assert not DutyShift.objects.filter(on=first).exists()
    shift = DutyShift.objects.filter(county=cast["duty_officer"].county_id).first()
    assert shift is not None
    with pytest.raises(ValidationError):  # a person of the other county
        patrol_services.reassign_shift(cast["duty_officer"], shift, dy["dy_duty"], "出差")
    assert DutyShift.objects.get(pk=shift.pk).user_id == shift.user_id


def test_r6_2_2_one_county_cannot_change_the_others_roster(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    first = date(2027, 6, 1)
    ya, dy_county = cast["duty_officer"].county_id, dy["dy_duty"].county_id
    patrol_services.generate_roster(
        cast["duty_officer"], [cast["duty_officer"]], first, first + timedelta(days=1)
    )
    a, b = DutyShift.objects.filter(county=ya, on__gte=first).order_by("on")[:2]
    # the neighbour rosters the same days for itself, even with `replace`, and leaves the demo county's alone
    n = patrol_services.generate_roster(
        dy["dy_duty"], [dy["dy_duty"]], first, first + timedelta(days=2), replace=True
    )
    assert n == 3
    assert DutyShift.objects.get(county=ya, on=first).user == cast["duty_officer"]
    assert DutyShift.objects.get(county=dy_county, on=first).user == dy["dy_duty"]
    assert DutyShift.objects.get(county=dy_county, on=first + timedelta(days=2)).user == dy["dy_duty"]
    with pytest.raises(PermissionDenied):
        patrol_services.reassign_shift(dy["dy_duty"], a, dy["dy_secadmin"], "调整")
    with pytest.raises(PermissionDenied):
        patrol_services.swap_shifts(dy["dy_duty"], a, b, "换班")
    client = login("dy_duty")
    response = client.post(f"/security/roster/{a.pk}/", {"user": dy["dy_secadmin"].pk, "reason": "调整"})
    assert response.status_code == 404
    page = client.get("/security/roster/?month=2027-6").content.decode()
    assert str(cast["duty_officer"]) not in page and str(dy["dy_duty"]) in page
    assert DutyShift.objects.get(pk=a.pk).user == cast["duty_officer"]
    mine, theirs = patrol_services.on_duty(first, dy_county), patrol_services.on_duty(first, ya)
    assert mine is not None and mine.user == dy["dy_duty"]
    assert theirs is not None and theirs.user == cast["duty_officer"]
    assert patrol_services.on_duty(first + timedelta(days=2), ya) is None


def test_r6_2_2_both_counties_roster_the_same_day_and_each_sees_and_edits_only_its_own(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    """R6.2-2: a day is on each county's roster at once (one person a day per county); each county's page,
    edits, swaps and regenerations change its own days only, by the service and by the page."""
    first = date(2035, 7, 2)
    days = [first + timedelta(days=i) for i in range(3)]
    ya, dy_county = cast["duty_officer"].county_id, dy["dy_duty"].county_id
    ya_people = [cast["duty_officer"], cast["secadmin"], cast["center"]]
    dy_people = [dy["dy_duty"], dy["dy_secadmin"], dy["dy_center"]]
    assert patrol_services.generate_roster(cast["secadmin"], ya_people, days[0], days[-1]) == 3
    assert patrol_services.generate_roster(dy["dy_secadmin"], dy_people, days[0], days[-1]) == 3

    def roster(county: int) -> list[str]:
        return [s.user.username for s in patrol_services.shifts_of(county).filter(on__in=days).order_by("on")]

    assert roster(ya) == ["duty_officer", "secadmin", "center"]
    assert roster(dy_county) == ["dy_duty", "dy_secadmin", "dy_center"]
    assert DutyShift.objects.filter(on=days[0]).count() == 2
    assert not DutyShift.objects.filter(county=ya, user__in=dy_people).exists()

    # each county's page shows its own person of the day, and lists only its own changes
    for username, own, other in (("dy_duty", dy_people, ya_people), ("duty_officer", ya_people, dy_people)):
        response = login(username).get("/security/roster/?month=2035-7")
        shown = {d["on"]: d["shift"] for d in response.context["days"] if d["shift"] is not None}
        assert [shown[d].user for d in days] == own
        page = response.content.decode()
        assert not [p for p in other if str(p) in page]

    # the neighbour's page edits and swaps its own day; the demo county's same days stay as they were
    theirs = {s.on: s for s in patrol_services.shifts_of(dy_county).filter(on__in=days)}
    client = login("dy_duty")
    r = client.post(f"/security/roster/{theirs[days[0]].pk}/", {"user": dy["dy_center"].pk, "reason": "出差"})
    assert r.status_code == 302
    r = client.post(
        f"/security/roster/{theirs[days[1]].pk}/",
        {"action": "swap", "other": days[2].isoformat(), "reason": "调休"},
    )
    assert r.status_code == 302
    assert roster(dy_county) == ["dy_center", "dy_center", "dy_secadmin"]
    assert roster(ya) == ["duty_officer", "secadmin", "center"]
    changes = login("duty_officer").get("/security/roster/?month=2035-7").context["changes"]
    assert not [c for c in changes if c.shift.county_id != ya]
    assert {c.reason for c in login("dy_duty").get("/security/roster/?month=2035-7").context["changes"]} == {
        "出差",
        "调休",
    }

    # a demo-county day of the same date is 404 to the neighbour, its own is not
    mine = patrol_services.on_duty(days[0], ya)
    assert mine is not None
    assert (
        client.post(f"/security/roster/{mine.pk}/", {"user": dy["dy_duty"].pk, "reason": "x"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        patrol_services.swap_shifts(dy["dy_duty"], theirs[days[0]], mine, "换班")

    # regenerating with `replace` rewrites the own county's days only
    assert (
        patrol_services.generate_roster(
            cast["duty_officer"], [cast["center"]], days[0], days[-1], replace=True
        )
        == 2
    )
    assert roster(ya) == ["center", "center", "center"]
    assert roster(dy_county) == ["dy_center", "dy_center", "dy_secadmin"]


def test_r6_2_2_a_shift_stays_with_its_county_when_the_person_moves(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    """R6.2-2: a day belongs to the roster it was put on (its own county column), not to whatever county its
    person is of later: it stays on that county's roster to be reassigned there, and the person's new
    county neither sees nor edits it."""
    day_ = date(2035, 8, 1)
    ya, dy_county = cast["duty_officer"].county_id, dy["dy_duty"].county_id
    patrol_services.generate_roster(dy["dy_duty"], [dy["dy_secadmin"]], day_, day_)
    shift = DutyShift.objects.get(county=dy_county, on=day_)
    User.objects.filter(pk=dy["dy_secadmin"].pk).update(unit=Unit.objects.get(name="姚安县电子政务中心"))
    assert patrol_services.on_duty(day_, ya) is None
    on = patrol_services.on_duty(day_, dy_county)
    assert on is not None and on.pk == shift.pk
    assert not can(cast["duty_officer"], "security.manage_roster", shift)
    assert can(dy["dy_duty"], "security.manage_roster", shift)
    patrol_services.reassign_shift(dy["dy_duty"], shift, dy["dy_center"], "调离")
    assert DutyShift.objects.get(pk=shift.pk).user == dy["dy_center"]


# --- incidents (R6.3-1) --------------------------------------------------------------------------------


def test_r6_3_1_incident_leaders_notified_are_of_the_accounts_county(
    cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    theirs = _leak(dy["dy_duty"], dy["accounts"]["town"])
    notified = set(Notice.objects.filter(incident=theirs).values_list("recipient__username", flat=True))
    assert {"dy_office_leader", "dy_county_leader", "dy_town_leader"} <= notified
    assert not notified & {"office_leader", "county_leader", "town_leader", "edu_leader"}
    mine = _leak(cast["duty_officer"], accounts["edu"])
    notified = set(Notice.objects.filter(incident=mine).values_list("recipient__username", flat=True))
    assert {"office_leader", "county_leader", "edu_leader"} <= notified
    assert not any(u.startswith("dy_") for u in notified)


def test_r6_3_1_incidents_are_opened_and_worked_only_in_ones_own_county(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    assert not can(dy["dy_duty"], "security.open_incident", accounts["edu"])
    assert not can(dy["dy_secadmin"], "security.open_incident", accounts["edu"])
    with pytest.raises(ValidationError):  # the other county's account is not even visible
        _leak(dy["dy_duty"], accounts["edu"])
    incident = _leak(cast["duty_officer"], accounts["edu"])
    step = incident.steps.order_by("order").first()
    assert step is not None
    for person in ("dy_duty", "dy_secadmin"):
        assert not can(dy[person], "security.work_incident", incident)
        with pytest.raises(PermissionDenied):
            incident_services.complete_step(dy[person], incident, step.pk)
        with pytest.raises(PermissionDenied):
            incident_services.add_note(dy[person], incident, "越权")
    client = login("dy_duty")
    assert client.get(f"/security/incidents/{incident.pk}/").status_code == 404
    assert client.post(f"/security/incidents/{incident.pk}/note/", {"text": "越权"}).status_code == 404
    assert Api(dy["dy_duty"]).get(f"/incidents/{incident.pk}").status_code == 404
    assert incident.events.filter(kind="note").count() == 0
    # the to-do lists: each county's duty officer is given its own open incidents only
    theirs = _leak(dy["dy_duty"], dy["accounts"]["gov"], "大姚县账号泄露")

    def todo(user: User) -> set[str]:
        return {i.title for i in items_for(user) if i.kind == "应急处置"}

    assert todo(dy["dy_duty"]) == {f"处置安全事件：{theirs.title}"}
    assert f"处置安全事件：{theirs.title}" not in todo(cast["duty_officer"])
    assert f"处置安全事件：{incident.title}" in todo(cast["duty_officer"])


# --- credentials (R6.1-5) ------------------------------------------------------------------------------


def test_r6_1_5_password_changes_and_rotation_tasks_stay_in_the_county(
    login: Any, cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    mine, theirs = accounts["town"], dy["accounts"]["town"]
    task = services.raise_rotation_task(mine, RotationTask.Reason.PERSONNEL, source="test:mine")
    other = services.raise_rotation_task(theirs, RotationTask.Reason.PERSONNEL, source="test:theirs")
    for person in ("dy_center", "dy_secadmin"):
        assert not can(dy[person], "security.change_password", mine)
        assert can(dy[person], "security.change_password", theirs)
        with pytest.raises(PermissionDenied):
            services.record_password_change(dy[person], mine, timezone.localdate())

    def rotation(user: User) -> set[str]:
        return {i.url for i in items_for(user) if i.kind == "密码更换"}

    mine_url, theirs_url = f"/security/accounts/{mine.pk}/", f"/security/accounts/{theirs.pk}/"
    for person in ("dy_center", "dy_secadmin"):
        assert theirs_url in rotation(dy[person]) and mine_url not in rotation(dy[person])
    for person in ("center", "secadmin"):
        assert mine_url in rotation(cast[person]) and theirs_url not in rotation(cast[person])
    for user in (cast["center"], cast["secadmin"], dy["dy_center"], dy["dy_secadmin"]):
        assert count_for(user) == len(items_for(user))  # the badge counts no task of the other county
    response = login("dy_center").post(
        f"/security/accounts/{mine.pk}/password/", {"changed_on": "2026-01-05"}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    other.refresh_from_db()
    assert task.status == other.status == RotationTask.Status.OPEN


# --- unit records and comments (R6.1-1, R6.1-3, R6.2-3) -----------------------------------------------


def test_r6_1_1_unit_records_only_for_units_of_ones_county(
    cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    demo_unit = Unit.objects.get(name="栋川镇")
    drill = {"on": timezone.localdate(), "scenario": "账号被盗", "participants": "张三"}
    for person in ("dy_center", "dy_secadmin"):
        assert not can(dy[person], "security.unit_records", demo_unit)
        assert not can(dy[person], "security.unit_records", demo_unit.pk)
        assert can(dy[person], "security.unit_records", dy["units"]["town"])
        with pytest.raises(PermissionDenied):
            record_services.record_drill(dy[person], demo_unit, drill)
        choices = set(DrillForm(user=dy[person]).fields["unit"].queryset)  # type: ignore[attr-defined]
        assert choices == set(dy["units"].values())
    assert not can(cast["secadmin"], "security.unit_records", dy["units"]["town"])
    assert (
        record_services.record_drill(dy["dy_secadmin"], dy["units"]["town"], drill).unit
        == dy["units"]["town"]
    )


def test_r6_2_3_comments_are_registered_only_on_the_countys_accounts(
    cast: dict[str, User], accounts: dict[str, Account], dy: dict[str, Any]
) -> None:
    data = {
        "commenter_id": "u1",
        "content": "辱骂",
        "commented_at": timezone.now() - timedelta(hours=1),
        "dispositions": ["deleted"],
    }
    for person in ("dy_duty", "dy_secadmin", "dy_center"):
        assert not can(dy[person], "security.record_comment", accounts["edu"])
        with pytest.raises(PermissionDenied):
            record_services.register_comment(dy[person], accounts["edu"], data, png())
    assert can(cast["duty_officer"], "security.record_comment", accounts["edu"])
    assert not can(cast["duty_officer"], "security.record_comment", dy["accounts"]["gov"])


# --- sign-in watch and second factors (R6.1-4) ----------------------------------------------------------


def test_r6_1_4_signins_and_devices_are_watched_per_county(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    SignInRecord.objects.create(user=cast["edu_admin"], username="edu_admin", success=True, ip="10.1.1.1")
    SignInRecord.objects.create(user=None, username="town_admin", success=False, ip="10.1.1.2")
    SignInRecord.objects.create(
        user=dy["dy_town_admin"], username="dy_town_admin", success=True, ip="10.2.2.1"
    )
    SignInRecord.objects.create(user=None, username="dy_town_leader", success=False, ip="10.2.2.2")
    page = login("dy_secadmin").get("/security/signins/").content.decode()
    assert "10.2.2.1" in page and "10.2.2.2" in page
    assert "10.1.1.1" not in page and "10.1.1.2" not in page
    page = login("secadmin").get("/security/signins/").content.decode()
    assert "10.1.1.1" in page and "10.1.1.2" in page and "10.2.2" not in page
    device = KnownDevice.objects.create(user=cast["edu_admin"], device_id="d" * 32, user_agent="演示浏览器甲")
    theirs = KnownDevice.objects.create(
        user=dy["dy_town_admin"], device_id="e" * 32, user_agent="大姚浏览器乙"
    )
    networks = login("dy_secadmin").get("/security/networks/").content.decode()
    assert "大姚浏览器乙" in networks and "演示浏览器甲" not in networks
    assert login("dy_secadmin").post(f"/security/devices/{device.pk}/approve/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.approve_device(dy["dy_secadmin"], device)
    assert not KnownDevice.objects.get(pk=device.pk).approved
    services.approve_device(dy["dy_secadmin"], theirs)
    assert KnownDevice.objects.get(pk=theirs.pk).approved


def test_r6_1_4_second_factors_are_reset_only_in_ones_county(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    TOTPDevice.objects.create(user=cast["office_leader"], name="身份验证器", confirmed=True)
    TOTPDevice.objects.create(user=dy["dy_office_leader"], name="身份验证器", confirmed=True)
    assert not can(dy["dy_secadmin"], "security.reset_two_factor", cast["office_leader"])
    with pytest.raises(PermissionDenied):
        twofactor.reset(dy["dy_secadmin"], cast["office_leader"])
    client = login("dy_secadmin")
    assert client.post(f"/security/two-factor/{cast['office_leader'].pk}/reset/").status_code == 404
    assert twofactor.enrolled(cast["office_leader"])
    page = client.get("/security/two-factor/").content.decode()
    assert str(dy["dy_office_leader"]) in page and str(cast["office_leader"]) not in page
    twofactor.reset(dy["dy_secadmin"], dy["dy_office_leader"])
    assert not twofactor.enrolled(dy["dy_office_leader"])


# --- migration 0004: the roster's and the periods' county columns are filled -----------------------------


def test_r6_2_2_r6_2_4_migration_fills_the_county_of_shifts_and_periods(
    cast: dict[str, User], dy: dict[str, Any]
) -> None:
    """R6.2-2, R6.2-4, migration 0004: a shift becomes the county's of its person on duty, a period its
    author's county's; a person without a unit, or no author, falls to the county of the lowest-id unit.
    Nothing is deleted."""
    ya, dy_county = cast["duty_officer"].county_id, dy["dy_duty"].county_id
    first_county = Unit.objects.order_by("pk").values_list("county", flat=True).first()
    loose = User.objects.create(username="no_unit_duty", full_name="无单位")
    # rows as the old columns left them: the county deliberately wrong, to be recomputed
    d = date(2035, 9, 3)
    ya_shift = DutyShift.objects.create(county_id=dy_county, on=d, user=cast["duty_officer"])
    # (one shift a day, as the old instance-wide unique day left them)
    dy_shift = DutyShift.objects.create(county_id=ya, on=d + timedelta(days=1), user=dy["dy_duty"])
    loose_shift = DutyShift.objects.create(county_id=dy_county, on=d + timedelta(days=2), user=loose)
    ya_period = HeightenedPeriod.objects.create(
        county_id=dy_county, name="甲", start=d, end=d, created_by=cast["secadmin"]
    )
    dy_period = HeightenedPeriod.objects.create(
        county_id=ya, name="乙", start=d, end=d, created_by=dy["dy_duty"]
    )
    orphan = HeightenedPeriod.objects.create(county_id=dy_county, name="丙", start=d, end=d, created_by=None)
    loose_period = HeightenedPeriod.objects.create(
        county_id=dy_county, name="丁", start=d, end=d, created_by=loose
    )
    counts = DutyShift.objects.count(), HeightenedPeriod.objects.count()
    import_module("govmedia.security.migrations.0004_shift_and_period_county").fill(apps, None)
    assert (DutyShift.objects.count(), HeightenedPeriod.objects.count()) == counts

    def county(model: Any, row: Any) -> int:
        return int(model.objects.values_list("county", flat=True).get(pk=row.pk))

    assert [county(DutyShift, s) for s in (ya_shift, dy_shift, loose_shift)] == [ya, dy_county, first_county]
    assert [county(HeightenedPeriod, p) for p in (ya_period, dy_period, orphan, loose_period)] == [
        ya,
        dy_county,
        first_county,
        first_county,
    ]
    # every other shift of the demo roster is its people's county's, as before
    assert not DutyShift.objects.exclude(county=F("user__unit__county")).exclude(user=loose).exists()
