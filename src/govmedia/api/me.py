from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govmedia.org.models import Unit

router = Router(tags=["机构"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str


class MeOut(Schema):
    username: str
    full_name: str
    unit: UnitOut | None
    roles: list[str]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "unit": user.unit,
        "roles": sorted(user.role_codes()),
    }


@router.get("/units", response=list[UnitOut], summary="单位列表")
def units(request: HttpRequest) -> list[Unit]:
    """The active units of the caller's own county (another county's units are not listed)."""
    user: Any = request.user
    return list(Unit.objects.filter(is_active=True, county__isnull=False, county=user.county_id))
