"""R3.1-1 at province scale: one instance holds several counties, and a county's centre, leaders, reviewers
and administrators see and manage their own county alone."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.org.models import County, Unit, User, units_visible_to
from govmedia.org.services import save_person, save_unit
from govmedia.publishing.models import Post
from govmedia.registry.models import Account


def test_r3_1_1_the_demo_county_is_a_county_and_every_unit_belongs_to_one(db: Any) -> None:
    yaoan = County.objects.get(name="姚安县")
    assert not Unit.objects.exclude(county=yaoan).exists()


def test_r3_1_1_county_wide_people_see_their_own_county_only(
    cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    dy_center = neighbour["people"]["dy_center"]
    theirs = set(neighbour["units"].values())
    assert set(units_visible_to(dy_center)) == theirs
    assert not set(units_visible_to(cast["center"])) & theirs
    assert set(Account.objects.visible_to(dy_center)) == set(neighbour["accounts"].values())
    demo_accounts = Account.objects.visible_to(cast["center"])
    assert demo_accounts.exists() and not demo_accounts.filter(unit__county=neighbour["county"]).exists()
    assert Post.objects.exists() and not Post.objects.visible_to(dy_center).exists()


def test_r3_1_1_a_unit_sees_its_own_rows_whatever_the_county(neighbour: dict[str, Any]) -> None:
    town_admin = neighbour["people"]["dy_town_admin"]
    assert list(Account.objects.visible_to(town_admin)) == [neighbour["accounts"]["town"]]
    assert list(units_visible_to(town_admin)) == [neighbour["units"]["town"]]


def test_r3_1_1_a_person_without_a_unit_sees_nothing(db: Any) -> None:
    loose = User.objects.create(username="loose", full_name="无单位")
    loose.roles.create(role="center_staff")
    assert not Account.objects.visible_to(loose).exists()
    assert not units_visible_to(loose).exists()


def test_r3_1_1_the_sysadmin_lists_and_edits_their_own_county_only(
    login: Any, neighbour: dict[str, Any]
) -> None:
    client = login("dy_sysadmin")
    html = client.get("/org/units/").content.decode()
    assert "金碧镇" in html and "栋川镇" not in html
    people = client.get("/org/people/").content.decode()
    assert "dy_center" in people and "李明" not in people
    demo_unit = Unit.objects.get(name="栋川镇")
    assert client.get(f"/org/units/{demo_unit.pk}/").status_code == 404
    center = User.objects.get(username="center")
    assert client.get(f"/org/people/{center.pk}/").status_code == 404


def test_r3_1_1_a_new_unit_joins_its_creators_county(login: Any, neighbour: dict[str, Any]) -> None:
    response = login("dy_sysadmin").post(
        "/org/units/new/", {"name": "赵家店镇", "short_name": "大姚赵家店", "kind": "township", "order": 50}
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="赵家店镇").county == neighbour["county"]


def test_r3_1_1_a_person_cannot_be_placed_in_another_countys_unit(
    login: Any, neighbour: dict[str, Any]
) -> None:
    before = User.objects.count()
    response = login("dy_sysadmin").post(
        "/org/people/new/",
        {
            "username": "intruder",
            "full_name": "某某",
            "unit": Unit.objects.get(name="栋川镇").pk,
            "roles": ["unit_admin"],
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert User.objects.count() == before


def test_r3_1_1_services_refuse_the_other_countys_units_and_people(
    cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    dy_sysadmin = neighbour["people"]["dy_sysadmin"]
    town = Unit.objects.get(name="栋川镇")
    town.name = "改名镇"
    with pytest.raises(PermissionDenied):
        save_unit(dy_sysadmin, town)
    edu_admin = cast["edu_admin"]
    with pytest.raises(PermissionDenied):
        save_person(dy_sysadmin, edu_admin, roles=["unit_admin", "unit_leader"])
    moved = neighbour["people"]["dy_town_admin"]
    moved.unit = town
    with pytest.raises(PermissionDenied):
        save_person(dy_sysadmin, moved, roles=["unit_admin"])
    assert Unit.objects.filter(name="栋川镇").exists()
    assert User.objects.get(pk=moved.pk).unit == neighbour["units"]["town"]
    assert cast["sysadmin"].county_id != dy_sysadmin.county_id


def test_r3_1_1_the_header_names_the_persons_county_and_unit(login: Any, neighbour: dict[str, Any]) -> None:
    """In a province's instance a township's name alone does not say which county one is working in."""
    assert '<span class="unit">大姚县 金碧镇</span>' in login("dy_town_admin").get("/").content.decode()
    assert '<span class="unit">大姚县电子政务中心</span>' in login("dy_center").get("/").content.decode()
    assert '<span class="unit">姚安县 栋川镇</span>' in login("town_admin").get("/").content.decode()


def test_a_signed_in_person_comes_with_their_unit_and_county_in_one_query(login: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("town_admin")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "org_unit"')]
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "org_county"')]
