"""Who may do what in the security records (chapter 6). Registered with `@rule`; services call `require`.

duty_officer works patrols and incidents county-wide; secadmin manages the sign-in watch, office networks
and the settings; a unit's administrator records its own unit's patrols, trainings, drills, password
changes and comments; the centre's staff act for the county's accounts. "County-wide" is always the acting
person's own county: nobody acts on another county's accounts, units, people, incidents or roster.

The security policy, the two-factor switch and the office networks are one set for the whole instance
(`security.manage_settings`): they carry no county."""

from __future__ import annotations

from typing import Any

from govmedia.org.models import Unit, in_own_county, same_county, speaks_for
from govmedia.org.permissions import rule


def _own_unit(user: Any, unit_id: int | None) -> bool:
    return user.has_role("unit_admin") and unit_id is not None and user.unit_id == unit_id


def _unit_of(unit: Any) -> Unit | None:
    """A unit given as a Unit or as its id."""
    if unit is None or isinstance(unit, Unit):
        return unit
    return Unit.objects.filter(pk=unit).only("id", "kind", "county").first()


def _centre_for(user: Any, unit: Unit | None) -> bool:
    """The centre's staff act for every unit of their own county (from a county-level unit)."""
    return unit is not None and bool(user.has_role("center_staff")) and speaks_for(user.unit, unit)


def _county_role(user: Any, unit: Unit | None, *roles: str) -> bool:
    """A county-wide role, exercised on a unit of the holder's own county."""
    return bool(user.has_role(*roles) and same_county(user, unit))


def incident_county(incident: Any) -> int | None:
    """An incident belongs to the county of the person who opened it (as `IncidentQuerySet.visible_to`)."""
    return incident.opened_by.county_id


@rule("security.watch_signins")
def _watch_signins(user: Any, person: Any) -> bool:
    """The sign-in watch; with a person, that person's sign-ins and devices (their county's only)."""
    if not user.has_role("secadmin", "sysadmin"):
        return False
    return person is None or in_own_county(user, person.county_id)


@rule("security.approve_device")
def _approve_device(user: Any, device: Any) -> bool:
    """The security administrator confirms a device of a person of their county."""
    return bool(user.has_role("secadmin")) and in_own_county(user, device.user.county_id)


@rule("security.manage_settings")
def _manage_settings(user: Any, obj: Any) -> bool:
    """Office networks, rotation period, patrol policy, the two-factor switch (instance-wide)."""
    return bool(user.has_role("secadmin"))


def _roster_role(user: Any) -> bool:
    unit = user.unit
    return bool(
        user.has_role("duty_officer", "secadmin")
        or (user.has_role("center_staff") and unit is not None and unit.is_county_level)
    )


@rule("security.manage_roster")
def _manage_roster(user: Any, shift: Any) -> bool:
    """The county's roster; with a shift, one of the county's own days."""
    if not _roster_role(user) or user.county_id is None:
        return False
    return shift is None or in_own_county(user, shift.county_id)


@rule("security.manage_periods")
def _manage_periods(user: Any, period: Any) -> bool:
    """Important meetings and events (heightened monitoring) of the person's county."""
    if not user.has_role("duty_officer", "secadmin", "center_staff") or user.county_id is None:
        return False
    return period is None or in_own_county(user, period.county_id)


@rule("security.patrol")
def _patrol(user: Any, account: Any) -> bool:
    return bool(_county_role(user, account.unit, "duty_officer") or _own_unit(user, account.unit_id))


@rule("security.open_incident")
def _open_incident(user: Any, account: Any) -> bool:
    """Report an incident on an account: the county's duty officer, a unit on its own account."""
    return bool(
        _county_role(user, account.unit, "duty_officer", "secadmin") or _own_unit(user, account.unit_id)
    )


@rule("security.work_incident")
def _work_incident(user: Any, incident: Any) -> bool:
    return bool(user.has_role("duty_officer", "secadmin")) and in_own_county(user, incident_county(incident))


@rule("security.change_password")
def _change_password(user: Any, account: Any) -> bool:
    """Record a platform password change: the unit's administrator, the account's security officer, the
    centre for every account of its county (it coordinates leaks), the county's security administrator."""
    return bool(
        _own_unit(user, account.unit_id)
        or account.security_officer_id == user.pk
        or _county_role(user, account.unit, "secadmin")
        or _centre_for(user, account.unit)
    )


@rule("security.unit_records")
def _unit_records(user: Any, unit: Any) -> bool:
    """Trainings, drills and emergency plans of a unit."""
    unit_id = getattr(unit, "pk", unit)
    if _own_unit(user, unit_id):
        return True
    found = user.unit if unit_id is not None and unit_id == user.unit_id else _unit_of(unit)
    return bool(_county_role(user, found, "secadmin") or _centre_for(user, found))


@rule("security.record_comment")
def _record_comment(user: Any, account: Any) -> bool:
    return bool(
        _county_role(user, account.unit, "duty_officer", "secadmin")
        or _own_unit(user, account.unit_id)
        or _centre_for(user, account.unit)
    )
