"""The national inspection lines for government new media (政府网站与政务新媒体检查指标, B-5), as pure
functions of plain facts about one account and the day of inspection. No Django imports.

Lines (the single-veto lines of the national indicators first):
- 内容更新 (veto): no update within the 2 weeks before the monitoring day.
- 互动功能 (veto): no effective interaction function.
- 互动回应 (veto): valid messages left unanswered for more than 3 months.
- 僵尸号: no update for more than a year: a candidate for rectification or closure.
- 备案: filing missing, or filed late / not filed by its deadline (county standard 4.2).
- 实名认证: verification missing or expired.
Each line passes, fails (with a Chinese reason) or warns that it will be crossed in N days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from govmedia.web.markup import day

UPDATE_DAYS = 14
ZOMBIE_DAYS = 365
UNANSWERED_MONTHS = 3
WARN_DAYS = 3

PASS, FAIL, WARN, NA = "pass", "fail", "warn", "na"
STATUS_LABELS = {PASS: "合格", FAIL: "不合格", WARN: "预警", NA: "不适用"}

# Account statuses (registry.AccountStatus values) to which the operating lines apply.
OPERATING = "operating"
NOT_FILED_YET = {"planned"}
GONE = {"deregistered"}


@dataclass(frozen=True)
class Facts:
    account_id: int
    name: str
    unit: str
    type_label: str
    status: str
    status_label: str
    registered_on: date
    opened_on: date | None = None
    last_update: date | None = None
    has_interaction: bool = False
    unanswered_over_limit: int = 0
    oldest_open_message: date | None = None
    filing_missing: bool = False
    filing_late: bool = False
    filing_due: date | None = None
    verified: bool = False
    verification_expires_on: date | None = None
    unit_id: int | None = None
    county_id: int | None = None


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    veto: bool
    status: str
    reason: str = ""
    days_left: int | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Verdict:
    facts: Facts
    lines: list[Line] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(line.status == FAIL for line in self.lines)

    @property
    def vetoed(self) -> bool:
        return any(line.status == FAIL and line.veto for line in self.lines)

    @property
    def reasons(self) -> list[str]:
        return [line.reason for line in self.lines if line.status == FAIL]

    @property
    def warnings(self) -> list[str]:
        return [line.reason for line in self.lines if line.status == WARN]

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.code == code)


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year = d.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _idle_line(
    code: str, label: str, veto: bool, facts: Facts, today: date, limit: int, warn_days: int, fail_text: str
) -> Line:
    start = facts.last_update or facts.opened_on or facts.registered_on
    idle = (today - start).days
    since = f"最近一次更新于{day(facts.last_update)}" if facts.last_update else "开通以来没有发布记录"
    if idle > limit:
        return Line(code, label, veto, FAIL, f"{since}，已{idle}天未更新，{fail_text}")
    days_left = limit + 1 - idle
    if days_left <= warn_days:
        return Line(
            code, label, veto, WARN, f"{since}，再过{days_left}天未更新将{fail_text}", days_left=days_left
        )
    return Line(code, label, veto, PASS, since, days_left=days_left)


def update_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status != OPERATING:
        return Line("update", "内容更新", True, NA, "账号未在运营")
    return _idle_line(
        "update",
        "内容更新",
        True,
        facts,
        today,
        UPDATE_DAYS,
        warn_days,
        "触及“监测时间点前2周内无更新”单项否决",
    )


def zombie_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status != OPERATING:
        return Line("zombie", "僵尸号", False, NA, "账号未在运营")
    return _idle_line(
        "zombie",
        "僵尸号",
        False,
        facts,
        today,
        ZOMBIE_DAYS,
        warn_days,
        "超过1年未更新，属“僵尸号”，应整改或关停注销",
    )


def interaction_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status != OPERATING:
        return Line("interaction", "互动功能", True, NA, "账号未在运营")
    if facts.has_interaction:
        return Line("interaction", "互动功能", True, PASS, "有留言办理记录或已接入消息接收")
    return Line(
        "interaction", "互动功能", True, FAIL, "未发现有效互动功能（无留言记录，也未接入平台消息接收）"
    )


def unanswered_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status in GONE:
        return Line("unanswered", "互动回应", True, NA, "账号已注销")
    if facts.unanswered_over_limit:
        return Line(
            "unanswered",
            "互动回应",
            True,
            FAIL,
            f"有{facts.unanswered_over_limit}条有效留言超过3个月未回复办结",
        )
    if facts.oldest_open_message is not None:
        crossing = add_months(facts.oldest_open_message, UNANSWERED_MONTHS) + timedelta(days=1)
        days_left = (crossing - today).days
        if days_left <= warn_days:
            return Line(
                "unanswered",
                "互动回应",
                True,
                WARN,
                f"{day(facts.oldest_open_message)}收到的留言尚未办结，"
                f"再过{max(days_left, 0)}天将超过3个月未回复",
                days_left=max(days_left, 0),
            )
        return Line("unanswered", "互动回应", True, PASS, "未办结留言均未超过3个月", days_left=days_left)
    return Line("unanswered", "互动回应", True, PASS, "没有未办结的留言")


def filing_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status in GONE:
        return Line("filing", "备案", False, NA, "账号已注销")
    reasons = []
    if facts.filing_missing and facts.status not in NOT_FILED_YET:
        reasons.append("未完成备案")
    if facts.filing_late:
        reasons.append("备案逾期（未在规定时限内报送）")
    if reasons:
        return Line("filing", "备案", False, FAIL, "；".join(reasons))
    if facts.filing_due is not None:
        days_left = (facts.filing_due - today).days
        if days_left <= warn_days:
            return Line(
                "filing",
                "备案",
                False,
                WARN,
                f"备案须于{day(facts.filing_due)}前报送，还剩{days_left}天",
                days_left,
            )
        return Line("filing", "备案", False, PASS, f"备案须于{day(facts.filing_due)}前报送", days_left)
    return Line("filing", "备案", False, PASS, "已按时备案")


def verification_line(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Line:
    if facts.status != OPERATING:
        return Line("verification", "实名认证", False, NA, "账号未在运营")
    exp = facts.verification_expires_on
    if not facts.verified:
        return Line("verification", "实名认证", False, FAIL, "未完成实名认证")
    if exp is None:
        return Line("verification", "实名认证", False, PASS, "已认证（长期有效）")
    if exp < today:
        return Line("verification", "实名认证", False, FAIL, f"实名认证已于{day(exp)}到期")
    days_left = (exp - today).days + 1
    if days_left <= warn_days:
        return Line(
            "verification",
            "实名认证",
            False,
            WARN,
            f"实名认证将于{day(exp)}到期，{days_left}天后失效",
            days_left,
        )
    return Line("verification", "实名认证", False, PASS, f"认证有效期至{day(exp)}", days_left)


LINES = (update_line, interaction_line, unanswered_line, zombie_line, filing_line, verification_line)
LINE_LABELS = {
    "update": "内容更新（2周）",
    "interaction": "互动功能",
    "unanswered": "互动回应（3个月）",
    "zombie": "僵尸号（1年）",
    "filing": "备案",
    "verification": "实名认证",
}


def judge(facts: Facts, today: date, warn_days: int = WARN_DAYS) -> Verdict:
    return Verdict(facts, [fn(facts, today, warn_days) for fn in LINES])
