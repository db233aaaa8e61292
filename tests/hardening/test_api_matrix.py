"""The REST API from its own OpenAPI document: every operation refuses an anonymous caller with 401, and
a unit's rows answer 404 to another unit's token."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from govmedia.org.models import ApiToken, User

from .urlmap import _town_account, _town_incident, _town_inquiry, _town_post


def _operations() -> list[tuple[str, str]]:
    doc = json.loads(Client().get("/api/v1/openapi.json").content)
    return [(method.upper(), path) for path, ops in doc["paths"].items() for method in ops]


def _token(username: str) -> str:
    _, key = ApiToken.issue(User.objects.get(username=username))
    return key


@pytest.mark.django_db
def test_every_operation_refuses_anonymous_callers() -> None:
    operations = _operations()
    assert len(operations) > 20
    client = Client()
    for method, path in operations:
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
            response = client.generic(method, concrete, "{}", content_type="application/json", **headers)
            assert response.status_code == 401, (method, concrete, response.status_code)
            assert "令牌" in response.json()["detail"]


@pytest.mark.django_db
def test_another_units_rows_answer_404_and_own_rows_200() -> None:
    paths = [
        f"/api/v1/accounts/{_town_account()}",
        f"/api/v1/posts/{_town_post()}",
        f"/api/v1/inquiries/{_town_inquiry()}",
    ]
    operations = {p for _, p in _operations()}
    paths = [
        p for p in paths if re.sub(r"/\d+$", "/{", p) in {re.sub(r"\{[^}]+\}$", "{", o) for o in operations}
    ]
    assert paths
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {_token('edu_admin')}"}
    insider = {"HTTP_AUTHORIZATION": f"Bearer {_token('town_admin')}"}
    for path in paths:
        assert Client().get(path, **outsider).status_code == 404, path
        assert Client().get(path, **insider).status_code == 200, path
    incident = f"/api/v1/incidents/{_town_incident()}"
    if Client().get(incident, **{"HTTP_AUTHORIZATION": f"Bearer {_token('center')}"}).status_code == 200:
        assert Client().get(incident, **outsider).status_code == 404
