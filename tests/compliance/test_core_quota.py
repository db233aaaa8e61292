"""Mass-send quota (R5.6-1): 订阅号 1 a calendar day, 服务号 4 a calendar month, in Asia/Shanghai."""

from datetime import UTC, datetime, timedelta

import pytest

from govmedia.compliance.core.quota import SHANGHAI, mass_send_quota, quota_finding


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[arg-type,misc]


def test_r5_6_1_subscription_one_a_day() -> None:
    assert mass_send_quota("subscription", [], bj(2026, 11, 27, 9)).allowed
    quota = mass_send_quota("subscription", [bj(2026, 11, 27, 0, 5)], bj(2026, 11, 27, 23, 59))
    assert not quota.allowed and quota.used == 1 and quota.limit == 1
    assert quota.next_period == bj(2026, 11, 28)
    finding = quota_finding("subscription", quota)
    assert finding is not None and finding.rule == "wechat.mass_send.quota"
    assert finding.message == "订阅号每天只能群发1条消息（今天已群发1条）"


def test_r5_6_1_day_boundary_is_beijing_midnight() -> None:
    # 2026-11-27 23:30 Beijing is 15:30 UTC; the next send at 00:10 Beijing is another day.
    sent = [datetime(2026, 11, 27, 15, 30, tzinfo=UTC)]
    assert mass_send_quota("subscription", sent, bj(2026, 11, 28, 0, 10)).allowed
    assert not mass_send_quota("subscription", sent, bj(2026, 11, 27, 23, 50)).allowed


def test_r5_6_1_service_four_a_month() -> None:
    sent = [bj(2026, 2, d, 10) for d in (1, 5, 9)]
    assert mass_send_quota("service", sent, bj(2026, 2, 28, 23)).allowed
    sent.append(bj(2026, 2, 20, 10))
    quota = mass_send_quota("service", sent, bj(2026, 2, 28, 23))
    assert not quota.allowed and quota.remaining == 0 and quota.next_period == bj(2026, 3, 1)
    assert mass_send_quota("service", sent, bj(2026, 3, 1, 0, 0)).allowed
    assert quota_finding("service", quota).message == "服务号每月只能群发4条消息（本月已群发4条）"  # type: ignore[union-attr]


def test_r5_6_1_december_rolls_into_january() -> None:
    quota = mass_send_quota(
        "service", [bj(2026, 12, 31, 23) - timedelta(days=i) for i in range(4)], bj(2026, 12, 31, 23, 59)
    )
    assert not quota.allowed and quota.next_period == bj(2027, 1, 1)


def test_r5_6_1_naive_times_are_beijing_time() -> None:
    assert not mass_send_quota(
        "subscription", [datetime(2026, 11, 27, 8)], datetime(2026, 11, 27, 20)
    ).allowed


def test_r5_6_1_unknown_account_kind() -> None:
    with pytest.raises(ValueError, match="未知的微信账号类型"):
        mass_send_quota("channel", [], bj(2026, 1, 1))
