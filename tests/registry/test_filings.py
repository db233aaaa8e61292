"""Filings (R4.2-1 … R4.2-6): deadlines on the wall calendar, lateness, review, effects on acceptance."""

from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.audit.models import Entry
from govmedia.registry import services
from govmedia.registry.models import Account, Filing
from govmedia.registry.services import InvalidState

pytestmark = pytest.mark.django_db


def at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=timezone.get_current_timezone())


def operating(make_account: Any, **kw: Any) -> Account:
    return make_account(opened_on=date(2020, 5, 1), planned_open_on=None, **kw)


def test_r4_2_1_new_account_due_five_workdays_before_planned_date_across_national_day(
    make_account, cast
) -> None:
    """DEADLINES.md example: planned to open on 2025-10-09 → filed by the end of 2025-09-25 (调休 Sunday)."""
    account = make_account(planned_open_on=date(2025, 10, 9))
    assert account.status == "planned"
    filing = services.create_filing(cast["edu_admin"], account, "new", submit=False)
    assert filing.deadline.due_date == date(2025, 9, 25)
    assert timezone.localtime(filing.deadline.due_at).time() == time(23, 59, 59)
    assert filing.deadline.rule == "before_workdays" and filing.deadline.provisional is False


def test_r4_2_4_emergency_shutdown_due_five_workdays_after(make_account, cast) -> None:
    """DEADLINES.md example: shutdown Friday 2025-09-26 → due end of 2025-10-10."""
    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"], account, "emergency_shutdown", date(2025, 9, 26), submit=False
    )
    assert filing.deadline.due_date == date(2025, 10, 10)
    account.refresh_from_db()
    assert account.status == "shutdown"  # the shutdown already happened; the filing reports it


def test_r4_2_5_personnel_change_due_five_workdays_after_counting_saturday_tiaoxiu(
    make_account, cast
) -> None:
    account = operating(make_account)
    proposed = {"admin_name": "王芳", "admin_mobile": "13908781077"}
    filing = services.create_filing(
        cast["edu_admin"], account, "personnel_change", date(2025, 9, 30), proposed=proposed, submit=False
    )
    # 10-01..08 holidays; 10-09, 10-10, Saturday 10-11 (调休), 10-13, 10-14.
    assert filing.deadline.due_date == date(2025, 10, 14)


def test_r4_2_3_close_due_five_workdays_before(make_account, cast) -> None:
    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"], account, "close_change", date(2025, 10, 13), action="close", submit=False
    )
    # 10-11 (Saturday 调休), 10-10, 10-09, 09-30, 09-29.
    assert filing.deadline.due_date == date(2025, 9, 29)


def test_r4_2_2_existing_account_counts_from_the_setting(make_account, cast, settings) -> None:
    settings.STANDARD_EFFECTIVE_DATE = "2025-09-26"
    account = operating(make_account)
    filing = services.create_filing(cast["edu_admin"], account, "existing", date(1999, 1, 1), submit=False)
    assert filing.event_date == date(2025, 9, 26)
    assert filing.deadline.due_date == date(2025, 11, 13)


def test_r4_2_4_late_filing_counts_working_days_late(make_account, cast) -> None:
    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"], account, "emergency_shutdown", date(2025, 9, 26), submit=False
    )
    filing = services.submit_filing(cast["edu_admin"], filing, at=at(date(2025, 10, 14)))
    # Saturday 10-11 (调休), Monday 10-13, Tuesday 10-14.
    assert filing.late is True and filing.late_workdays == 3
    filing.deadline.refresh_from_db()
    assert filing.deadline.met_at == at(date(2025, 10, 14))


def test_r4_2_filed_on_the_due_day_is_not_late_and_a_weekend_after_is(make_account, cast) -> None:
    account = operating(make_account)
    on_time = services.create_filing(
        cast["edu_admin"], account, "emergency_shutdown", date(2025, 9, 26), submit=False
    )
    on_time = services.submit_filing(cast["edu_admin"], on_time, at=at(date(2025, 10, 10), 23, 59))
    assert on_time.late is False and on_time.late_workdays == 0
    other = operating(
        make_account, name="姚安教育体育局微博", type="weibo", wechat_kind="", link="https://weibo.com/x"
    )
    late = services.create_filing(
        cast["edu_admin"], other, "emergency_shutdown", date(2025, 9, 19), submit=False
    )
    assert late.deadline.due_date == date(2025, 9, 26)
    late = services.submit_filing(cast["edu_admin"], late, at=at(date(2025, 9, 27)))  # Saturday, not 调休
    assert late.late is True and late.late_workdays == 0


