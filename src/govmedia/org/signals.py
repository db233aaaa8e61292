"""Sign-in records: every sign-in and failure, with time, IP and user agent (R6.1-4)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from govmedia.security.services import record_sign_in
    from govmedia.security.twofactor import next_step

    record_sign_in(request, user=user, username=user.get_username(), success=True)
    if request is not None and hasattr(request, "session"):
        next_step(request, user)  # settles now whether this session needs a second factor


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from govmedia.security.services import record_sign_in

    if request is not None:
        record_sign_in(request, user=None, username=str(credentials.get("username", ""))[:150], success=False)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from govmedia.audit.services import record

    if user is not None:
        record("auth.sign_out", actor=user, obj=user, request=request)
