"""`GET /api/v1/units` (CONTRACT.md) with two counties in one instance: the caller's own county's units only
(R3.1-1: people belong to the units of their county)."""

from typing import Any

import pytest

from govmedia.org.models import ApiToken, Unit, User

pytestmark = pytest.mark.django_db


def units(user: User, client: Any) -> set[int]:
    _, key = ApiToken.issue(user)
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    return {u["id"] for u in response.json()}


def test_r3_1_1_units_api_lists_only_the_callers_county(
    client: Any, cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    theirs = units(neighbour["people"]["dy_town_admin"], client)
    assert theirs == {u.pk for u in neighbour["units"].values()}
    mine = units(cast["town_admin"], client)
    county = cast["town_admin"].county_id
    assert mine == set(Unit.objects.filter(county=county, is_active=True).values_list("pk", flat=True))
    assert mine and not mine & theirs
