"""Responsibility and credentials (R6.1-2, R6.1-5): rotation tasks for the three triggers, password changes
recorded by date and person only, the rotation-period sweeper, and 我的待办."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.audit.models import Entry
from govmedia.org.models import User
from govmedia.registry import services as registry
from govmedia.registry.models import Account
from govmedia.security import incident_services, services
from govmedia.security.models import PasswordChange, RotationTask, SecurityPolicy
from govmedia.web.todo import items_for

from .conftest import make_account

pytestmark = pytest.mark.django_db


def test_r6_1_2_account_cannot_start_operating_without_security_officer(cast: dict[str, User]) -> None:
    """The registry enforces it in open_account; shown here as the chapter-6 guarantee."""
    account = make_account("县教育体育局", "测试未指定责任人")
    Account.objects.filter(pk=account.pk).update(status="filed", security_officer=None)
    account.refresh_from_db()
    with pytest.raises(registry.InvalidState, match="安全责任人"):
        registry.open_account(cast["center"], account, timezone.localdate())
    account.refresh_from_db()
    assert account.status == "filed"


def test_r6_1_5_personnel_change_raises_a_task_once_per_source(accounts: dict[str, Account]) -> None:
    first = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:41")
    again = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:41")
    other = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:42")
    assert first.pk == again.pk and other.pk != first.pk
    assert first.status == "open" and first.deadline.due_at > timezone.now()
    assert (
        Entry.objects.filter(
            action="security.rotation_task_raised", object_id=str(accounts["edu"].pk)
        ).count()
        == 2
    )


def test_r6_1_5_unknown_reason_is_refused_and_changes_nothing(accounts: dict[str, Account]) -> None:
    with pytest.raises(ValidationError):
        services.raise_rotation_task(accounts["edu"], "whim")
    assert not RotationTask.objects.filter(account=accounts["edu"]).exists()


def test_r6_1_5_leak_incident_raises_a_task_due_within_hours(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    incident = incident_services.open_incident(
        cast["duty_officer"],
        {"kind": "leak", "severity": "major", "title": "密码泄露", "description": "异地登录"},
        [accounts["town"].pk],
    )
    task = RotationTask.objects.get(account=accounts["town"])
    assert task.reason == "leak" and task.source == f"incident:{incident.pk}"
    policy = SecurityPolicy.current()
    assert task.deadline.due_at - task.deadline.started_at == timedelta(hours=policy.leak_rotation_hours)


def test_r6_1_5_rotation_period_sweeper_raises_when_due_and_is_idempotent(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    today = timezone.localdate()
    old = accounts["county"]
    services.record_password_change(cast["center"], old, today - timedelta(days=100))
    services.record_password_change(cast["edu_admin"], accounts["edu"], today - timedelta(days=10))
    services.record_password_change(cast["town_admin"], accounts["town"], today - timedelta(days=10))
    Account.objects.exclude(pk__in=[a.pk for a in accounts.values()]).update(status="planned")
    assert services.sweep_rotation_period(today) == 1
    assert services.sweep_rotation_period(today) == 0
    task = RotationTask.objects.get(account=old, reason="period")
    assert task.source == f"period:{(today - timedelta(days=10)).isoformat()}"
    # a shorter period makes the others due as well
    SecurityPolicy.objects.filter(pk=1).update(rotation_period_days=5)
    assert services.sweep_rotation_period(today) == 2


def test_r6_1_5_rotation_period_sweeper_costs_the_same_however_many_tasks_are_open(
    accounts: dict[str, Account], django_assert_max_num_queries: Any
) -> None:
    """It runs every minute over a province's accounts: the tasks raised before are read in one query."""
    today = timezone.localdate()
    SecurityPolicy.objects.filter(pk=1).update(rotation_period_days=1)
    Account.objects.update(status="operating", opened_on=today - timedelta(days=30))
    assert services.sweep_rotation_period(today) >= 3
    with django_assert_max_num_queries(4):  # the policy, the accounts, their last changes, their tasks
        assert services.sweep_rotation_period(today) == 0
    RotationTask.objects.filter(account=accounts["edu"]).update(status="done")
    assert services.sweep_rotation_period(today) == 0  # its period task for that due date was raised


