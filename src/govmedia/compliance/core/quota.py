"""Mass-send quota (R5.6-1): a 订阅号 sends one mass message per calendar day, a 服务号 four per calendar
month, both counted in Asia/Shanghai."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .findings import BLOCK, Finding

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUOTAS = {"subscription": (1, "day"), "service": (4, "month")}
KIND_LABELS = {"subscription": "订阅号", "service": "服务号"}


@dataclass(frozen=True)
class Quota:
    allowed: bool
    used: int
    limit: int
    period: str  # "day" | "month"
    period_start: datetime
    next_period: datetime  # when the count starts afresh

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def _local(moment: datetime) -> datetime:
    # A naive time is taken as Beijing time, the only clock the county keeps.
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


def _period(moment: datetime, period: str) -> tuple[datetime, datetime]:
    day = moment.date()
    if period == "day":
        start = day
        end = day + timedelta(days=1)
    else:
        start = day.replace(day=1)
        end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return datetime.combine(start, time(), SHANGHAI), datetime.combine(end, time(), SHANGHAI)


def mass_send_quota(account_kind: str, sent: Iterable[datetime], at: datetime) -> Quota:
    """Whether one more mass send is allowed at `at`, given the times of earlier mass sends."""
    if account_kind not in QUOTAS:
        raise ValueError(f"未知的微信账号类型“{account_kind}”（应为 subscription 或 service）")
    limit, period = QUOTAS[account_kind]
    start, end = _period(_local(at), period)
    used = sum(1 for moment in sent if start <= _local(moment) < end)
    return Quota(used < limit, used, limit, period, start, end)


def quota_finding(account_kind: str, quota: Quota) -> Finding | None:
    if quota.allowed:
        return None
    when = "今天" if quota.period == "day" else "本月"
    per = "每天" if quota.period == "day" else "每月"
    return Finding(
        "wechat.mass_send.quota",
        "5.6",
        BLOCK,
        "account",
        f"{KIND_LABELS[account_kind]}{per}只能群发{quota.limit}条消息（{when}已群发{quota.used}条）",
        value=quota.used,
        limit=quota.limit,
    )