def test_r4_2_6_return_with_reason_then_resubmit_and_accept(make_account, cast) -> None:
    account = make_account(planned_open_on=date(2025, 10, 9))
    filing = services.create_filing(cast["edu_admin"], account, "new", submit=False)
    filing = services.submit_filing(cast["edu_admin"], filing, at=at(date(2025, 9, 20)))
    with pytest.raises(ValidationError) as err:
        services.review_filing(cast["office_leader"], filing, "return", "  ")
    assert "退回须填写理由" in str(err.value)
    filing = services.review_filing(cast["office_leader"], filing, "return", "管理员邮箱有误")
    assert filing.status == "returned"
    account.refresh_from_db()
    assert account.status == "planned"
    services.update_account(cast["edu_admin"], account, {"admin_email": "zhaoli2@yaoan.gov.cn"})
    filing = services.submit_filing(cast["edu_admin"], filing, at=at(date(2025, 10, 20)))
    assert filing.snapshot["admin_email"] == "zhaoli2@yaoan.gov.cn"
    assert filing.late is False  # judged on the first submission
    filing = services.review_filing(cast["office_leader"], filing, "accept", "", {"avatar_dignified": True})
    account.refresh_from_db()
    assert filing.status == "accepted" and account.status == "filed"
    assert list(filing.reviews.values_list("decision", flat=True)) == ["return", "accept"]
    actions = set(
        Entry.objects.filter(object_type="registry.filing", object_id=str(filing.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "registry.filing_created",
        "registry.filing_submitted",
        "registry.filing_returned",
        "registry.filing_accepted",
    } <= actions
    with pytest.raises(InvalidState):
        services.review_filing(cast["office_leader"], filing, "accept")


def test_r4_2_5_personnel_change_updates_account_only_when_accepted(make_account, cast) -> None:
    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"],
        account,
        "personnel_change",
        date(2026, 3, 2),
        proposed={"leader_name": "李强", "leader_mobile": "13908781088"},
    )
    account.refresh_from_db()
    assert filing.status == "submitted" and account.leader_name == "陈刚"
    assert filing.snapshot["leader_name"] == "李强"
    services.review_filing(cast["office_leader"], filing, "accept")
    account.refresh_from_db()
    assert (account.leader_name, account.leader_mobile, account.admin_name) == ("李强", "13908781088", "赵丽")


def test_r6_1_5_accepted_personnel_change_raises_a_password_rotation_task(make_account, cast) -> None:
    from govmedia.security.models import RotationTask

    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"], account, "personnel_change", date(2026, 3, 2), proposed={"admin_name": "王芳"}
    )
    assert not RotationTask.objects.filter(account=account).exists()  # not on submission
    services.review_filing(cast["office_leader"], filing, "accept")
    task = RotationTask.objects.get(account=account)
    assert task.reason == "personnel" and f"filing:{filing.pk}" in task.source


def test_r4_2_5_people_change_directly_refused_once_filed(make_account, cast) -> None:
    account = operating(make_account)
    filing = services.create_filing(cast["edu_admin"], account, "existing")
    services.review_filing(cast["office_leader"], filing, "accept")
    with pytest.raises(InvalidState) as err:
        services.update_account(cast["edu_admin"], account, {"leader_name": "李强"})
    assert "变更备案" in str(err.value)
    services.update_account(cast["edu_admin"], account, {"introduction": "新栏目"})


def test_r4_2_5_bad_proposed_phone_is_refused_and_nothing_created(make_account, cast) -> None:
    account = operating(make_account)
    with pytest.raises(ValidationError) as err:
        services.create_filing(
            cast["edu_admin"],
            account,
            "personnel_change",
            date(2026, 3, 2),
            proposed={"leader_mobile": "12345"},
        )
    assert "11位手机号码" in str(err.value)
    with pytest.raises(ValidationError):
        services.create_filing(cast["edu_admin"], account, "personnel_change", date(2026, 3, 2), proposed={})
    assert not account.filings.exists()


def test_r4_2_3_close_then_record_deregistration(make_account, cast) -> None:
    account = operating(make_account)
    services.grant_operator(cast["edu_admin"], account, cast["edu_admin"], date(2025, 1, 1))
    filing = services.create_filing(
        cast["edu_admin"], account, "close_change", date(2026, 12, 31), action="close"
    )
    with pytest.raises(InvalidState):
        services.record_deregistration(cast["edu_admin"], filing, date(2026, 1, 5), "回执")
    account.refresh_from_db()
    assert account.status == "operating"
    services.review_filing(cast["office_leader"], filing, "accept")
    account.refresh_from_db()
    assert account.status == "closing"
    with pytest.raises(ValidationError):
        services.record_deregistration(cast["edu_admin"], filing, date(2026, 1, 5), " ")
    filing = services.record_deregistration(
        cast["edu_admin"], filing, date(2026, 1, 5), "微信公众平台注销回执 No.123"
    )
    account.refresh_from_db()
    assert account.status == "deregistered" and filing.deregistered_on == date(2026, 1, 5)
    assert not account.operator_grants.filter(revoked_on__isnull=True).exists()