def test_r6_1_5_password_change_closes_open_tasks_and_keeps_no_password(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    task = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:7")
    change = services.record_password_change(
        cast["edu_admin"], accounts["edu"], timezone.localdate(), "换人后更换"
    )
    task.refresh_from_db()
    assert task.status == "done" and task.change == change and task.deadline.met_at is not None
    assert {f.name for f in PasswordChange._meta.get_fields()} == {
        "id",
        "account",
        "changed_on",
        "changed_by",
        "note",
        "recorded_at",
        "tasks",
    }
    # a new trigger after the change opens a new task
    again = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:7")
    assert again.pk != task.pk and again.status == "open"


def test_r6_1_5_an_older_change_does_not_close_a_newer_task(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    task = services.raise_rotation_task(accounts["edu"], "leak", source="incident:99")
    services.record_password_change(
        cast["edu_admin"], accounts["edu"], timezone.localdate() - timedelta(days=3)
    )
    task.refresh_from_db()
    assert task.status == "open"


@pytest.mark.parametrize(
    "changed_on,field",
    [
        (date(2000, 1, 1), "changed_on"),
        ("2026-01-01", "changed_on"),
        (None, "changed_on"),
    ],
)
def test_r6_1_5_bad_dates_are_refused_and_change_nothing(
    cast: dict[str, User], accounts: dict[str, Account], changed_on: Any, field: str
) -> None:
    task = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:8")
    with pytest.raises(ValidationError) as err:
        services.record_password_change(cast["edu_admin"], accounts["edu"], changed_on)
    assert field in err.value.message_dict
    assert not PasswordChange.objects.filter(account=accounts["edu"]).exists()
    task.refresh_from_db()
    assert task.status == "open"


def test_r6_1_5_future_date_refused(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    with pytest.raises(ValidationError):
        services.record_password_change(
            cast["edu_admin"], accounts["edu"], timezone.localdate() + timedelta(days=1)
        )


def test_r6_1_5_only_the_unit_or_the_centre_records_a_change(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_password_change(cast["town_admin"], accounts["edu"], timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.record_password_change(cast["office_leader"], accounts["edu"], timezone.localdate())
    services.record_password_change(cast["center"], accounts["edu"], timezone.localdate())
    assert PasswordChange.objects.filter(account=accounts["edu"]).count() == 1


def test_r6_1_5_overdue_task_shows_in_my_todo_for_the_unit(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    task = services.raise_rotation_task(accounts["edu"], "personnel", source="filing:9")
    task.deadline.due_at = timezone.now() - timedelta(hours=1)
    task.deadline.save()
    mine = [i for i in items_for(cast["edu_admin"]) if i.kind == "密码更换"]
    assert len(mine) == 1 and mine[0].overdue and "测试姚安教育" in mine[0].title
    assert not [i for i in items_for(cast["town_admin"]) if "测试姚安教育" in i.title]


def test_policy_update_validates_and_is_secadmin_only(cast: dict[str, User]) -> None:
    data = {f: getattr(SecurityPolicy.current(), f) for f in services.POLICY_FIELDS}
    with pytest.raises(PermissionDenied):
        services.update_policy(cast["duty_officer"], {**data, "rotation_period_days": 30})
    with pytest.raises(ValidationError):
        services.update_policy(cast["secadmin"], {**data, "workday_start_hour": 20, "workday_end_hour": 8})
    with pytest.raises(ValidationError):
        services.update_policy(cast["secadmin"], {**data, "rotation_period_days": "abc"})
    assert SecurityPolicy.current().rotation_period_days == 90
    services.update_policy(cast["secadmin"], {**data, "rotation_period_days": 60})
    assert SecurityPolicy.current().rotation_period_days == 60


def test_sweepers_are_registered_and_demo_is_idempotent(cast: dict[str, User]) -> None:
    from govmedia.security import demo
    from govmedia.security.models import DutyShift, Incident, Patrol, Training
    from govmedia.web.sweep import _SWEEPERS

    assert {"security.missed_patrols", "security.rotation_period"} <= set(_SWEEPERS)
    models = (DutyShift, Incident, Patrol, Training, PasswordChange, RotationTask)
    before = [m.objects.count() for m in models]
    assert (
        Incident.objects.filter(status="closed").exists() and Patrol.objects.filter(result="anomaly").exists()
    )
    demo.build({})
    assert [m.objects.count() for m in models] == before


def test_duty_officer_todo_lists_open_incidents(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    incident_services.open_incident(
        cast["duty_officer"],
        {"kind": "attack", "severity": "severe", "title": "网站遭受攻击", "description": "d"},
        [accounts["county"].pk],
    )
    titles = [i.title for i in items_for(cast["duty_officer"])]
    assert "处置安全事件：网站遭受攻击" in titles
