"""Security services."""

from typing import Any

from django.db import transaction

from govmedia.audit.services import client_ip, record

from .models import KnownDevice, SignInRecord

DEVICE_COOKIE = "gm_device"


def record_sign_in(request: Any, *, user: Any, username: str, success: bool) -> SignInRecord:
    """Record a sign-in or a failure; flag the first sign-in from a device (R6.1-4)."""
    device_id = getattr(request, "device_id", "") or request.COOKIES.get(DEVICE_COOKIE, "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    with transaction.atomic():
        new_device = False
        if success and user is not None:
            _, new_device = KnownDevice.objects.get_or_create(
                user=user, device_id=device_id, defaults={"user_agent": agent}
            )
        entry = SignInRecord.objects.create(
            user=user,
            username=username,
            success=success,
            ip=client_ip(request),
            user_agent=agent,
            device_id=device_id,
            new_device=new_device,
        )
        record(
            "auth.sign_in" if success else "auth.sign_in_failed",
            actor=user,
            obj=user,
            after={"username": username, "new_device": new_device, "user_agent": agent},
            request=request,
            success=success,
        )
    return entry
