"""Duty roster, heightened periods and patrols (R6.2-2, R6.2-4): every change goes through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.calendar.services import day_info
from govmedia.org.models import Unit, User
from govmedia.org.permissions import can, require
from govmedia.registry.models import Account, AccountStatus

from . import uploads
from .models import DutyChange, DutyShift, HeightenedPeriod, MissedPatrol, Patrol
from .patrols import Period, Window, current_window, heightened_name, missed, windows_between
from .services import patrol_policy

CHECKS = (
    "front_content_ok",
    "front_comments_ok",
    "back_operators_ok",
    "back_signins_ok",
    "back_interfaces_ok",
)
MAX_ROSTER_DAYS = 366
MAX_SCREENSHOTS = 6
SWEEP_LOOKBACK_DAYS = 7


def _day_kind(d: date) -> tuple[str, str | None]:
    info = day_info(d)
    return info.kind, info.holiday


def _tz() -> Any:
    return timezone.get_current_timezone()


# --- roster --------------------------------------------------------------------------------------------


# Each county keeps its own roster (`DutyShift.county`, one person a day per county): a county sees and
# manages only its own days and names only its own people. Another county's roster of the same days is
# none of its business.


def duty_candidates(county_id: int | None) -> Any:
    """People who may be put on a county's roster: its duty officers, security administrators and centre
    staff."""
    if county_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        roles__role__in=["duty_officer", "secadmin", "center_staff"],
        unit__county=county_id,
    ).distinct()


def shifts_of(county_id: int | None) -> Any:
    """The days of a county's roster."""
    return DutyShift.objects.filter(county=county_id) if county_id else DutyShift.objects.none()


def _refuse_other_county(actor: Any, shift: DutyShift) -> None:
    if not can(actor, "security.manage_roster", shift):
        raise PermissionDenied("您没有执行此操作的权限。")


def generate_roster(
    actor: Any,
    people: Sequence[User],
    first: date,
    last: date,
    workdays_only: bool = False,
    replace: bool = False,
    request: Any = None,
) -> int:
    """轮流值班: assign the days from `first` to `last` of the actor's county's roster to `people` (all of
    that county) in turn. Days already on the county's roster are kept unless `replace`; other counties'
    rosters are untouched. Returns the number of days assigned."""
    require(actor, "security.manage_roster")
    errors: dict[str, list[str]] = {}
    if not people:
        errors["people"] = ["请选择值班人员"]
    elif len({p.pk for p in people}) != len(people):
        errors["people"] = ["值班人员不能重复"]
    elif not set(
        duty_candidates(actor.county_id).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    ) >= {p.pk for p in people}:
        errors["people"] = ["值班人员须为本县（市、区）的安全值班员、安全管理员或电子政务中心工作人员"]
    if not isinstance(first, date) or not isinstance(last, date):
        errors["first"] = ["请填写开始和结束日期"]
    elif last < first:
        errors["last"] = ["结束日期不能早于开始日期"]
    elif (last - first).days >= MAX_ROSTER_DAYS:
        errors["last"] = ["一次最多排一年"]
    if errors:
        raise ValidationError(errors)
    county = actor.county_id
    assigned = 0
    with transaction.atomic():
        existing = {
            s.on: s
            for s in shifts_of(county)
            .select_for_update(of=("self",))
            .select_related("user")
            .filter(on__gte=first, on__lte=last)
        }
        turn = 0
        d = first
        while d <= last:
            if workdays_only and not day_info(d).workday:
                d += timedelta(days=1)
                continue
            person = people[turn % len(people)]
            turn += 1
            shift = existing.get(d)
            if shift is None:
                shift = DutyShift.objects.create(county_id=county, on=d, user=person)
                DutyChange.objects.create(shift=shift, kind=DutyChange.Kind.GENERATED, after=person, by=actor)
                assigned += 1
            elif replace and shift.user_id != person.pk:
                before = shift.user
                shift.user = person
                shift.save(update_fields=["user"])
                DutyChange.objects.create(
                    shift=shift,
                    kind=DutyChange.Kind.GENERATED,
                    before=before,
                    after=person,
                    by=actor,
                    reason="重新排班",
                )
                assigned += 1
            d += timedelta(days=1)
        record(
            "security.roster_generated",
            actor=actor,
            request=request,
            after={
                "county": county,
                "first": first,
                "last": last,
                "people": [p.pk for p in people],
                "assigned": assigned,
                "workdays_only": workdays_only,
                "replace": replace,
            },
        )
    return assigned


