"""Which review steps a post needs (R5.4-1 … R5.4-4): a pure policy, no Django imports."""

from dataclasses import dataclass
from enum import StrEnum


class StepKind(StrEnum):
    LEGALITY = "legality"
    SECRECY = "secrecy"
    CENTER_PROPOSAL = "center_proposal"
    OFFICE_APPROVAL = "office_approval"
    COUNTY_APPROVAL = "county_approval"
    UNIT_APPROVAL = "unit_approval"


STEP_LABELS = {
    StepKind.LEGALITY: "合法性审查",
    StepKind.SECRECY: "保密审查",
    StepKind.CENTER_PROPOSAL: "县电子政务中心拟办意见",
    StepKind.OFFICE_APPROVAL: "县政府办公室领导审批",
    StepKind.COUNTY_APPROVAL: "县人民政府领导审批",
    StepKind.UNIT_APPROVAL: "单位领导审签",
}

# The role that decides each step (CONTRACT.md "Who acts").
STEP_ROLES = {
    StepKind.LEGALITY: "legal_reviewer",
    StepKind.SECRECY: "secrecy_reviewer",
    StepKind.CENTER_PROPOSAL: "center_staff",
    StepKind.OFFICE_APPROVAL: "office_leader",
    StepKind.COUNTY_APPROVAL: "county_leader",
    StepKind.UNIT_APPROVAL: "unit_leader",
}

# Steps whose deadline the standard sets: the centre's proposal within 1 working day of receipt.
STEP_WORKDAYS = {StepKind.CENTER_PROPOSAL: 1}


class RouteError(ValueError):
    """The targets cannot share one route; the message is shown to the author."""


@dataclass(frozen=True)
class Target:
    """A target account as the policy sees it: is it one of the county government's own accounts?"""

    county_account: bool


def route(*, portal: bool, targets: list[Target], sensitive: bool) -> list[StepKind]:
    """The ordered review steps for a post.

    - Content already on the county portal goes straight to publishing (R5.4-1).
    - A unit's content for the county accounts: legality, secrecy, the centre's proposal, then a county
      office leader (a county government leader when the centre marks it important) (R5.4-2, R5.4-4).
    - A unit's content on its own accounts: legality, secrecy, the unit leader; sensitive content also
      goes to the county office (R5.4-3).
    """
    if not targets:
        raise RouteError("请至少选择一个发布账号。")
    if portal:
        return []
    county = {t.county_account for t in targets}
    if len(county) > 1:
        raise RouteError("报县级账号的信息与本单位账号的信息审批流程不同，请分别建稿。")
    steps = [StepKind.LEGALITY, StepKind.SECRECY]
    if county == {True}:
        return [*steps, StepKind.CENTER_PROPOSAL, StepKind.OFFICE_APPROVAL]
    steps.append(StepKind.UNIT_APPROVAL)
    if sensitive:
        steps.append(StepKind.OFFICE_APPROVAL)
    return steps
