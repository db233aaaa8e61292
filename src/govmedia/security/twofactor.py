"""Two-factor sign-in (TOTP with recovery codes, django-otp) for the roles that decide or administer.

Leaders and the three administrators must use it when the county's policy says so; anyone else may. A
person enrols by scanning a QR code and confirming one code, and receives ten single-use recovery codes.
The security administrator can reset another person's second factor; every step is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmedia.audit.services import record
from govmedia.org.models import Role
from govmedia.org.permissions import require, rule

from .models import SecurityPolicy

REQUIRED_ROLES = frozenset(
    {
        Role.COUNTY_LEADER,
        Role.OFFICE_LEADER,
        Role.UNIT_LEADER,
        Role.SYSADMIN,
        Role.SECADMIN,
        Role.AUDITOR,
    }
)
RECOVERY_CODES = 10
SESSION_NOT_NEEDED = "two_factor_not_needed"
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


@rule("security.reset_two_factor")
def _reset_two_factor(user: Any, person: Any) -> bool:
    """The security administrator resets someone else's second factor, never their own, and only of a person
    of their own county."""
    unit = getattr(person, "unit", None)
    return (
        bool(user.has_role(Role.SECADMIN))
        and getattr(person, "pk", None) != user.pk
        and unit is not None
        and user.county_id is not None
        and unit.county_id == user.county_id
    )


def holds_required_role(user: Any) -> bool:
    return bool(user.role_codes() & REQUIRED_ROLES)


def required_for(user: Any) -> bool:
    """Must this person pass a second factor before using the system?"""
    return holds_required_role(user) and SecurityPolicy.current().two_factor_required


def enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def next_step(request: Any, user: Any) -> str:
    """The two-factor page (url name) this session must pass before any other, or "". Someone who needs
    none is remembered in the session (at sign-in), so later pages cost no query."""
    if request.session.get(SESSION_NOT_NEEDED) == user.pk or getattr(user, "is_verified", bool)():
        return ""
    if enrolled(user):
        return "twofactor:verify"
    if required_for(user):
        return "twofactor:setup"
    request.session[SESSION_NOT_NEEDED] = user.pk
    return ""


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled; the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (served by the app itself; no style attributes)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#1f2937"))


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def confirm(user: Any, code: str, request: Any = None) -> tuple[TOTPDevice, list[str]]:
    """Finish enrolment with a first code from the app; returns the device and new recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError("请重新打开本页扫描二维码后再输入验证码。")
    cleaned = _clean(code)
    if not re.fullmatch(r"\d{6}", cleaned):
        raise ValidationError("请输入身份验证器显示的6位数字验证码。")
    if not device.verify_is_allowed()[0]:
        raise ValidationError("验证码错误次数过多，请稍后再试。")
    if not device.verify_token(cleaned):  # a failure is kept: it slows the next attempt down
        record("auth.two_factor_enrol_failed", actor=user, obj=user, request=request, success=False)
        raise ValidationError("验证码不正确或已过期，请核对手机时间后重试。")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        record("auth.two_factor_enrolled", actor=user, obj=user, request=request)
    return device, codes


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def regenerate_recovery_codes(user: Any, request: Any = None) -> list[str]:
    if not enrolled(user):
        raise ValidationError("请先启用两步验证。")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record("auth.recovery_codes_renewed", actor=user, obj=user, request=request)
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Verified:
    device: Any
    used_recovery_code: bool


def verify(user: Any, code: str, request: Any = None) -> Verified:
    """Check a code from the authenticator (six digits) or a recovery code. Wrong codes slow further
    attempts of the same kind down."""
    cleaned = _clean(code)
    if not cleaned:
        raise ValidationError("请输入验证码。")
    kind = TOTPDevice if re.fullmatch(r"\d{6}", cleaned) else StaticDevice  # app code or recovery code
    devices = [d for d in devices_for_user(user) if isinstance(d, kind)]
    if any(not d.verify_is_allowed()[0] for d in devices):
        record("auth.two_factor_failed", actor=user, obj=user, request=request, success=False)
        raise ValidationError("验证码错误次数过多，请稍后再试。")
    for device in devices:
        if device.verify_token(cleaned):
            recovery = kind is StaticDevice
            action = "auth.recovery_code_used" if recovery else "auth.two_factor_passed"
            record(action, actor=user, obj=user, request=request)
            return Verified(device, recovery)
    record("auth.two_factor_failed", actor=user, obj=user, request=request, success=False)
    raise ValidationError("验证码不正确或已过期。")


def reset(actor: Any, person: Any, request: Any = None) -> None:
    """Remove a person's authenticator and recovery codes; they enrol again at their next sign-in."""
    require(actor, "security.reset_two_factor", person)
    if not enrolled(person) and not StaticDevice.objects.filter(user=person).exists():
        raise ValidationError(f"{person} 尚未启用两步验证，无需重置。")
    with transaction.atomic():
        for device in devices_for_user(person, confirmed=None):
            device.delete()
        record("security.two_factor_reset", actor=actor, obj=person, request=request)


def disable(user: Any, request: Any = None) -> None:
    """Someone whose role does not require a second factor may switch theirs off."""
    if required_for(user):
        raise PermissionDenied("您的角色须使用两步验证，不能停用；如更换手机，请联系安全管理员重置。")
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record("auth.two_factor_disabled", actor=user, obj=user, request=request)