def reassign_shift(actor: Any, shift: DutyShift, person: User, reason: str, request: Any = None) -> DutyShift:
    require(actor, "security.manage_roster")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写调整原因"]})
    if len(reason) > 200:
        raise ValidationError({"reason": ["原因不能超过200字"]})
    if not duty_candidates(actor.county_id).filter(pk=person.pk).exists():
        raise ValidationError(
            {"user": ["值班人员须为本县（市、区）的安全值班员、安全管理员或电子政务中心工作人员"]}
        )
    with transaction.atomic():
        locked = DutyShift.objects.select_for_update(of=("self",)).select_related("user").get(pk=shift.pk)
        _refuse_other_county(actor, locked)
        if locked.user_id == person.pk:
            raise ValidationError({"user": ["值班人员没有变化"]})
        before = locked.user
        locked.user = person
        locked.save(update_fields=["user"])
        DutyChange.objects.create(
            shift=locked, kind=DutyChange.Kind.EDITED, before=before, after=person, by=actor, reason=reason
        )
        record(
            "security.shift_edited",
            actor=actor,
            obj=locked,
            request=request,
            before={"user": before.pk},
            after={"user": person.pk, "on": locked.on, "reason": reason},
        )
    return locked


def swap_shifts(actor: Any, a: DutyShift, b: DutyShift, reason: str, request: Any = None) -> None:
    """换班: two days exchange their people; both sides are recorded."""
    require(actor, "security.manage_roster")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写换班原因"]})
    if len(reason) > 200:
        raise ValidationError({"reason": ["原因不能超过200字"]})
    if a.pk == b.pk:
        raise ValidationError({"other": ["请选择另一天"]})
    with transaction.atomic():
        first, second = (
            DutyShift.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk__in=[a.pk, b.pk])
            .order_by("on")
        )
        _refuse_other_county(actor, first)
        _refuse_other_county(actor, second)
        if first.user_id == second.user_id:
            raise ValidationError({"other": ["两天为同一人值班，无需换班"]})
        pa, pb = first.user, second.user
        first.user, second.user = pb, pa
        first.save(update_fields=["user"])
        second.save(update_fields=["user"])
        for shift, before, after in ((first, pa, pb), (second, pb, pa)):
            DutyChange.objects.create(
                shift=shift, kind=DutyChange.Kind.SWAPPED, before=before, after=after, by=actor, reason=reason
            )
        record(
            "security.shifts_swapped",
            actor=actor,
            obj=first,
            request=request,
            after={"days": [first.on, second.on], "people": [pb.pk, pa.pk], "reason": reason},
        )


def on_duty(d: date, county_id: int | None) -> DutyShift | None:
    """Who is on duty on a day in a county (None when the day is not on the county's roster)."""
    return shifts_of(county_id).select_related("user").filter(on=d).first()


# --- heightened periods --------------------------------------------------------------------------------


# A heightened period is a county's own meeting or event (`HeightenedPeriod.county`, the county of the person
# who entered it): it raises the patrol frequency of that county's accounts only. National holidays, which
# every county shares, come from the working-day engine.


