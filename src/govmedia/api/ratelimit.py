"""Rate limits (等保: resist brute force and flooding).

- The REST API: per bearer token and per client address, `API_RATE_LIMIT` / `API_RATE_LIMIT_PER_IP`
  requests per window; over the limit the API answers 429 with a Chinese message and `Retry-After`.
- Sign-in: django-axes locks an *account* after repeated failures; this adds a limit per *address*
  (`SIGN_IN_FAILURES_PER_IP` failed sign-ins per window) against password spraying across accounts.

Counters are fixed windows in Django's cache (atomic `add`/`incr`). The default cache is per process; a
deployment with several processes configures a shared cache (CACHES) so the limits hold across them.
The first refusal in each window writes one audit entry (not one per request: a flood must not flood
the responsibility log).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from govmedia.audit.services import client_ip, record

API_MESSAGE = "请求过于频繁，请稍后再试。"
SIGN_IN_MESSAGE = "该地址登录失败次数过多，已暂停登录，请稍后再试。"
LOGIN_PATH = "/accounts/login/"


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/60" -> (600 requests, 60 seconds)."""
    count, _, seconds = str(rate).partition("/")
    return int(count), int(seconds or 60)


def _bucket(key: str, window: int) -> str:
    return f"rl:{key}:{int(time.time() // window)}"


def _count(key: str, window: int, add: int = 1) -> int:
    """Add to the window's counter for `key` and answer the new count."""
    name = _bucket(key, window)
    if add == 0:
        return int(cache.get(name, 0))
    if cache.add(name, add, window + 1):
        return add
    try:
        return int(cache.incr(name, add))
    except ValueError:  # expired between add and incr
        cache.set(name, add, window + 1)
        return add


def _first_refusal(key: str, window: int) -> bool:
    return bool(cache.add(_bucket(f"{key}:refused", window), 1, window + 1))


def _ident(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


@receiver(user_login_failed)
def _count_sign_in_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    if request is not None:
        _limit, window = parse_rate(settings.SIGN_IN_FAILURES_PER_IP)
        _count(f"signin:{client_ip(request)}", window)


NUL_MESSAGE = "请求含有不允许的空字符（NUL），未处理。"


def _nul_refused(request: HttpRequest) -> HttpResponse | None:
    """NUL characters cannot be stored (PostgreSQL refuses them in text) and have no place in this API's
    input: refuse them with 422 before any query runs (pages' forms refuse them through Django's own
    validator)."""
    from urllib.parse import unquote_to_bytes

    raw_query = unquote_to_bytes(request.META.get("QUERY_STRING", ""))
    path = request.path.encode("utf-8", "surrogatepass")
    try:
        body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
    except Exception:  # too large: Django answers 400 itself
        body = b""
    if b"\x00" in raw_query or b"\x00" in path or b"\x00" in body or b"\\u0000" in body:
        return JsonResponse({"detail": NUL_MESSAGE}, status=422, json_dumps_params={"ensure_ascii": False})
    return None


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refused = self._api(request) or _nul_refused(request)
        elif request.path == LOGIN_PATH and request.method == "POST":
            refused = self._sign_in(request)
        else:
            refused = None
        return refused or self.get_response(request)

    def _api(self, request: HttpRequest) -> HttpResponse | None:
        ip = client_ip(request)
        checks = [(f"api-ip:{ip}", settings.API_RATE_LIMIT_PER_IP)]
        if auth := request.META.get("HTTP_AUTHORIZATION", ""):
            checks.append((f"api-token:{_ident(auth)}", settings.API_RATE_LIMIT))
        for key, rate in checks:
            limit, window = parse_rate(rate)
            if _count(key, window) > limit:
                if _first_refusal(key, window):
                    record(
                        "api.rate_limited",
                        request=request,
                        success=False,
                        after={"path": request.path[:200], "limit": rate, "by": key.split(":")[0]},
                    )
                response = JsonResponse(
                    {"detail": API_MESSAGE}, status=429, json_dumps_params={"ensure_ascii": False}
                )
                response["Retry-After"] = str(window)
                return response
        return None

    def _sign_in(self, request: HttpRequest) -> HttpResponse | None:
        limit, window = parse_rate(settings.SIGN_IN_FAILURES_PER_IP)
        key = f"signin:{client_ip(request)}"
        if _count(key, window, add=0) < limit:
            return None
        if _first_refusal(key, window):
            record(
                "auth.sign_in_rate_limited",
                request=request,
                success=False,
                after={
                    "username": str(request.POST.get("username", ""))[:150],
                    "limit": settings.SIGN_IN_FAILURES_PER_IP,
                },
            )
        response = render(request, "errors/429.html", {"message": SIGN_IN_MESSAGE}, status=429)
        response["Retry-After"] = str(window)
        return response
