"""The register across counties: one instance holds 姚安县 (the demo county) and 大姚县 (the `neighbour`
fixture). The centre registers and keeps its own county's accounts, the county office reviews its own
county's filings, security officers and operators are people of the account's county, and the to-do lists
hold nothing of the other county. Pages answer 404 for another county's rows, services PermissionDenied."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.org.models import User
from govmedia.org.permissions import can
from govmedia.registry import grants, services
from govmedia.registry.forms import AccountForm, OperatorGrantForm, SecurityOfficerForm
from govmedia.registry.models import Account, Filing, OperatorGrant
from govmedia.web.todo import count_for, items_for

from .conftest import a1_data
from .test_api import Api
from .test_excel import ROW, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def dy(neighbour: dict[str, Any]) -> dict[str, Any]:
    """The neighbour's people by username, plus its units and accounts."""
    return {**neighbour["people"], "units": neighbour["units"], "accounts": neighbour["accounts"]}


def choices(form: forms.Form, field: str) -> set[Any]:
    return set(cast(forms.ModelChoiceField, form.fields[field]).queryset)


def dy_account(dy: dict[str, Any], **overrides: Any) -> Account:
    data = a1_data(name="大姚金碧镇发布", link="dayao_jinbi", **overrides)
    return services.create_account(dy["dy_center"], dy["units"]["town"], data)


# --- registering and keeping accounts (R1-1, R3.2.1) -------------------------------------------------------


def test_r1_1_the_centre_registers_accounts_only_for_its_own_countys_units(
    login: Any, cast: dict[str, User], unit_of: Any, dy: dict[str, Any]
) -> None:
    edu = unit_of("县教育体育局")
    before = Account.objects.count()
    assert not can(dy["dy_center"], "registry.register", edu)
    assert can(dy["dy_center"], "registry.register", dy["units"]["dept"])
    assert not can(cast["center"], "registry.register", dy["units"]["dept"])
    with pytest.raises(PermissionDenied):
        services.create_account(dy["dy_center"], edu, a1_data(name="越权登记"))
    assert choices(AccountForm(user=dy["dy_center"]), "unit") == set(dy["units"].values())
    assert dy["units"]["town"] not in choices(AccountForm(user=cast["center"]), "unit")
    body = {"unit": edu.pk, "type": "weibo", "name": "越权登记", "link": "https://weibo.com/x"}
    response = Api(dy["dy_center"]).post("/accounts", body)
    assert response.status_code == 422 and "单位不存在" in response.json()["detail"]
    response = upload(login("dy_center"), xlsx(ROW))  # a row naming 县教育体育局 of the demo county
    assert "未知单位“县教育体育局”" in response.content.decode()
    assert Account.objects.count() == before


def test_r3_2_1_the_centre_keeps_only_its_own_countys_accounts(
    login: Any, cast: dict[str, User], make_account: Any, dy: dict[str, Any]
) -> None:
    mine, theirs = make_account(), dy["accounts"]["town"]
    assert can(cast["center"], "registry.edit", mine) and not can(cast["center"], "registry.edit", theirs)
    assert can(dy["dy_center"], "registry.edit", theirs) and not can(dy["dy_center"], "registry.edit", mine)
    with pytest.raises(PermissionDenied):
        services.update_account(dy["dy_center"], mine, {"introduction": "越权"})
    with pytest.raises(PermissionDenied):
        services.create_filing(dy["dy_center"], mine, "new", submit=False)
    client = login("dy_center")
    for url in (f"/registry/accounts/{mine.pk}/", f"/registry/accounts/{mine.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/registry/accounts/{mine.pk}/maintenance/", {}).status_code == 404
    assert Api(dy["dy_center"]).get(f"/accounts/{mine.pk}").status_code == 404
    mine.refresh_from_db()
    assert mine.introduction != "越权" and not mine.filings.exists()


# --- filings (R4.2-6) ------------------------------------------------------------------------------------