def add_period(actor: Any, name: str, start: date, end: date, request: Any = None) -> HeightenedPeriod:
    require(actor, "security.manage_periods")
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["请填写会议或活动名称"]
    elif len(name) > 100:
        errors["name"] = ["名称不能超过100字"]
    if not isinstance(start, date) or not isinstance(end, date):
        errors["start"] = ["请填写开始和结束日期"]
    elif end < start:
        errors["end"] = ["结束日期不能早于开始日期"]
    elif (end - start).days > 60:
        errors["end"] = ["一个加强监测期不能超过60天"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = HeightenedPeriod.objects.create(
            county_id=actor.county_id, name=name, start=start, end=end, created_by=actor
        )
        record(
            "security.period_added",
            actor=actor,
            obj=row,
            after={"county": actor.county_id, "name": name, "start": start, "end": end},
            request=request,
        )
    return row


def remove_period(actor: Any, period: HeightenedPeriod, request: Any = None) -> None:
    require(actor, "security.manage_periods", period)
    with transaction.atomic():
        record(
            "security.period_removed",
            actor=actor,
            obj=period,
            before={"name": period.name, "start": period.start, "end": period.end},
            request=request,
        )
        period.delete()


def periods_of(county_id: int | None) -> Any:
    """A county's heightened periods (its meetings and events)."""
    return HeightenedPeriod.objects.filter(county=county_id) if county_id else HeightenedPeriod.objects.none()


def _period_rows(first: date, last: date, counties: Iterable[int | None]) -> list[tuple[int, Period]]:
    """The periods of the counties overlapping the dates, each with its county; one query."""
    wanted = {c for c in counties if c is not None}
    if not wanted:
        return []
    return [
        (county, Period(name, start, end))
        for name, start, end, county in HeightenedPeriod.objects.filter(
            county__in=wanted, start__lte=last, end__gte=first
        )
        .order_by("start", "id")
        .values_list("name", "start", "end", "county")
    ]


def _for_county(rows: list[tuple[int, Period]], county_id: int | None) -> list[Period]:
    return [p for county, p in rows if county == county_id]


def periods_between(first: date, last: date, county_id: int | None) -> list[Period]:
    return _for_county(_period_rows(first, last, [county_id]), county_id)


def _counties(accounts: Sequence[Account]) -> dict[int, int]:
    """The county of each account's unit (one query)."""
    by_unit = dict(Unit.objects.filter(pk__in={a.unit_id for a in accounts}).values_list("pk", "county_id"))
    return {a.pk: by_unit[a.unit_id] for a in accounts}


def heightened_days(first: date, last: date, county_id: int | None) -> list[tuple[date, str]]:
    """Every heightened day of a county between two dates with the name of its period (holidays
    included)."""
    periods = periods_between(first, last, county_id)
    out = []
    d = first
    while d <= last:
        kind, holiday = _day_kind(d)
        if name := heightened_name(d, kind, holiday, periods):
            out.append((d, name))
        d += timedelta(days=1)
    return out


# --- patrols -------------------------------------------------------------------------------------------


def record_patrol(
    actor: Any, account: Account, data: dict[str, Any], screenshots: Sequence[Any] = (), request: Any = None
) -> Patrol:
    """A patrol of an account's front and back end, timed by the server (R6.2-2). Any failed check makes
    it an anomaly, and an anomaly needs a description."""
    require(actor, "security.patrol", account)
    errors: dict[str, list[str]] = {}
    checks = {}
    for key in CHECKS:
        value = data.get(key)
        if not isinstance(value, bool):
            errors[key] = ["请选择是否正常"]
        checks[key] = value
    notes = str(data.get("notes") or "").strip()
    result = data.get("result") or ""
    if result not in Patrol.Result.values:
        errors["result"] = ["巡查结果应为正常或异常"]
    elif result == Patrol.Result.NORMAL and not errors and not all(checks.values()):
        errors["result"] = ["有检查项不正常时，巡查结果应为异常"]
    if result == Patrol.Result.ANOMALY and not notes:
        errors["notes"] = ["发现异常时须填写情况说明"]
    if len(notes) > 5000:
        errors["notes"] = ["情况说明不能超过5000字"]
    if account.status != AccountStatus.OPERATING:
        errors["account"] = ["只能巡查运营中的账号"]
    if len(screenshots) > MAX_SCREENSHOTS:
        errors["screenshots"] = [f"截图最多{MAX_SCREENSHOTS}张"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    today = timezone.localdate()
    kind, holiday = _day_kind(today)
    county_id = _counties([account])[account.pk]
    heightened = heightened_name(today, kind, holiday, periods_between(today, today, county_id))
    with uploads.batch() as files, transaction.atomic():
        stored = [files.store(s, "image", actor, "screenshots") for s in screenshots]
        patrol = Patrol.objects.create(
            account=account, at=now, by=actor, result=result, notes=notes, heightened=heightened, **checks
        )
        if stored:
            patrol.screenshots.set(stored)
        record(
            "security.patrol_recorded",
            actor=actor,
            obj=patrol,
            request=request,
            after={
                "account": account.pk,
                "result": result,
                **checks,
                "heightened": heightened,
                "screenshots": [s.sha256 for s in stored],
            },
        )
    return patrol


def missed_between(
    accounts: Sequence[Account], first: date, last: date, now: datetime | None = None
) -> list[tuple[Account, Window]]:
    """Patrol windows from `first` to `last` that ended with no patrol of the account (R6.2-4); each
    account's windows follow its own county's heightened periods. A fixed number of queries whatever the
    number of accounts and counties."""
    now = now or timezone.now()
    if not accounts:
        return []
    tz = _tz()
    policy = patrol_policy()
    counties = _counties(accounts)
    rows = _period_rows(first, last, counties.values())
    windows_of = {
        county: windows_between(first, last, _day_kind, _for_county(rows, county), policy, tz)
        for county in set(counties.values())
    }
    starts = [ws[0].start for ws in windows_of.values() if ws]
    if not starts:
        return []
    ends = [ws[-1].end for ws in windows_of.values() if ws]
    times: dict[int, list[datetime]] = defaultdict(list)
    for account_id, at in (
        Patrol.objects.filter(account__in=accounts, at__gte=min(starts), at__lt=max(ends))
        .order_by("at")
        .values_list("account_id", "at")
    ):
        times[account_id].append(at)
    # An account is owed patrols only from the moment it was entered in the register.
    out = [
        (a, w)
        for a in accounts
        for w in missed(windows_of[counties[a.pk]], times.get(a.pk, []), now)
        if w.end > a.created_at
    ]
    out.sort(key=lambda pair: (pair[1].start, pair[0].pk))
    return out


def due_now(
    accounts: Sequence[Account], county_id: int | None, now: datetime | None = None
) -> tuple[Window | None, list[Account]]:
    """The current patrol window of a county and those of its accounts not yet patrolled in it."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    window = current_window(now, _day_kind, periods_between(today, today, county_id), patrol_policy(), _tz())
    if window is None:
        return None, []
    done = set(
        Patrol.objects.filter(account__in=accounts, at__gte=window.start, at__lt=window.end).values_list(
            "account_id", flat=True
        )
    )
    return window, [a for a in accounts if a.pk not in done]


def sweep_missed_patrols(now: datetime | None = None) -> int:
    """Flag the windows of the last days that ended without a patrol; idempotent (one row per window)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    accounts = list(Account.objects.filter(status=AccountStatus.OPERATING))
    found = missed_between(accounts, today - timedelta(days=SWEEP_LOOKBACK_DAYS), today, now)
    if not found:
        return 0
    known = set(
        MissedPatrol.objects.filter(window_start__gte=found[0][1].start).values_list(
            "account_id", "window_start"
        )
    )
    rows = [
        MissedPatrol(account=a, window_start=w.start, window_end=w.end, heightened=w.heightened)
        for a, w in found
        if (a.pk, w.start) not in known
    ]
    if not rows:
        return 0
    with transaction.atomic():
        MissedPatrol.objects.bulk_create(rows, ignore_conflicts=True)
        record(
            "security.patrols_missed",
            after={"count": len(rows), "heightened": sum(1 for r in rows if r.heightened)},
        )
    return len(rows)
