"""One instance, several counties: the overview counts the county-level steps of the person's county only, and
inspection warnings reach the centre of the account's county (R3.2.7, B-5). Demo county 姚安县, neighbour
大姚县."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from govmedia.notifications.models import Notification
from govmedia.org.models import Unit, User
from govmedia.publishing import services
from govmedia.publishing.models import Post
from govmedia.registry.models import Account
from govmedia.reports.overview import overview
from govmedia.reports.sweep import warn_about_lines

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "关于开展冬季森林防火宣传的通知",
    "body": "各村（社区）：请做好冬季森林防火宣传工作。",
    "category": "i",
    "kind": "original",
}


def _at_centre_proposal(people: dict[str, User], prefix: str, account: Account) -> Post:
    """A post for the county government's account, waiting for the centre's proposal (a step with a deadline
    and no unit named)."""
    author = people[f"{prefix}town_admin"]
    post = services.submit(author, services.create_post(author, GOOD, [account.pk]))
    for role in ("legal", "secrecy"):
        who = people[f"{prefix}{role}" if prefix else f"{role}_reviewer"]
        step = post.steps.get(round=post.round, decision="pending", received_at__isnull=False)
        post = services.decide(who, post, step.pk, "approve", acknowledge_warnings=True)
    assert post.steps.filter(kind="center_proposal", deadline__isnull=False, assignee_unit=None).exists()
    return post


def _office_row(user: User) -> dict[str, Any]:
    office = Unit.objects.get(county=user.county_id, kind=Unit.Kind.COUNTY_OFFICE)
    return next(r for r in overview(user)["rows"] if r["unit"].pk == office.pk)


def test_r3_2_7_overview_counts_county_level_steps_for_their_own_countys_office(
    cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    people = {**cast, **neighbour["people"]}
    ours = Account.objects.create(
        unit=Unit.objects.get(name="姚安县人民政府"),
        type="weibo",
        name="测试姚安发布",
        link="https://example.cn/ya",
        status="operating",
    )
    before = _office_row(people["center"])["due"]
    _at_centre_proposal(people, "", ours)
    assert _office_row(people["center"])["due"] == before + 1
    _at_centre_proposal(people, "dy_", neighbour["accounts"]["gov"])
    assert _office_row(people["center"])["due"] == before + 1
    assert _office_row(people["dy_center"])["due"] == 1  # the neighbour's own step, none of the demo county's


def test_r3_2_7_printed_report_names_the_persons_county(login: Any, neighbour: dict[str, Any]) -> None:
    printed = login("dy_center").get("/reports/print/?period=month&year=2026&month=11").content.decode()
    assert "大姚县政务新媒体工作月报" in printed and "姚安县政务新媒体" not in printed


def test_b5_inspection_warnings_reach_the_centre_of_the_accounts_county_only(
    cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    """Both accounts are three days from the two-week update veto: each county's centre and the unit's
    administrators are told about their own account only."""
    people = {**cast, **neighbour["people"]}
    almost = timezone.localdate() - timedelta(days=13)
    theirs = neighbour["accounts"]["town"]
    Account.objects.filter(pk=theirs.pk).update(opened_on=almost)
    ours = Account.objects.create(
        unit=Unit.objects.get(name="栋川镇"),
        type="weibo",
        name="测试栋川发布",
        link="https://example.cn/dc",
        status="operating",
        opened_on=almost,
    )
    warn_about_lines()

    def told(account: Account) -> set[str]:
        notes = Notification.objects.filter(key__startswith=f"inspect:{account.pk}:update:")
        return set(notes.values_list("user__username", flat=True))

    centres = {u.username for u in people.values() if u.has_role("center_staff")}
    assert told(theirs) & centres == {"dy_center"} and "dy_town_admin" in told(theirs)
    assert "dy_center" not in told(ours) and {"center", "town_admin"} <= told(ours)
    assert not any(name.startswith("dy_") for name in told(ours))
