"""Who may do what in the security records (chapter 6). Registered with `@rule`; services call `require`.

duty_officer works patrols and incidents county-wide; secadmin manages the sign-in watch, office networks
and the county's settings; a unit's administrator records its own unit's patrols, trainings, drills,
password changes and comments; the centre's staff act for the county's accounts."""

from __future__ import annotations

from typing import Any

from govmedia.org.permissions import rule


def _own_unit(user: Any, unit_id: int | None) -> bool:
    return user.has_role("unit_admin") and unit_id is not None and user.unit_id == unit_id


def _county_unit(user: Any) -> bool:
    unit = user.unit
    return bool(unit and unit.is_county_level)


@rule("security.watch_signins")
def _watch_signins(user: Any, obj: Any) -> bool:
    return bool(user.has_role("secadmin", "sysadmin"))


@rule("security.manage_settings")
def _manage_settings(user: Any, obj: Any) -> bool:
    """Office networks, rotation period, patrol policy."""
    return bool(user.has_role("secadmin"))


@rule("security.manage_roster")
def _manage_roster(user: Any, obj: Any) -> bool:
    return bool(
        user.has_role("duty_officer", "secadmin") or (user.has_role("center_staff") and _county_unit(user))
    )


@rule("security.manage_periods")
def _manage_periods(user: Any, obj: Any) -> bool:
    """Important meetings and events (heightened monitoring)."""
    return bool(user.has_role("duty_officer", "secadmin", "center_staff"))


@rule("security.patrol")
def _patrol(user: Any, account: Any) -> bool:
    return bool(user.has_role("duty_officer") or _own_unit(user, account.unit_id))


@rule("security.open_incident")
def _open_incident(user: Any, account: Any) -> bool:
    """Report an incident on an account: the duty officer anywhere, a unit on its own account."""
    return bool(user.has_role("duty_officer", "secadmin") or _own_unit(user, account.unit_id))


@rule("security.work_incident")
def _work_incident(user: Any, incident: Any) -> bool:
    return bool(user.has_role("duty_officer", "secadmin"))


@rule("security.change_password")
def _change_password(user: Any, account: Any) -> bool:
    """Record a platform password change: the unit's administrator, the account's security officer, the
    centre for every account (it coordinates leaks), the security administrator."""
    return bool(
        _own_unit(user, account.unit_id)
        or account.security_officer_id == user.pk
        or user.has_role("secadmin")
        or (user.has_role("center_staff") and _county_unit(user))
    )


@rule("security.unit_records")
def _unit_records(user: Any, unit: Any) -> bool:
    """Trainings, drills and emergency plans of a unit."""
    unit_id = getattr(unit, "pk", unit)
    return bool(
        _own_unit(user, unit_id)
        or user.has_role("secadmin")
        or (user.has_role("center_staff") and _county_unit(user))
    )


@rule("security.record_comment")
def _record_comment(user: Any, account: Any) -> bool:
    return bool(
        user.has_role("duty_officer", "secadmin")
        or _own_unit(user, account.unit_id)
        or (user.has_role("center_staff") and _county_unit(user))
    )
