"""One instance, several counties: group robots and delivery logs are managed within the person's county, and
urgent work reaches the people of the county concerned only (B-7, R5.1-3, R6.3-1). Demo county 姚安县,
neighbour 大姚县."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.notifications import services
from govmedia.notifications.models import NoticeDelivery, WebhookTarget
from govmedia.org.models import Unit, User
from govmedia.org.permissions import can
from govmedia.publishing import services as publishing
from govmedia.registry.models import Account

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "山火情况通报",
    "body": "明火已得到控制，请群众不要进入林区。",
    "category": "f",
    "kind": "original",
}
EMERGENCY = {
    "event": "山火",
    "location": "林区",
    "event_type": "森林火灾",
    "situation": "明火已得到控制",
    "measures": "已组织扑救",
}
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=county"


@pytest.fixture
def scheduled(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """The recipient sets the urgent-work signals hand over to be notified at once."""
    calls: list[set[int]] = []
    monkeypatch.setattr("govmedia.notifications.signals._schedule", lambda ids: calls.append(set(ids)))
    return calls


def _names(calls: list[set[int]]) -> set[str]:
    ids = set().union(*calls) if calls else set()
    return set(User.objects.filter(pk__in=ids).values_list("username", flat=True))


def _town_target() -> WebhookTarget:
    return WebhookTarget.objects.create(
        unit=Unit.objects.get(name="栋川镇"), kind="wecom", name="栋川工作群", url=ROBOT
    )


def test_b7_robots_are_managed_within_the_persons_county(
    cast: dict[str, User], neighbour: dict[str, Any], login: Any
) -> None:
    people = {**cast, **neighbour["people"]}
    town = Unit.objects.get(name="栋川镇")
    target = _town_target()
    assert can(people["sysadmin"], "notifications.manage_webhooks", town)
    assert can(people["dy_center"], "notifications.manage_webhooks", neighbour["units"]["town"])
    for who in ("dy_sysadmin", "dy_center"):
        assert not can(people[who], "notifications.manage_webhooks", town)
        assert not can(people[who], "notifications.manage_webhooks", town.pk)
        client = login(who)
        assert "栋川工作群" not in client.get("/notifications/webhooks/").content.decode()
        assert client.get(f"/notifications/webhooks/{target.pk}/").status_code == 404
        assert client.post(f"/notifications/webhooks/{target.pk}/delete/").status_code == 404
        response = client.post(
            "/notifications/webhooks/",
            {"unit": town.pk, "kind": "wecom", "name": "越界机器人", "url": ROBOT, "active": "on"},
        )
        assert response.status_code == 422
        with pytest.raises(PermissionDenied):
            services.save_target(people[who], town, {"kind": "wecom", "name": "越界", "url": ROBOT})
    assert not WebhookTarget.objects.filter(name__startswith="越界").exists()
    assert WebhookTarget.objects.filter(pk=target.pk).exists()
    assert "栋川工作群" in login("center").get("/notifications/webhooks/").content.decode()


def test_b7_delivery_log_shows_only_the_persons_county(
    cast: dict[str, User], neighbour: dict[str, Any], login: Any
) -> None:
    [n] = services.notify([cast["edu_leader"]], kind="overdue", title="姚安发送记录", url="/", key="cty-1")
    failed = NoticeDelivery.objects.create(
        notification=n,
        channel=NoticeDelivery.Channel.WECOM,
        target=_town_target(),
        dedupe="cty-failed",
        status=NoticeDelivery.Status.FAILED,
        attempts=5,
    )
    assert "姚安发送记录" in login("sysadmin").get("/notifications/deliveries/").content.decode()
    for who in ("dy_sysadmin", "dy_secadmin", "dy_center"):
        client = login(who)
        assert "姚安发送记录" not in client.get("/notifications/deliveries/").content.decode()
        assert client.post(f"/notifications/deliveries/{failed.pk}/retry/").status_code == 404
    failed.refresh_from_db()
    assert failed.status == NoticeDelivery.Status.FAILED


def test_r5_1_3_urgent_review_step_reaches_the_reviewers_of_the_posts_county(
    cast: dict[str, User], neighbour: dict[str, Any], scheduled: list[set[int]]
) -> None:
    account = Account.objects.create(
        unit=Unit.objects.get(name="栋川镇"),
        type="weibo",
        name="测试栋川发布",
        link="https://example.cn/dc",
        status="operating",
    )
    post = publishing.create_post(cast["town_admin"], {**GOOD, "emergency": EMERGENCY}, [account.pk])
    scheduled.clear()
    publishing.submit(cast["town_admin"], post)
    told = _names(scheduled)
    assert "legal_reviewer" in told and "dy_legal" not in told


def test_r5_1_3_approved_emergency_post_reaches_its_countys_publishers(
    cast: dict[str, User], neighbour: dict[str, Any], scheduled: list[set[int]]
) -> None:
    author = neighbour["people"]["dy_town_admin"]
    post = publishing.create_post(
        author, {**GOOD, "emergency": EMERGENCY}, [neighbour["accounts"]["town"].pk]
    )
    scheduled.clear()
    post.status = "approved"
    post.save()
    told = _names(scheduled)
    assert {"dy_center", "dy_town_admin"} <= told
    assert not {"center", "town_admin", "edu_admin"} & told


def test_r6_3_1_incident_reaches_the_duty_officers_of_its_county(
    cast: dict[str, User],
    neighbour: dict[str, Any],
    scheduled: list[set[int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from govmedia.security import incident_services

    with django_capture_on_commit_callbacks(execute=True):
        incident_services.open_incident(
            neighbour["people"]["dy_duty"],
            {
                "kind": "tampered",
                "severity": "major",
                "title": "金碧发布内容被篡改",
                "description": "巡查发现",
            },
            [neighbour["accounts"]["town"].pk],
        )
    told = _names(scheduled)
    assert {"dy_duty", "dy_secadmin"} <= told
    assert not {"duty_officer", "secadmin"} & told
