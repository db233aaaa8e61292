import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from govmedia.web.middleware import OPEN_PREFIXES

from . import twofactor
from .services import DEVICE_COOKIE

TWO_YEARS = 2 * 365 * 24 * 3600


class DeviceCookieMiddleware:
    """Gives every browser a random device id, so a sign-in from a new device can be told apart."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        existing = request.COOKIES.get(DEVICE_COOKIE, "")
        request.device_id = existing if len(existing) == 32 else secrets.token_hex(16)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.device_id != existing:  # type: ignore[attr-defined]
            device_id: str = request.device_id  # type: ignore[attr-defined]
            response.set_cookie(
                DEVICE_COOKIE,
                device_id,
                max_age=TWO_YEARS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class TwoFactorMiddleware:
    """After the password, a person with an authenticator must enter its code, and a person whose role
    requires one must enrol first; until then only the two-factor pages and sign-out open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            step = twofactor.next_step(request, user)
            if step and request.path not in (reverse(step), reverse("logout")):
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
