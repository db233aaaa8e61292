"""Who may do what with platform connections."""

from typing import Any

from govmedia.org.permissions import rule


@rule("platforms.manage_credentials")
def _manage_credentials(user: Any, account: Any = None) -> bool:
    """Enter API credentials: the system administrator, the centre, or the account's own administrator."""
    if user.has_role("sysadmin", "center_staff"):
        return True
    return bool(account is not None and user.has_role("unit_admin") and account.unit_id == user.unit_id)


@rule("platforms.view_deliveries")
def _view_deliveries(user: Any, obj: Any = None) -> bool:
    return bool(user.has_role("sysadmin", "secadmin", "center_staff", "duty_officer", "auditor"))