def test_r4_2_3_change_applies_proposed_fields_on_acceptance(make_account, cast) -> None:
    account = operating(make_account)
    filing = services.create_filing(
        cast["edu_admin"],
        account,
        "close_change",
        date(2026, 12, 31),
        action="change",
        proposed={"name": "姚安教育体育局发布"},
    )
    account.refresh_from_db()
    assert account.name == "姚安教育体育局资讯"
    services.review_filing(cast["office_leader"], filing, "accept")
    account.refresh_from_db()
    assert account.name == "姚安教育体育局发布"


def test_wrong_state_and_duplicates_are_refused(make_account, cast) -> None:
    planned = make_account()
    with pytest.raises(InvalidState):
        services.create_filing(cast["edu_admin"], planned, "emergency_shutdown", date(2026, 3, 2))
    services.create_filing(cast["edu_admin"], planned, "new", submit=False)
    with pytest.raises(InvalidState) as err:
        services.create_filing(cast["edu_admin"], planned, "new")
    assert "未办结" in str(err.value)


def test_who_may_file_and_review(make_account, cast) -> None:
    account = make_account()
    with pytest.raises(PermissionDenied):
        services.create_filing(cast["town_admin"], account, "new")
    with pytest.raises(PermissionDenied):
        services.create_filing(cast["office_leader"], account, "new")
    filing = services.create_filing(cast["edu_admin"], account, "new")
    for user in ("edu_admin", "center", "edu_leader"):
        with pytest.raises(PermissionDenied):
            services.review_filing(cast[user], filing, "accept")
    assert Filing.objects.get(pk=filing.pk).status == "submitted"


def test_incomplete_form_cannot_be_submitted(make_account, cast) -> None:
    account = make_account(leader_name="", leader_mobile="")
    with pytest.raises(ValidationError) as err:
        services.create_filing(cast["edu_admin"], account, "new")
    assert "第一责任人姓名" in str(err.value)
    assert not account.filings.exists()


def test_r4_1_1_verification_and_security_officer(make_account, cast) -> None:
    account = operating(make_account)
    with pytest.raises(ValidationError):
        services.record_verification(
            cast["edu_admin"],
            account,
            verified=True,
            verified_by="微信公众平台",
            verified_on=date(2026, 1, 1),
            expires_on=date(2025, 1, 1),
        )
    services.record_verification(
        cast["edu_admin"],
        account,
        verified=True,
        verified_by="微信公众平台",
        verified_on=date(2025, 1, 1),
        expires_on=date(2026, 1, 1),
    )
    services.record_verification(
        cast["edu_admin"],
        account,
        verified=True,
        verified_by="微信公众平台",
        verified_on=date(2026, 1, 1),
        expires_on=date(2027, 1, 1),
    )
    assert Entry.objects.filter(action="registry.verification_renewed", object_id=str(account.pk)).exists()
    with pytest.raises(ValidationError):
        services.set_security_officer(cast["edu_admin"], account, cast["town_admin"])
    services.set_security_officer(cast["edu_admin"], account, cast["edu_leader"])
    account.refresh_from_db()
    assert account.security_officer == cast["edu_leader"]


def test_r3_2_3_operator_grant_and_revoke(make_account, cast) -> None:
    account = operating(make_account)
    grant = services.grant_operator(cast["edu_admin"], account, cast["edu_leader"], date(2026, 1, 1))
    with pytest.raises(InvalidState):
        services.grant_operator(cast["edu_admin"], account, cast["edu_leader"], date(2026, 1, 2))
    with pytest.raises(ValidationError):
        services.revoke_operator(cast["edu_admin"], grant, date(2025, 1, 1))
    services.revoke_operator(cast["edu_admin"], grant, date(2026, 6, 1))
    services.grant_operator(cast["edu_admin"], account, cast["edu_leader"], date(2026, 7, 1))
    assert account.operator_grants.count() == 2


def test_r3_2_2_function_log_needs_developer_for_interfaces(make_account, cast) -> None:
    account = operating(make_account)
    with pytest.raises(ValidationError):
        services.add_function_log(
            cast["edu_admin"],
            account,
            {"on": date(2026, 1, 1), "kind": "interface", "description": "接入查询接口"},
        )
    services.add_function_log(
        cast["edu_admin"],
        account,
        {"on": date(2026, 1, 1), "kind": "interface", "description": "接入查询接口", "developer": "某公司"},
    )
    services.add_maintenance_log(
        cast["edu_admin"],
        account,
        {"on": date(2026, 1, 2), "description": "更新菜单", "performed_by": "赵丽"},
    )
    assert account.function_logs.count() == 1 and account.maintenance_logs.count() == 1


def test_r6_1_2_opening_needs_security_officer(make_account, cast) -> None:
    account = make_account()
    filing = services.create_filing(cast["edu_admin"], account, "new")
    services.review_filing(cast["office_leader"], filing, "accept")
    with pytest.raises(InvalidState):
        services.open_account(cast["edu_admin"], account, date(2026, 1, 1))
    services.set_security_officer(cast["edu_admin"], account, cast["edu_admin"])
    account = services.open_account(cast["edu_admin"], account, date(2026, 1, 1))
    assert account.status == "operating" and account.opened_on == date(2026, 1, 1)
