"""Incidents (R6.3-1, R3.2.8): playbook checklist ticked with who and when, a timeline, leaders told at once,
closure with a review; units see only incidents touching their accounts."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govmedia.org.models import User
from govmedia.registry.models import Account
from govmedia.security import incident_services
from govmedia.security.models import Incident, IncidentStep, Notice, RotationTask
from govmedia.web.errors import InvalidState
from govmedia.web.todo import items_for

pytestmark = pytest.mark.django_db
LEAK = {"kind": "leak", "severity": "major", "title": "教育局微信疑似泄露", "description": "平台提示异地登录"}


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Incident, IncidentStep, RotationTask, Notice))


def open_leak(cast: dict[str, User], *accounts: Account) -> Incident:
    return incident_services.open_incident(cast["duty_officer"], LEAK, [a.pk for a in accounts])


def test_r6_3_1_leak_lays_out_the_checklist_and_raises_rotation(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    incident = open_leak(cast, accounts["edu"], accounts["town"])
    labels = list(incident.steps.values_list("label", flat=True))
    assert len(labels) == 8 and "冻结" in labels[0] and "修改平台密码" in labels[1]
    assert {"检查发布内容是否被篡改", "检查留言是否被篡改", "检查程序接口是否被篡改"} <= set(labels)
    assert any("运营商" in x for x in labels) and any("开发商" in x for x in labels) and "汇报" in labels[-1]
    tasks = RotationTask.objects.filter(source=f"incident:{incident.pk}")
    assert {t.account_id for t in tasks} == {accounts["edu"].pk, accounts["town"].pk}
    assert incident.events.filter(kind="rotation").count() == 2


def test_r6_3_1_leaders_and_security_officers_are_notified_at_once(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    incident = open_leak(cast, accounts["edu"])
    notified = set(Notice.objects.filter(incident=incident).values_list("recipient__username", flat=True))
    assert {"office_leader", "county_leader", "edu_leader", "edu_admin"} <= notified
    assert "town_leader" not in notified and "duty_officer" not in notified
    todo = [i for i in items_for(cast["office_leader"]) if i.kind == "安全事件通知"]
    assert todo and incident.title in todo[0].title
    notice = Notice.objects.get(incident=incident, recipient=cast["office_leader"])
    incident_services.read_notice(cast["office_leader"], notice)
    assert not [i for i in items_for(cast["office_leader"]) if i.kind == "安全事件通知"]
    assert incident.events.filter(kind="read").count() == 1


def test_r6_3_1_checklist_ticks_record_who_and_when_and_closure_needs_all(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    incident = open_leak(cast, accounts["edu"])
    steps = list(incident.steps.order_by("order"))
    done = incident_services.complete_step(cast["duty_officer"], incident, steps[0].pk, "已联系微信客服冻结")
    assert done.done_by == cast["duty_officer"] and done.done_at is not None
    with pytest.raises(InvalidState):
        incident_services.complete_step(cast["duty_officer"], incident, steps[0].pk)
    with pytest.raises(InvalidState, match="尚有处置事项未完成"):
        incident_services.close_incident(cast["duty_officer"], incident, "复盘")
    for step in steps[1:]:
        incident_services.complete_step(cast["duty_officer"], incident, step.pk)
    with pytest.raises(ValidationError):
        incident_services.close_incident(cast["duty_officer"], incident, "  ")
    closed = incident_services.close_incident(cast["duty_officer"], incident, "原因：弱密码。已整改。")
    assert closed.status == "closed" and closed.closed_by == cast["duty_officer"]
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds[0] == "opened" and kinds.count("step") == 8 and kinds[-1] == "closed"
    with pytest.raises(InvalidState):
        incident_services.add_note(cast["duty_officer"], incident, "补充")


def test_r6_3_1_another_incidents_step_is_not_accepted(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    a, b = open_leak(cast, accounts["edu"]), open_leak(cast, accounts["town"])
    foreign = b.steps.first()
    assert foreign is not None
    with pytest.raises(ValidationError):
        incident_services.complete_step(cast["duty_officer"], a, foreign.pk)
    assert not IncidentStep.objects.filter(incident__in=[a, b], done_at__isnull=False).exists()


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"kind": "alien"}, "kind"),
        ({"severity": "huge"}, "severity"),
        ({"title": ""}, "title"),
        ({"description": " "}, "description"),
        ({"title": "长" * 201}, "title"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
    ],
)
def test_r6_3_1_bad_input_is_refused_and_changes_nothing(
    cast: dict[str, User], accounts: dict[str, Account], bad: dict[str, Any], field: str
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as err:
        incident_services.open_incident(cast["duty_officer"], {**LEAK, **bad}, [accounts["edu"].pk])
    assert field in err.value.message_dict
    assert counts() == before


def test_future_occurrence_and_missing_accounts_are_refused(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    before = counts()
    with pytest.raises(ValidationError):
        incident_services.open_incident(
            cast["duty_officer"],
            {**LEAK, "occurred_at": timezone.now() + timedelta(days=1)},
            [accounts["edu"].pk],
        )
    with pytest.raises(ValidationError):
        incident_services.open_incident(cast["duty_officer"], LEAK, [])
    with pytest.raises(ValidationError):
        incident_services.open_incident(cast["duty_officer"], LEAK, [999999])
    assert counts() == before


def test_units_report_only_on_their_own_accounts_and_see_only_theirs(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    with pytest.raises(ValidationError):  # another unit's account is not even visible
        incident_services.open_incident(cast["edu_admin"], LEAK, [accounts["town"].pk])
    mine = incident_services.open_incident(cast["edu_admin"], LEAK, [accounts["edu"].pk])
    theirs = open_leak(cast, accounts["town"])
    assert set(Incident.objects.visible_to(cast["edu_admin"])) == {mine}
    assert set(Incident.objects.visible_to(cast["town_admin"])) == {theirs}
    assert {mine, theirs} <= set(Incident.objects.visible_to(cast["office_leader"]))
    with pytest.raises(PermissionDenied):  # a unit reports; the duty officer works the checklist
        incident_services.complete_step(cast["edu_admin"], mine, mine.steps.first().pk)  # type: ignore[union-attr]
