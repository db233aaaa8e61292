"""R3.2.3: who may operate which account, with a periodic review list: every active grant is confirmed
each quarter, and a grant whose person has left or moved is revoked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmedia.audit.models import Entry
from govmedia.org.models import Unit, User
from govmedia.registry import grants
from govmedia.registry.models import Account, OperatorGrant
from govmedia.registry.rules import GRANT_REVIEW_DAYS, grant_review_problem

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


def test_r3_2_3_rule_a_grant_is_reviewed_every_quarter() -> None:
    old = TODAY - timedelta(days=GRANT_REVIEW_DAYS)
    assert grant_review_problem(old, None, TODAY, True, True) == f"已超过{GRANT_REVIEW_DAYS}天未复核"
    assert grant_review_problem(old + timedelta(days=1), None, TODAY, True, True) == ""
    assert grant_review_problem(old - timedelta(days=400), TODAY - timedelta(days=5), TODAY, True, True) == ""
    assert grant_review_problem(TODAY, None, TODAY, False, True) == "人员已停用，应撤销授权"
    assert grant_review_problem(TODAY, TODAY, TODAY, True, False) == "人员已不在本单位，应撤销授权"


def _grant(
    account: Account, user: User, days_ago: int, reviewed_days_ago: int | None = None
) -> OperatorGrant:
    today = timezone.localdate()
    return OperatorGrant.objects.create(
        account=account,
        user=user,
        granted_on=today - timedelta(days=days_ago),
        reviewed_on=None if reviewed_days_ago is None else today - timedelta(days=reviewed_days_ago),
    )


@pytest.fixture
def town_grants(cast: dict[str, User]) -> dict[str, OperatorGrant]:
    """Grants on a 栋川镇 account in each state the review knows."""
    town = Unit.objects.get(name="栋川镇")
    account = Account.objects.filter(unit=town).order_by("pk").first()
    assert account is not None
    OperatorGrant.objects.filter(account=account).delete()
    people = [
        User.objects.create(username=f"op{i}", full_name=f"操作员{i}", unit=town, is_active=i != 2)
        for i in range(4)
    ]
    moved = people[3]
    moved.unit = Unit.objects.get(name="县教育体育局")
    moved.save()
    return {
        "fresh": _grant(account, people[0], 10),
        "stale": _grant(account, people[1], 200, reviewed_days_ago=GRANT_REVIEW_DAYS + 3),
        "inactive": _grant(account, people[2], 5),
        "moved": _grant(account, people[3], 5),
        "county": _grant(account, cast["center"], 30),  # the centre's staff may operate any account
    }


def test_r3_2_3_the_due_list_is_exactly_the_grants_the_rule_flags(
    cast: dict[str, User], town_grants: dict[str, OperatorGrant]
) -> None:
    everything = list(grants.active_grants(cast["center"], due_only=False))
    due = set(grants.active_grants(cast["center"], due_only=True))
    assert due == {g for g in everything if grants.problem_of(g)}
    assert {town_grants[k] for k in ("stale", "inactive", "moved")} <= due
    assert not {town_grants[k] for k in ("fresh", "county")} & due


def test_r3_2_3_each_unit_reviews_its_own_and_the_centre_all(
    login: Any, town_grants: dict[str, OperatorGrant]
) -> None:
    page = login("town_admin").get("/registry/grants/").content.decode()
    assert (
        "操作员1" in page
        and "已超过90天未复核" in page
        and "人员已停用" in page
        and "人员已不在本单位" in page
    )
    assert "操作员0" not in page  # reviewed recently: not on the due list
    assert "操作员0" in login("town_admin").get("/registry/grants/?tab=all").content.decode()
    assert "操作员1" not in login("edu_admin").get("/registry/grants/").content.decode()
    assert "操作员1" in login("center").get("/registry/grants/").content.decode()
    for who in ("office_leader", "town_leader", "auditor", "legal_reviewer"):
        assert login(who).get("/registry/grants/").status_code == 403
    stale = town_grants["stale"]
    assert login("edu_admin").post(f"/registry/grants/{stale.pk}/confirm/").status_code == 404


def test_r3_2_3_confirming_and_revoking_from_the_list(
    login: Any, cast: dict[str, User], town_grants: dict[str, OperatorGrant]
) -> None:
    client = login("town_admin")
    stale = town_grants["stale"]
    response = client.post(f"/registry/grants/{stale.pk}/confirm/", {"tab": "due"})
    assert response.status_code == 302 and response["Location"] == "/registry/grants/?tab=due"
    stale.refresh_from_db()
    assert stale.reviewed_on == timezone.localdate() and stale.reviewed_by == cast["town_admin"]
    entry = Entry.objects.filter(action="registry.operator_reviewed").latest("id")
    assert entry.actor_id == cast["town_admin"].pk and entry.after["user"] == stale.user_id

    inactive = town_grants["inactive"]
    page = client.post(f"/registry/grants/{inactive.pk}/confirm/", follow=True).content.decode()
    assert "只能撤销授权" in page
    inactive.refresh_from_db()
    assert inactive.reviewed_on is None

    client.post(f"/registry/grants/{inactive.pk}/revoke/")
    inactive.refresh_from_db()
    assert inactive.revoked_on == timezone.localdate()
    assert (
        "该授权已撤销"
        in client.post(f"/registry/grants/{inactive.pk}/confirm/", follow=True).content.decode()
    )
    assert client.get(f"/registry/grants/{inactive.pk}/confirm/").status_code == 405


def test_r3_2_3_the_list_runs_a_constant_number_of_queries(
    login: Any, town_grants: dict[str, OperatorGrant]
) -> None:
    client = login("center")
    client.get("/registry/grants/?tab=all")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/registry/grants/?tab=all").status_code == 200
    account = town_grants["fresh"].account
    for i in range(8):
        user = User.objects.create(username=f"more{i}", full_name=f"更多{i}", unit=account.unit)
        _grant(account, user, 300)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/registry/grants/?tab=all").status_code == 200
    assert len(large) == len(small)


def test_r3_2_3_grants_due_for_review_are_on_my_todo(
    login: Any, cast: dict[str, User], town_grants: dict[str, OperatorGrant]
) -> None:
    from govmedia.web.todo import count_for, items_for

    due = grants.active_grants(cast["town_admin"], due_only=True).count()
    assert due >= 3
    home = login("town_admin").get("/").content.decode()
    assert f"{due}项账号操作授权待复核" in home and "/registry/grants/" in home
    for who in ("town_admin", "center", "edu_admin", "office_leader"):
        assert count_for(cast[who]) == len(items_for(cast[who])), who
    assert not any("授权待复核" in i.title for i in items_for(cast["office_leader"]))
