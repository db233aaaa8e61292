"""Issue 11: the to-do badge in the navigation is counted at most once a minute per person (it cost a page
most of its time), yet follows at once what reaches them with a notice and what they change themselves
(B-7, R5.4-4: work waiting for a person is shown to them)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from govmedia.notifications.services import notify
from govmedia.org.models import Unit, User
from govmedia.publishing.models import ReviewStep
from govmedia.publishing.queries import steps_waiting_for
from govmedia.web.todo import count_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_value(settings: Any) -> None:
    settings.NAV_BADGE_SECONDS = 60


def _badge(client: Client, url: str = "/registry/accounts/") -> int:
    html = client.get(url).content.decode()
    found = re.search(r'我的待办 <span class="nav-count">(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def _settle_one_step(user: User) -> None:
    """Work leaves a person's queue without any notice (another holder decided it)."""
    step = steps_waiting_for(user).first()
    assert step is not None
    ReviewStep.objects.filter(pk=step.pk).update(decision=ReviewStep.Decision.APPROVE)


@pytest.fixture
def busy_center(cast: dict[str, User]) -> User:
    """The demo centre with a seeded county's work folded into its own."""
    call_command("seed", "--scale", "county", "--factor", "0.05", stdout=io.StringIO(), stderr=io.StringIO())
    Unit.objects.update(county=Unit.objects.get(name="姚安县人民政府").county_id)
    return cast["center"]


def test_r5_4_4_badge_is_reused_within_the_minute_and_recounted_after_it(
    login: Any, busy_center: User, settings: Any
) -> None:
    client = login("center")
    n = count_for(busy_center)
    assert n > 1 and _badge(client) == n
    _settle_one_step(busy_center)
    assert count_for(busy_center) == n - 1
    assert _badge(client, "/inquiries/") == n  # counted less than a minute ago
    settings.NAV_BADGE_SECONDS = 0  # the minute has passed
    assert _badge(client, "/inquiries/") == n - 1


def test_r5_4_4_a_new_notice_recounts_the_badge_at_once(login: Any, busy_center: User) -> None:
    client = login("center")
    n = _badge(client)
    _settle_one_step(busy_center)
    notify([busy_center], kind="new", title="新待办：测试", url="/publishing/", key="badge-1")
    assert _badge(client) == n - 1


def test_r5_4_4_ones_own_change_recounts_the_badge_at_once(login: Any, busy_center: User) -> None:
    client = login("center")
    n = _badge(client)
    _settle_one_step(busy_center)
    client.post("/publishing/new/", {})  # any form sent, even one refused
    assert _badge(client) == n - 1


def test_r5_4_4_home_page_always_counts_afresh(login: Any, busy_center: User) -> None:
    client = login("center")
    n = _badge(client)
    _settle_one_step(busy_center)
    assert _badge(client, "/") == n - 1
    assert _badge(client) == n - 1  # and the other pages go on from that count


def test_r5_4_4_home_page_writes_the_session_only_when_the_badge_changes(
    login: Any, busy_center: User, settings: Any
) -> None:
    """Counting afresh on 我的待办 is not a reason to save the session when the badge says the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_REFRESH_SECONDS = 60
    client = login("center")
    n = _badge(client, "/")

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _badge(client, "/") == n
        return sum('UPDATE "django_session"' in q["sql"] for q in ctx.captured_queries)

    assert session_writes() == 0
    _settle_one_step(busy_center)
    n -= 1
    assert session_writes() == 1  # the new count is kept for the other pages
    assert _badge(client) == n