def test_r4_2_6_filings_are_reviewed_only_by_the_accounts_own_county_office(
    login: Any, cast: dict[str, User], make_account: Any, dy: dict[str, Any]
) -> None:
    mine = services.create_filing(cast["edu_admin"], make_account(), "new")
    theirs = services.create_filing(dy["dy_center"], dy_account(dy), "new")
    assert mine.status == theirs.status == Filing.Status.SUBMITTED
    assert not can(dy["dy_office_leader"], "registry.review", mine)
    assert not can(cast["office_leader"], "registry.review", theirs)
    with pytest.raises(PermissionDenied):
        services.review_filing(dy["dy_office_leader"], mine, "accept")
    with pytest.raises(PermissionDenied):
        services.review_filing(cast["office_leader"], theirs, "accept")
    client = login("dy_office_leader")
    assert client.get(f"/registry/filings/{mine.pk}/").status_code == 404
    assert client.post(f"/registry/filings/{mine.pk}/", {"decision": "accept"}).status_code == 404
    assert (
        Api(dy["dy_office_leader"]).post(f"/filings/{mine.pk}/review", {"decision": "accept"}).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.status == Filing.Status.SUBMITTED

    def to_review(user: User) -> set[str]:
        return {i.url for i in items_for(user) if i.kind == "备案审核"}

    mine_url, theirs_url = f"/registry/filings/{mine.pk}/", f"/registry/filings/{theirs.pk}/"
    assert theirs_url in to_review(dy["dy_office_leader"]) and mine_url not in to_review(
        dy["dy_office_leader"]
    )
    assert mine_url in to_review(cast["office_leader"]) and theirs_url not in to_review(cast["office_leader"])
    for user in (dy["dy_office_leader"], cast["office_leader"]):
        assert count_for(user) == len(items_for(user))
    services.review_filing(dy["dy_office_leader"], theirs, "accept")
    theirs.refresh_from_db()
    assert theirs.status == Filing.Status.ACCEPTED and theirs.reviewed_by == dy["dy_office_leader"]


def test_r4_2_6_the_centres_todo_holds_only_its_own_countys_filings_and_verifications(
    cast: dict[str, User], make_account: Any, dy: dict[str, Any]
) -> None:
    mine = make_account()
    draft = services.create_filing(cast["edu_admin"], mine, "new", submit=False)
    theirs = dy_account(dy)
    their_draft = services.create_filing(dy["dy_center"], theirs, "new", submit=False)
    soon = timezone.localdate() + timedelta(days=10)
    Account.objects.filter(pk__in=[mine.pk, theirs.pk]).update(verified=True, verification_expires_on=soon)

    def urls(user: User) -> set[str]:
        return {i.url for i in items_for(user) if i.kind in ("账号备案", "认证延期")}

    ours = {f"/registry/filings/{draft.pk}/", f"/registry/accounts/{mine.pk}/verification/"}
    others = {f"/registry/filings/{their_draft.pk}/", f"/registry/accounts/{theirs.pk}/verification/"}
    assert ours <= urls(cast["center"]) and not others & urls(cast["center"])
    assert others <= urls(dy["dy_center"]) and not ours & urls(dy["dy_center"])
    for user in (cast["center"], dy["dy_center"]):
        assert count_for(user) == len(items_for(user))


# --- security officers and operators (R6.1-2, R3.2.3) ------------------------------------------------------


def test_r6_1_2_the_security_officer_is_a_person_of_the_accounts_county(
    cast: dict[str, User], make_account: Any, dy: dict[str, Any]
) -> None:
    theirs = Account.objects.select_related("unit").get(pk=dy["accounts"]["town"].pk)
    with pytest.raises(ValidationError):  # county-level, but of the other county
        services.set_security_officer(dy["dy_center"], theirs, cast["center"])
    people = choices(SecurityOfficerForm(account=theirs), "officer")
    assert cast["center"] not in people and cast["office_leader"] not in people
    assert {dy["dy_center"], dy["dy_office_leader"], dy["dy_town_admin"]} <= people
    assert (
        services.set_security_officer(dy["dy_center"], theirs, dy["dy_center"]).security_officer
        == dy["dy_center"]
    )
    mine = Account.objects.select_related("unit").get(pk=make_account().pk)
    with pytest.raises(ValidationError):
        services.set_security_officer(cast["center"], mine, dy["dy_center"])


def test_r3_2_3_operators_are_people_of_the_accounts_county_and_others_must_be_revoked(
    login: Any, cast: dict[str, User], dy: dict[str, Any]
) -> None:
    theirs = Account.objects.select_related("unit").get(pk=dy["accounts"]["town"].pk)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.grant_operator(dy["dy_center"], theirs, cast["center"], today)
    assert cast["center"] not in choices(OperatorGrantForm(account=theirs), "user")
    ok = services.grant_operator(dy["dy_center"], theirs, dy["dy_center"], today)
    # a grant from before the counties were told apart: the demo centre's person on the neighbour's account
    stray = OperatorGrant.objects.create(account=theirs, user=cast["center"], granted_on=today)
    due = list(grants.active_grants(dy["dy_center"], due_only=True))
    assert stray in due and ok not in due
    row = next(r for r in grants.rows(due) if r.grant == stray)
    assert row.must_revoke and "不在本单位" in row.problem
    # the demo county neither sees nor touches the neighbour's grants
    assert stray not in grants.active_grants(cast["center"], due_only=False)
    assert login("center").post(f"/registry/grants/{stray.pk}/revoke/").status_code == 404
    assert OperatorGrant.objects.get(pk=stray.pk).revoked_on is None
