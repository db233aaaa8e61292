"""The inspection lines (B-5) as pure functions: each line, its boundary and its warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from govmedia.reports.indicators import FAIL, NA, PASS, WARN, Facts, add_months, judge

TODAY = date(2026, 11, 27)
OK = Facts(
    account_id=1,
    name="姚安发布",
    unit="姚安县人民政府",
    type_label="微博",
    status="operating",
    status_label="运营中",
    registered_on=date(2020, 1, 1),
    opened_on=date(2020, 1, 1),
    last_update=TODAY - timedelta(days=2),
    has_interaction=True,
    verified=True,
    verification_expires_on=date(2027, 6, 1),
)


def line(facts: Facts, code: str, today: date = TODAY) -> tuple[str, str]:
    result = judge(facts, today).line(code)
    return result.status, result.reason


def test_b5_a_healthy_account_passes_every_line() -> None:
    verdict = judge(OK, TODAY)
    assert verdict.passed and not verdict.reasons and not verdict.warnings


def test_b5_two_weeks_without_update_is_a_veto_with_a_warning_before() -> None:
    assert line(replace(OK, last_update=TODAY - timedelta(days=14)), "update")[0] == WARN  # crosses tomorrow
    assert line(replace(OK, last_update=TODAY - timedelta(days=11)), "update")[0] == PASS
    assert "再过3天" in line(replace(OK, last_update=TODAY - timedelta(days=12)), "update")[1]
    status, reason = line(replace(OK, last_update=TODAY - timedelta(days=15)), "update")
    assert status == FAIL and "2周内无更新" in reason and "15天" in reason
    verdict = judge(replace(OK, last_update=TODAY - timedelta(days=15)), TODAY)
    assert not verdict.passed and verdict.vetoed


def test_b5_never_updated_counts_from_opening() -> None:
    status, reason = line(replace(OK, last_update=None, opened_on=TODAY - timedelta(days=30)), "update")
    assert status == FAIL and "开通以来没有发布记录" in reason


def test_b5_idle_over_a_year_is_a_zombie_candidate() -> None:
    assert line(replace(OK, last_update=TODAY - timedelta(days=365)), "zombie")[0] == WARN
    status, reason = line(replace(OK, last_update=TODAY - timedelta(days=366)), "zombie")
    assert status == FAIL and "僵尸号" in reason
    assert line(replace(OK, last_update=TODAY - timedelta(days=100)), "zombie")[0] == PASS


def test_b5_interaction_function() -> None:
    status, reason = line(replace(OK, has_interaction=False), "interaction")
    assert status == FAIL and "互动功能" in reason
    assert line(replace(OK, has_interaction=False, status="planned"), "interaction")[0] == NA


def test_b5_messages_unanswered_over_three_months() -> None:
    status, reason = line(replace(OK, unanswered_over_limit=2), "unanswered")
    assert status == FAIL and "2条" in reason
    oldest = add_months(TODAY, -3) + timedelta(days=1)
    status, reason = line(replace(OK, oldest_open_message=oldest), "unanswered")
    assert status == WARN and "3个月" in reason
    fresh = replace(OK, oldest_open_message=TODAY - timedelta(days=10))
    assert line(fresh, "unanswered")[0] == PASS


def test_b5_filings_missing_late_and_due_soon() -> None:
    assert line(replace(OK, filing_missing=True), "filing") == (FAIL, "未完成备案")
    assert "逾期" in line(replace(OK, filing_late=True), "filing")[1]
    assert line(replace(OK, filing_missing=True, status="planned"), "filing")[0] == PASS
    assert line(replace(OK, filing_due=TODAY + timedelta(days=2)), "filing")[0] == WARN
    assert line(replace(OK, filing_due=TODAY + timedelta(days=20)), "filing")[0] == PASS


def test_b5_verification_missing_expired_or_expiring() -> None:
    assert line(replace(OK, verified=False), "verification") == (FAIL, "未完成实名认证")
    status, reason = line(replace(OK, verification_expires_on=TODAY - timedelta(days=1)), "verification")
    assert status == FAIL and "2026年11月26日到期" in reason
    assert line(replace(OK, verification_expires_on=TODAY + timedelta(days=1)), "verification")[0] == WARN
    assert line(replace(OK, verification_expires_on=TODAY), "verification")[0] == WARN


def test_b5_lines_that_do_not_apply_to_accounts_not_operating() -> None:
    verdict = judge(replace(OK, status="shutdown", last_update=None, has_interaction=False), TODAY)
    assert verdict.line("update").status == NA and verdict.passed


def test_add_months_clamps_month_ends() -> None:
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
