"""A fixed cast: the demo county with its users (CONTRACT.md), built once per test database."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from govmedia.org.models import User

DEMO_PASSWORD = "Demo-2026!yaoan"
# Every demo login of CONTRACT.md, one of each role.
DEMO_USERNAMES = (
    "center",
    "office_leader",
    "county_leader",
    "edu_admin",
    "edu_leader",
    "town_admin",
    "town_leader",
    "legal_reviewer",
    "secrecy_reviewer",
    "duty_officer",
    "sysadmin",
    "secadmin",
    "auditor",
)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters live in the cache; each test starts with none (tests share one address)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("demo", stdout=_Null(), stderr=_Null())


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture
def cast(db: Any) -> dict[str, User]:
    """Demo users by username."""
    return {u.username: u for u in User.objects.select_related("unit")}


@pytest.fixture
def login(db: Any) -> Any:
    """login("center") -> a Client signed in as that demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
