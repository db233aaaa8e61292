"""The route policy (R5.4-1 … R5.4-4), pure."""

import pytest

from govmedia.publishing.routes import RouteError, StepKind, Target, route

L, S = StepKind.LEGALITY, StepKind.SECRECY


def test_r5_4_1_portal_content_goes_straight_to_publishing() -> None:
    assert route(portal=True, targets=[Target(county_account=True)], sensitive=False) == []


def test_r5_4_2_units_content_for_county_accounts_goes_through_centre_and_office() -> None:
    assert route(portal=False, targets=[Target(True)], sensitive=False) == [
        L,
        S,
        StepKind.CENTER_PROPOSAL,
        StepKind.OFFICE_APPROVAL,
    ]


def test_r5_4_3_own_accounts_need_the_unit_leader_and_sensitive_also_the_office() -> None:
    assert route(portal=False, targets=[Target(False)], sensitive=False) == [L, S, StepKind.UNIT_APPROVAL]
    assert route(portal=False, targets=[Target(False)], sensitive=True) == [
        L,
        S,
        StepKind.UNIT_APPROVAL,
        StepKind.OFFICE_APPROVAL,
    ]


def test_mixed_targets_and_no_targets_are_refused_in_chinese() -> None:
    with pytest.raises(RouteError, match="分别建稿"):
        route(portal=False, targets=[Target(True), Target(False)], sensitive=False)
    with pytest.raises(RouteError, match="至少选择一个"):
        route(portal=False, targets=[], sensitive=False)
