"""Who may manage a unit's group robots and see the delivery log (B-7)."""

from __future__ import annotations

from typing import Any

from govmedia.org.models import Unit, same_county
from govmedia.org.permissions import rule


def manages_county_robots(user: Any) -> bool:
    """The system administrator and the centre manage the robots of every unit of their county."""
    if user.unit is None:
        return False
    return bool(user.has_role("sysadmin") or (user.has_role("center_staff") and user.unit.is_county_level))


@rule("notifications.manage_webhooks")
def _manage_webhooks(user: Any, unit: Any) -> bool:
    """The system administrator and the centre for every unit of their county (`unit` None: for their
    county's units in general); a unit's administrator for its own."""
    if unit is not None and not isinstance(unit, Unit):
        unit = Unit.objects.filter(pk=unit).first()
        if unit is None:
            return False
    if manages_county_robots(user) and (unit is None or same_county(user, unit)):
        return True
    return bool(unit is not None and user.has_role("unit_admin") and user.unit_id == unit.pk)


@rule("notifications.view_deliveries")
def _view_deliveries(user: Any, obj: Any) -> bool:
    return bool(user.has_role("sysadmin", "center_staff", "unit_admin", "secadmin"))
