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
def _no_reuse_between_requests(settings: Any) -> None:
    """Every request counts the to-do badge and refreshes the session, the worst case, so that a page's
    query count does not depend on what the test requested before (tests/web/test_nav_badge.py and
    test_session_refresh.py put the production values back)."""
    settings.NAV_BADGE_SECONDS = settings.SESSION_REFRESH_SECONDS = 0


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


NEIGHBOUR_PEOPLE = {  # username: (unit key, role)
    "dy_center": ("center", "center_staff"),
    "dy_office_leader": ("office", "office_leader"),
    "dy_county_leader": ("gov", "county_leader"),
    "dy_legal": ("office", "legal_reviewer"),
    "dy_secrecy": ("office", "secrecy_reviewer"),
    "dy_duty": ("center", "duty_officer"),
    "dy_sysadmin": ("center", "sysadmin"),
    "dy_secadmin": ("center", "secadmin"),
    "dy_town_admin": ("town", "unit_admin"),
    "dy_town_leader": ("town", "unit_leader"),
}


@pytest.fixture
def neighbour(db: Any) -> dict[str, Any]:
    """A second county, 大姚县, in the same instance: its units, one person of each county role and a
    township's admin and leader (usernames `dy_*`, use them with `login`), and two operating accounts (the
    county government's and the township's). Nobody of one county may see or touch the other's rows."""
    from govmedia.org.models import County, RoleGrant, Unit
    from govmedia.registry.models import Account

    county = County.objects.create(name="大姚县")
    kinds = {
        "gov": ("大姚县人民政府", Unit.Kind.COUNTY_GOV),
        "office": ("大姚县人民政府办公室", Unit.Kind.COUNTY_OFFICE),
        "center": ("大姚县电子政务中心", Unit.Kind.EGOV_CENTER),
        "town": ("金碧镇", Unit.Kind.TOWNSHIP),
        "dept": ("大姚县教育体育局", Unit.Kind.DEPARTMENT),
    }
    units = {
        key: Unit.objects.create(county=county, name=name, short_name=f"大姚{key}", kind=kind, order=900 + i)
        for i, (key, (name, kind)) in enumerate(kinds.items())
    }
    people = {}
    for username, (unit, role) in NEIGHBOUR_PEOPLE.items():
        people[username] = User.objects.create(username=username, full_name=username, unit=units[unit])
        RoleGrant.objects.create(user=people[username], role=role)
    accounts = {
        key: Account.objects.create(
            unit=units[key],
            type="weibo",
            name=f"大姚{key}微博",
            link=f"https://weibo.example/dy{key}",
            status="operating",
        )
        for key in ("gov", "town")
    }
    return {"county": county, "units": units, "people": people, "accounts": accounts}
