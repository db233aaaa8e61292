"""Who acts on which step (CONTRACT.md "Who acts"), as permission rules."""

from __future__ import annotations

from typing import Any

from govmedia.org.models import same_county, speaks_for
from govmedia.org.permissions import rule

from .models import Inquiry, PetitionChannel, Step, StepKind

# The role that holds each step; 县人民政府领导 may act wherever 县政府办公室领导 does.
STEP_ROLES: dict[str, str] = {
    StepKind.REGISTER: "center_staff",
    StepKind.INSTRUCT: "office_leader",
    StepKind.TRANSFER: "center_staff",
    StepKind.DRAFT_REPLY: "unit_admin",
    StepKind.SIGN_OFF: "unit_leader",
    StepKind.COMPILE: "center_staff",
    StepKind.REVIEW: "office_leader",
    StepKind.REPLY: "center_staff",
    StepKind.PETITION: "center_staff",
}


def acting_roles(user: Any) -> set[str]:
    """The step roles this person may hold."""
    roles = set(user.role_codes())
    if "county_leader" in roles:
        roles.add("office_leader")
    return roles


def holds(user: Any, step: Step) -> bool:
    """A unit's step is held by that unit's people; a county-level step (no unit) by the county-level
    people of the message's own county, never another county's."""
    if step.assignee_role not in acting_roles(user):
        return False
    if step.assignee_unit_id is not None:
        return bool(user.unit_id == step.assignee_unit_id)
    unit = user.unit
    return bool(
        unit
        and unit.is_county_level
        and step.inquiry_id is not None
        and speaks_for(unit, step.inquiry.account.unit)
    )


def in_county(user: Any, obj: Any) -> bool:
    """No object (an action on nothing yet), or a message of the person's own county."""
    return obj is None or (isinstance(obj, Inquiry) and same_county(user, obj.account.unit))


for _kind in StepKind:
    rule(f"inquiries.{_kind.value}")(lambda user, step: step is not None and holds(user, step))


@rule("inquiries.return")
def _may_return(user: Any, step: Step | None) -> bool:
    return step is not None and holds(user, step)


@rule("inquiries.create")
def _may_register(user: Any, obj: Any) -> bool:
    """Register messages (no object), or add screenshots to one of the own county's (the message)."""
    return user.has_role("center_staff") and in_county(user, obj)


@rule("inquiries.dispose")
def _may_dispose(user: Any, obj: Any) -> bool:
    return user.has_role("center_staff", "secadmin", "duty_officer") and in_county(user, obj)


@rule("inquiries.petition_channel")
def _may_edit_channel(user: Any, obj: Any) -> bool:
    """The centre and the system administrator edit their own county's channel (no object: the one they
    would edit); a person without a unit has no county, so no channel."""
    if not user.has_role("center_staff", "sysadmin") or user.county_id is None:
        return False
    return obj is None or (isinstance(obj, PetitionChannel) and obj.county_id == user.county_id)


@rule("inquiries.see_personal_data")
def _may_see_personal_data(user: Any, obj: Any) -> bool:
    """Senders' ids, phone and ID numbers unmasked in lists: the centre, which registers, replies and
    refers petitions. Everyone else (leaders, units, the three administrators) sees them masked."""
    return user.has_role("center_staff")
