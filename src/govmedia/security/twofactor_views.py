"""Two-factor pages: one's own enrolment, the code after the password, recovery codes; and the security
administrator's list with the reset. Thin: they call `twofactor` and render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmedia.org.models import User
from govmedia.org.permissions import require

from . import twofactor
from .models import SecurityPolicy


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _codes_page(request: HttpRequest, codes: list[str], title: str) -> HttpResponse:
    return render(request, "twofactor/codes.html", {"codes": codes, "title": title, "next": _next(request)})


def mine(request: HttpRequest) -> HttpResponse:
    """One's own second factor: its state, new recovery codes, switching it off where the role allows."""
    user: Any = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "device": device,
        "codes_left": twofactor.recovery_codes_left(user),
        "required": twofactor.required_for(user),
        "role_requires": twofactor.holds_required_role(user),
    }
    return render(request, "twofactor/mine.html", context)


def setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if twofactor.enrolled(user) and not user.is_verified():
        return redirect("twofactor:verify")  # a stolen password cannot replace the authenticator
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.confirm(user, form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            otp_login(request, device)
            return _codes_page(request, codes, "两步验证已启用")
    device = twofactor.pending_device(user)
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "required": twofactor.required_for(user),
        "next": _next(request),
    }
    return render(request, "twofactor/setup.html", context)


def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not twofactor.enrolled(user):
        return redirect("twofactor:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = twofactor.verify(user, form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            otp_login(request, result.device)
            if result.used_recovery_code:
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request, f"您使用了一个恢复码，还剩 {left} 个。如手机丢失，请联系安全管理员重置。"
                )
            return redirect(_next(request))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)})


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.regenerate_recovery_codes(request.user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("twofactor:mine")
    return _codes_page(request, codes, "新的恢复码")


@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    twofactor.disable(request.user, request=request)
    messages.success(request, "已停用两步验证。")
    return redirect("twofactor:mine")


def people(request: HttpRequest) -> HttpResponse:
    """Who of the county must use a second factor and who has one (the security administrator's view; the
    policy switch itself is instance-wide)."""
    user: Any = request.user
    require(user, "security.manage_settings")
    county = user.county_id
    enrolled_ids = set(
        TOTPDevice.objects.filter(
            confirmed=True, user__unit__county__in=[county] if county else []
        ).values_list("user_id", flat=True)
    )
    qs = (
        User.objects.filter(is_active=True, unit__county__in=[county] if county else [])
        .filter(Q(roles__role__in=twofactor.REQUIRED_ROLES) | Q(pk__in=enrolled_ids))
        .select_related("unit")
        .prefetch_related("roles")
        .distinct()
        .order_by("unit__order", "id")
    )
    codes_left = dict(
        StaticToken.objects.filter(device__user_id__in=enrolled_ids)
        .values_list("device__user_id")
        .annotate(n=Count("id"))
    )
    rows = [
        {
            "person": p,
            "enrolled": p.pk in enrolled_ids,
            "required": bool({g.role for g in p.roles.all()} & twofactor.REQUIRED_ROLES),
            "codes_left": codes_left.get(p.pk, 0),
        }
        for p in qs
    ]
    policy_on = SecurityPolicy.current().two_factor_required
    return render(request, "twofactor/people.html", {"rows": rows, "policy_on": policy_on})


@require_POST
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    person = get_object_or_404(
        User.objects.select_related("unit"), pk=pk, unit__county__isnull=False, unit__county=user.county_id
    )
    try:
        twofactor.reset(request.user, person, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已重置 {person} 的两步验证，其下次登录时须重新绑定身份验证器。")
    return redirect("security:two_factor")
