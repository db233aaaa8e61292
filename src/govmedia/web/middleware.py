import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from govmedia.org.models import confined_to_audit_log

REFRESHED_KEY = "refreshed_at"  # when the session's expiry was last moved on (epoch seconds)
# Paths with their own authentication (API tokens, platform signatures) or none at all.
OPEN_PREFIXES = ("/api/", "/platforms/", "/static/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page but sign-in sends an anonymous visitor to sign-in."""

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# What the audit administrator may open (三员分立): the audit log, their own sign-in pages and their notices.
AUDITOR_PREFIXES = ("/audit/", "/accounts/", "/notifications/")


def auditor_may_open(path: str) -> bool:
    return path == "/" or path.startswith(AUDITOR_PREFIXES + OPEN_PREFIXES)


class DutySeparationMiddleware:
    """The audit administrator reads, searches and exports the audit log and nothing else; every other page
    is refused (and the refusal is itself audited)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or auditor_may_open(request.path):
            return
        if not confined_to_audit_log(user):
            return
        from govmedia.audit.services import record_refusal

        refusal = PermissionDenied("三员分立：审计管理员只能查阅、检索和导出责任日志。")
        record_refusal(request, refusal)
        raise refusal


class PasswordChangeRequiredMiddleware:
    """A person signed in with an initial password must set their own before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("password_change"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(OPEN_PREFIXES):
                return redirect("password_change")
        return self.get_response(request)


# No inline scripts or styles anywhere (behaviour lives in web/app.js, looks in web/app.css); nothing is
# loaded from another origin; the pages cannot be framed; forms post only to this site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The generated API documentation (Swagger UI) sets style attributes of its own; scripts stay strict.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
DOCS_PATHS = ("/api/v1/docs",)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (X-Frame-Options, nosniff,
    Referrer-Policy and HSTS come from Django's own middleware and settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = (
                DOCS_CONTENT_SECURITY_POLICY
                if request.path.startswith(DOCS_PATHS)
                else getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
            )
            response["Content-Security-Policy"] = policy
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        return response


class SessionRefreshMiddleware:
    """The idle timeout: a signed-in session's expiry moves on with its requests, but at most once every
    settings.SESSION_REFRESH_SECONDS; saving it on every request was a database write per page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            if now - request.session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[REFRESHED_KEY] = now
        return response


class ForgetBadgeMiddleware:
    """Whatever a person posts may change their own to-do count: the next page counts it afresh."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            from .context import forget_badge  # context -> navigation -> this module

            forget_badge(request)
        return self.get_response(request)


class AuditRefusalMiddleware:
    """Every permission refusal of a page is written to the responsibility log (the API's refusals are
    recorded by its 403 handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            from govmedia.audit.services import record_refusal

            record_refusal(request, exception)
