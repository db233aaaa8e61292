"""Pure rules of the register: which deadline a filing gets (4.2), lateness, and the name check (4.1).

No Django imports: the services feed these functions plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

NEW, EXISTING, CLOSE_CHANGE, EMERGENCY_SHUTDOWN, PERSONNEL_CHANGE = (
    "new",
    "existing",
    "close_change",
    "emergency_shutdown",
    "personnel_change",
)


@dataclass(frozen=True)
class DeadlineRule:
    rule: str  # "after_workdays" | "before_workdays", as govmedia.calendar understands it
    n: int
    clause: str
    text: str


FILING_DEADLINES: dict[str, DeadlineRule] = {
    NEW: DeadlineRule("before_workdays", 5, "4.2", "新开通政务新媒体应提前5个工作日备案"),
    EXISTING: DeadlineRule("after_workdays", 30, "4.2", "已开通政务新媒体自标准实施之日起30个工作日内备案"),
    CLOSE_CHANGE: DeadlineRule("before_workdays", 5, "4.2", "关闭或变更政务新媒体应提前5个工作日备案"),
    EMERGENCY_SHUTDOWN: DeadlineRule("after_workdays", 5, "4.2", "紧急关停的应在关停后5个工作日内备案"),
    PERSONNEL_CHANGE: DeadlineRule("after_workdays", 5, "4.2", "分管领导或管理人员变动应在5个工作日内备案"),
}


def filing_deadline(kind: str, event_date: date | None, effective_date: date) -> tuple[DeadlineRule, date]:
    """The rule and anchor date of a filing; existing accounts count from the standard's effective date."""
    rule = FILING_DEADLINES[kind]
    if kind == EXISTING:
        return rule, effective_date
    if event_date is None:
        raise ValueError("event_date required")
    return rule, event_date


def late_workdays(due_date: date, submitted_on: date, is_workday: Callable[[date], bool]) -> int:
    """Working days in (due_date, submitted_on]: 0 when filed on or before the due date."""
    count = 0
    day = due_date + timedelta(days=1)
    while day <= submitted_on:
        if is_workday(day):
            count += 1
        day += timedelta(days=1)
    return count


# ---- name check (4.1, 《互联网用户账号名称管理规定》) ----


@dataclass(frozen=True)
class NameWarning:
    code: str
    message: str


@dataclass(frozen=True)
class OtherUnit:
    name: str
    short_name: str


@dataclass(frozen=True)
class SiblingAccount:
    """Another live account of the same unit."""

    name: str
    type: str
    type_label: str


def check_name(
    name: str,
    account_type: str,
    unit_name: str,
    unit_short_name: str,
    other_units: Iterable[OtherUnit],
    forbidden_words: Iterable[str],
    siblings: Iterable[SiblingAccount],
) -> list[NameWarning]:
    """Automatic warnings for an account name; a reviewer still judges the name and the avatar."""
    warnings: list[NameWarning] = []
    name = name.strip()
    own = [n for n in (unit_name, unit_short_name) if n]
    if not any(n in name for n in own):
        shown = "或".join(f"“{n}”" for n in own)
        warnings.append(NameWarning("name.unit", f"账号名称未体现开通单位（应包含{shown}）"))
    for other in other_units:
        hits = [n for n in (other.name, other.short_name) if n and n in name and not any(n in o for o in own)]
        if hits:
            warnings.append(
                NameWarning("name.impersonation", f"账号名称含有其他单位名称“{hits[0]}”，可能造成冒用")
            )
    for word in forbidden_words:
        if word and word in name:
            warnings.append(NameWarning("name.forbidden", f"账号名称含有禁用词“{word}”"))
    sibling_list = list(siblings)
    other_names = sorted({s.name for s in sibling_list if s.name != name})
    if other_names:
        warnings.append(
            NameWarning("name.inconsistent", f"与本单位其他平台账号名称不一致（{'、'.join(other_names)}）")
        )
    same_platform = [s for s in sibling_list if s.type == account_type and account_type != "other"]
    if same_platform:
        warnings.append(
            NameWarning(
                "account.duplicate_platform",
                f"本单位在{same_platform[0].type_label}平台已有账号“{same_platform[0].name}”，原则上一个单位在同一平台只开设一个账号",
            )
        )
    return warnings


# 3.2.3: who may operate which account is reviewed periodically; every quarter, and at once when the person
# has left or moved to another unit.
GRANT_REVIEW_DAYS = 90


def grant_review_problem(
    granted_on: date,
    reviewed_on: date | None,
    today: date,
    person_active: bool,
    person_in_unit: bool,
) -> str:
    """Why an active operator grant needs review now, or "" when it does not."""
    if not person_active:
        return "人员已停用，应撤销授权"
    if not person_in_unit:
        return "人员已不在本单位，应撤销授权"
    due = (reviewed_on or granted_on) + timedelta(days=GRANT_REVIEW_DAYS)
    if due <= today:
        return f"已超过{GRANT_REVIEW_DAYS}天未复核"
    return ""
