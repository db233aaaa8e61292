"""Who may manage a unit's group robots and see the delivery log (B-7)."""

from __future__ import annotations

from typing import Any

from govmedia.org.permissions import rule


@rule("notifications.manage_webhooks")
def _manage_webhooks(user: Any, unit: Any) -> bool:
    """The system administrator and the centre for every unit; a unit's administrator for its own."""
    if user.has_role("sysadmin"):
        return True
    if user.has_role("center_staff") and user.unit is not None and user.unit.is_county_level:
        return True
    return bool(
        unit is not None and user.has_role("unit_admin") and user.unit_id == getattr(unit, "pk", unit)
    )


@rule("notifications.view_deliveries")
def _view_deliveries(user: Any, obj: Any) -> bool:
    return bool(user.has_role("sysadmin", "center_staff", "unit_admin", "secadmin"))
