"""Every change to units, people and roles goes through here: permission, transaction, audit."""

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from govmedia.audit.services import record

from .models import County, RoleGrant, Unit, User, separation_problem
from .permissions import require, rule


@rule("org.manage")
def _manage_org(user: Any, obj: Any) -> bool:
    """The system administrator keeps their own county's units and people."""
    if not user.has_role("sysadmin") or user.county_id is None:
        return False
    if isinstance(obj, County):
        return bool(obj.pk == user.county_id)
    if isinstance(obj, Unit):
        return obj.county_id in (None, user.county_id)
    if isinstance(obj, User):
        moves_in = obj.unit is None or obj.unit.county_id == user.county_id
        was_in = not obj.pk or User.objects.filter(pk=obj.pk, unit__county=user.county_id).exists()
        return moves_in and was_in
    return True


UNIT_FIELDS = ("name", "short_name", "kind", "order", "is_active")
COUNTY_FIELDS = ["portal_domains"]
PERSON_FIELDS = ("username", "full_name", "unit_id", "title", "mobile", "office_phone", "email", "is_active")


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def save_unit(actor: Any, unit: Unit, request: Any = None) -> Unit:
    require(actor, "org.manage", unit)
    unit.county_id = unit.county_id or actor.county_id
    with transaction.atomic():
        before = None
        if unit.pk:
            before = _snapshot(Unit.objects.select_for_update().get(pk=unit.pk), UNIT_FIELDS)
        unit.save()
        record(
            "org.unit_saved",
            actor=actor,
            obj=unit,
            before=before,
            after=_snapshot(unit, UNIT_FIELDS),
            request=request,
        )
    return unit


def save_person(
    actor: Any, person: User, roles: Iterable[str], initial_password: str = "", request: Any = None
) -> User:
    """Create or update a person, their roles and, when given, a new initial password."""
    require(actor, "org.manage", person)
    roles = sorted(set(roles))
    with transaction.atomic():
        before = None
        if person.pk:
            old = User.objects.select_for_update().get(pk=person.pk)
            before = {**_snapshot(old, PERSON_FIELDS), "roles": sorted(old.role_codes())}
        if person.pk == actor.pk and before and sorted(before["roles"]) != roles:
            require(actor, "org.grant_own_roles")  # nobody grants themselves a role
        if problem := separation_problem(roles):
            raise ValidationError({"roles": [problem]})
        if initial_password:
            person.set_password(initial_password)
            person.must_change_password = True
        elif not person.pk:
            person.set_unusable_password()
        person.save()
        RoleGrant.objects.filter(user=person).exclude(role__in=roles).delete()
        for role in roles:
            RoleGrant.objects.get_or_create(user=person, role=role)
        person._role_codes = set(roles)
        after = {**_snapshot(person, PERSON_FIELDS), "roles": roles, "password_reset": bool(initial_password)}
        record("org.person_saved", actor=actor, obj=person, before=before, after=after, request=request)
    return person


DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_PORTAL_DOMAINS = 10


def save_portal_domains(actor: Any, county: County, text: str, request: Any = None) -> County:
    """The county government portal's domains (R5.4-1), as the sysadmin types them: separated by commas,
    Chinese commas or spaces; empty for the instance's setting (`COUNTY_PORTAL_DOMAINS`)."""
    require(actor, "org.manage", county)
    domains = list(dict.fromkeys(d.lower() for d in re.split(r"[,，、\s]+", text) if d))
    if bad := [d for d in domains if not DOMAIN.match(d)]:
        shown = "、".join(bad[:3])
        message = f"域名格式不正确：{shown}。应为 www.example.gov.cn 这样的域名，不含 http:// 和路径。"
        raise ValidationError({"portal_domains": [message]})
    if len(domains) > MAX_PORTAL_DOMAINS:
        raise ValidationError({"portal_domains": [f"最多填写{MAX_PORTAL_DOMAINS}个域名。"]})
    value = ",".join(domains)
    if len(value) > County._meta.get_field("portal_domains").max_length:  # type: ignore[operator]
        raise ValidationError({"portal_domains": ["域名总长度超出限制，请删去不需要的域名。"]})
    with transaction.atomic():
        locked = County.objects.select_for_update().get(pk=county.pk)
        before = _snapshot(locked, COUNTY_FIELDS)
        locked.portal_domains = value
        locked.save(update_fields=COUNTY_FIELDS)
        record(
            "org.county_saved",
            actor=actor,
            obj=locked,
            before=before,
            after=_snapshot(locked, COUNTY_FIELDS),
            request=request,
        )
    return locked
