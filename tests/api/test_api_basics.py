"""REST API skeleton: bearer tokens, /me, units (CONTRACT.md REST API)."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from govmedia.org.models import ApiToken, User


def _bearer(user: User) -> dict[str, str]:
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_me_answers_with_unit_and_roles(cast: dict[str, User]) -> None:
    response = Client().get("/api/v1/me", **_bearer(cast["edu_admin"]))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "edu_admin" and body["roles"] == ["unit_admin"]
    assert body["unit"]["name"] == "县教育体育局" and body["unit"]["kind"] == "department"


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Token abc"])
def test_missing_or_bad_token_is_401(header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_tokens_are_stored_hashed(cast: dict[str, User]) -> None:
    token, key = ApiToken.issue(cast["center"])
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_units_list_has_kinds(cast: dict[str, User]) -> None:
    units = Client().get("/api/v1/units", **_bearer(cast["center"])).json()
    assert {"id", "name", "kind"} <= set(units[0])
    assert any(u["kind"] == "egov_center" for u in units)


def test_token_command_prints_a_working_token(db: Any) -> None:
    out = StringIO()
    call_command("token", "create", "office_leader", stdout=out, stderr=StringIO())
    key = json.loads(out.getvalue())["token"]
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"] == "office_leader"
    )


def test_token_command_unknown_user_exits_2(db: Any) -> None:
    before = ApiToken.objects.count()
    with pytest.raises(SystemExit) as exc:
        call_command("token", "create", "nobody", stdout=StringIO(), stderr=StringIO())
    assert exc.value.code == 2 and ApiToken.objects.count() == before


@pytest.mark.django_db
def test_openapi_document_is_served() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json()["info"]["title"]
