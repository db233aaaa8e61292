"""Pure rules: filing deadline choice (R4.2-1…R4.2-5), lateness, name check (R4.1-1)."""

from datetime import date, timedelta

import pytest

from govmedia.registry import rules
from govmedia.registry.rules import OtherUnit, SiblingAccount, check_name


def _rn(kind: str) -> tuple[str, int]:
    rule = rules.FILING_DEADLINES[kind]
    return rule.rule, rule.n


def test_r4_2_deadline_rules_per_kind() -> None:
    """R4.2-1/-3 count before the planned date; R4.2-2/-4/-5 after the event."""
    assert _rn("new") == ("before_workdays", 5)
    assert _rn("close_change") == ("before_workdays", 5)
    assert _rn("existing") == ("after_workdays", 30)
    assert _rn("emergency_shutdown") == ("after_workdays", 5)
    assert _rn("personnel_change") == ("after_workdays", 5)


def test_r4_2_2_existing_accounts_count_from_effective_date_not_event() -> None:
    _, anchor = rules.filing_deadline("existing", date(2020, 1, 1), date(2026, 1, 1))
    assert anchor == date(2026, 1, 1)
    _, anchor = rules.filing_deadline("emergency_shutdown", date(2026, 3, 2), date(2026, 1, 1))
    assert anchor == date(2026, 3, 2)
    with pytest.raises(ValueError):
        rules.filing_deadline("new", None, date(2026, 1, 1))


def test_late_workdays_counts_after_due_date_through_submission() -> None:
    weekdays = lambda d: d.weekday() < 5  # noqa: E731
    friday = date(2026, 3, 6)
    assert rules.late_workdays(friday, friday, weekdays) == 0
    assert rules.late_workdays(friday, friday - timedelta(days=3), weekdays) == 0
    assert rules.late_workdays(friday, date(2026, 3, 8), weekdays) == 0  # the weekend only
    assert rules.late_workdays(friday, date(2026, 3, 9), weekdays) == 1
    assert rules.late_workdays(friday, date(2026, 3, 13), weekdays) == 5


OTHERS = [OtherUnit("姚安县公安局", "姚安公安"), OtherUnit("栋川镇", "姚安栋川镇")]


def _check(
    name: str,
    kind: str = "weibo",
    siblings: list[SiblingAccount] | None = None,
    words: tuple[str, ...] = ("中央",),
) -> set[str]:
    return {
        w.code
        for w in check_name(name, kind, "县教育体育局", "姚安教育体育局", OTHERS, words, siblings or [])
    }


def test_r4_1_1_name_showing_unit_passes() -> None:
    assert _check("姚安教育体育局") == set()
    assert _check("县教育体育局") == set()


def test_r4_1_1_name_without_unit_warns_in_chinese() -> None:
    warnings = check_name("快乐学习", "weibo", "县教育体育局", "姚安教育体育局", [], [], [])
    assert warnings[0].code == "name.unit" and "未体现开通单位" in warnings[0].message


def test_r4_1_1_impersonation_and_forbidden_words() -> None:
    assert "name.impersonation" in _check("姚安教育体育局姚安公安")
    assert "name.forbidden" in _check("中央姚安教育体育局")


def test_r4_1_1_inconsistent_names_and_second_account_on_platform() -> None:
    siblings = [SiblingAccount("姚安教育体育局", "wechat", "微信")]
    assert _check("姚安教育体育局", "weibo", siblings) == set()
    codes = _check("姚安教育体育局发布", "wechat", siblings)
    assert codes == {"name.inconsistent", "account.duplicate_platform"}
