"""三员分立 (issue #10, B-3): the system, security and audit administrators are three different people, and
the audit administrator reads, searches and exports the audit log and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from govmedia.audit.models import Entry
from govmedia.org.models import ApiToken, User
from govmedia.org.services import save_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/registry/accounts/", "/publishing/", "/inquiries/", "/security/incidents/", "/reports/inspection/"],
)
def test_b3_the_auditor_cannot_open_business_pages(login: Any, cast: dict[str, User], path: str) -> None:
    before = Entry.objects.filter(action="auth.permission_denied").count()
    response = login("auditor").get(path)
    assert response.status_code == 403
    assert "三员分立" in response.content.decode()
    refusal = Entry.objects.filter(action="auth.permission_denied").latest("id")
    assert Entry.objects.filter(action="auth.permission_denied").count() == before + 1
    assert refusal.actor_id == cast["auditor"].pk and refusal.after["path"] == path


def test_b3_the_auditor_keeps_the_audit_log_their_notices_and_own_pages(login: Any) -> None:
    client = login("auditor")
    for path in ("/", "/audit/", "/notifications/", "/accounts/password/", "/accounts/two-factor/"):
        assert client.get(path).status_code == 200, path
    nav = client.get("/").content.decode()
    assert "责任日志" in nav and "账号台账" not in nav and "留言办理" not in nav


def test_b3_the_auditor_gets_nothing_but_who_they_are_from_the_api(
    client: Any, cast: dict[str, User]
) -> None:
    _, key = ApiToken.issue(cast["auditor"])
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    for path in ("/api/v1/accounts", "/api/v1/inquiries", "/api/v1/units"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403 and "三员分立" in response.json()["detail"], path


def test_b3_the_system_administrator_still_reads_but_does_not_decide(login: Any) -> None:
    assert login("sysadmin").get("/registry/accounts/").status_code == 200


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["sysadmin", "secadmin"], "须由不同人员担任"),
        (["secadmin", "auditor"], "须由不同人员担任"),
        (["auditor", "center_staff"], "不得兼任"),
    ],
)
def test_b3_one_person_cannot_hold_two_of_the_three_administrator_roles(
    login: Any, cast: dict[str, User], roles: list[str], message: str
) -> None:
    person = cast["duty_officer"]
    with pytest.raises(ValidationError, match=message):
        save_person(cast["sysadmin"], person, roles=roles)
    assert person.roles.values_list("role", flat=True).get() == "duty_officer"

    data = {
        "username": person.username,
        "full_name": person.full_name,
        "unit": person.unit_id,
        "mobile": person.mobile,
        "is_active": "on",
        "roles": roles,
    }
    page = login("sysadmin").post(f"/org/people/{person.pk}/", data).content.decode()
    assert message in page
    assert sorted(User.objects.get(pk=person.pk).role_codes()) == ["duty_officer"]
