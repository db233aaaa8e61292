"""Who may do what with platform connections: always on accounts of the person's own county."""

from typing import Any

from govmedia.org.models import same_county
from govmedia.org.permissions import rule


@rule("platforms.manage_credentials")
def _manage_credentials(user: Any, account: Any = None) -> bool:
    """Enter API credentials: the system administrator or the centre for an account of their county, or the
    account's own administrator."""
    if account is None:
        return False
    if user.has_role("sysadmin", "center_staff") and same_county(user, account.unit):
        return True
    return bool(user.has_role("unit_admin") and account.unit_id == user.unit_id)


@rule("platforms.view_deliveries")
def _view_deliveries(user: Any, obj: Any = None) -> bool:
    """The list of platform tasks (of the person's own county's accounts)."""
    return bool(user.has_role("sysadmin", "secadmin", "center_staff", "duty_officer", "auditor"))
