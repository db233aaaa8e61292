"""Units, people and roles (R3.1-1): managed by the system administrator through audited services."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.audit.models import Entry
from govmedia.org.models import Unit, User, sees_whole_county
from govmedia.org.services import save_person


def test_r3_1_1_demo_county_has_every_kind_of_unit(db: Any) -> None:
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert kinds == {"county_gov", "county_office", "egov_center", "township", "department"}
    assert Unit.objects.filter(kind="township").count() == 9
    assert Unit.objects.filter(kind="department").count() >= 12


def test_r3_1_1_sysadmin_adds_a_person_with_roles(login: Any) -> None:
    client = login("sysadmin")
    unit = Unit.objects.get(name="光禄镇")
    response = client.post(
        "/org/people/new/",
        {
            "username": "gl_admin",
            "full_name": "段红",
            "unit": unit.pk,
            "title": "新媒体管理员",
            "mobile": "13812345678",
            "office_phone": "0878-5712345",
            "email": "gl@yaoan.gov.cn",
            "is_active": "on",
            "roles": ["unit_admin"],
            "initial_password": "Guanglu-2026!x",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="gl_admin")
    assert person.role_codes() == {"unit_admin"} and person.must_change_password
    assert Entry.objects.filter(action="org.person_saved", object_id=str(person.pk)).exists()


def test_bad_phone_number_is_refused_and_nothing_saved(login: Any) -> None:
    before = User.objects.count()
    response = login("sysadmin").post(
        "/org/people/new/",
        {
            "username": "bad_phone",
            "full_name": "某某",
            "unit": Unit.objects.first().pk,  # type: ignore[union-attr]
            "mobile": "12345",
            "roles": ["unit_admin"],
        },
    )
    assert response.status_code == 200
    assert "请输入11位手机号码" in response.content.decode()
    assert User.objects.count() == before


def test_weak_initial_password_is_refused(login: Any) -> None:
    response = login("sysadmin").post(
        "/org/people/new/",
        {
            "username": "weak",
            "full_name": "某某",
            "unit": Unit.objects.first().pk,  # type: ignore[union-attr]
            "initial_password": "password12",
        },
    )
    assert "至少3类" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize("username", ["center", "edu_admin", "office_leader", "auditor"])
def test_only_sysadmin_manages_people(login: Any, username: str) -> None:
    assert login(username).get("/org/people/").status_code == 403
    assert (
        login(username).post("/org/units/new/", {"name": "x", "kind": "township", "order": 1}).status_code
        == 403
    )


def test_nobody_grants_themselves_a_role(cast: dict[str, User]) -> None:
    admin = cast["sysadmin"]
    with pytest.raises(PermissionDenied):
        save_person(admin, admin, roles=["sysadmin", "auditor"])
    assert admin.roles.filter(role="auditor").count() == 0


def test_visibility_county_level_sees_whole_county_and_units_see_their_own(cast: dict[str, User]) -> None:
    assert sees_whole_county(cast["center"]) and sees_whole_county(cast["office_leader"])
    assert not sees_whole_county(cast["edu_admin"]) and not sees_whole_county(cast["town_leader"])


def test_units_page_lists_units(login: Any) -> None:
    html = login("sysadmin").get("/org/units/").content.decode()
    assert "栋川镇" in html and "县教育体育局" in html
