"""Issue 11: the idle timeout without a database write on every page. A signed-in session's expiry moves on
with its requests at most once a minute (settings.SESSION_REFRESH_SECONDS); it can end up to that much
sooner than SESSION_IDLE_SECONDS after the last request, never later."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_value(settings: Any) -> None:
    settings.SESSION_REFRESH_SECONDS = settings.NAV_BADGE_SECONDS = 60


def _session_writes(client: Any, url: str = "/registry/accounts/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in ctx.captured_queries)


def _expiry(client: Any) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_expiry_moves_on_at_most_once_a_minute(login: Any, settings: Any) -> None:
    client = login("center")
    _session_writes(client)
    assert _session_writes(client) == 0  # refreshed less than a minute ago
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    settings.SESSION_REFRESH_SECONDS = 0  # the minute has passed
    assert _session_writes(client) == 1
    expiry = _expiry(client) - timezone.now()
    assert (
        timedelta(seconds=settings.SESSION_IDLE_SECONDS - 5)
        < expiry
        <= timedelta(seconds=settings.SESSION_IDLE_SECONDS)
    )


def test_an_idle_session_still_ends(login: Any) -> None:
    client = login("center")
    client.get("/")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/registry/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_anonymous_visits_make_no_session(client: Any) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert Session.objects.count() == 0
