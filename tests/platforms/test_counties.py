"""Platform work across counties (B-6): one instance holds 姚安县 (the demo county) and 大姚县 (the
`neighbour` fixture). Credentials are entered, platform tasks listed and retried, and tamper incidents
opened (R6.3-1) only by people of the account's own county."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from govmedia.org.models import User
from govmedia.org.permissions import can
from govmedia.platforms import services
from govmedia.platforms.models import Delivery, PlatformCredential
from govmedia.registry.models import Account
from govmedia.security.models import Notice

from .conftest import new_account

pytestmark = pytest.mark.django_db


def delivery(account: Account, by: User, key: str, status: str = Delivery.Status.FAILED) -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        kind=Delivery.Kind.REPLY,
        account=account,
        text="您好，已收到。",
        requested_by=by,
        status=status,
        scheduled_at=now,
        next_attempt_at=now,
        idempotency_key=key,
        last_error=f"错误{key}",
    )


def test_b6_credentials_are_entered_only_for_accounts_of_ones_county(
    login: Any, cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    mine = new_account("县教育体育局", "weibo", "测试县际凭据")
    theirs = neighbour["accounts"]["town"]
    for person in ("dy_sysadmin", "dy_center"):
        user = neighbour["people"][person]
        assert not can(user, "platforms.manage_credentials", mine)
        assert can(user, "platforms.manage_credentials", theirs)
        with pytest.raises(PermissionDenied):
            services.save_credential(user, mine, "", "secret-token")
        assert login(person).get(f"/deliveries/accounts/{mine.pk}/credential/").status_code == 404
    for person in ("sysadmin", "center"):
        assert not can(cast[person], "platforms.manage_credentials", theirs)
    assert not PlatformCredential.objects.filter(account=mine).exists()
    services.save_credential(neighbour["people"]["dy_sysadmin"], theirs, "", "secret-token")
    assert PlatformCredential.objects.filter(account=theirs).exists()


def test_b6_platform_tasks_are_listed_and_retried_only_in_ones_county(
    login: Any, cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    mine = delivery(new_account("县教育体育局", "weibo", "测试县际任务"), cast["edu_admin"], "mine-1")
    theirs = delivery(neighbour["accounts"]["town"], neighbour["people"]["dy_town_admin"], "theirs-1")
    page = login("dy_center").get("/deliveries/").content.decode()
    assert "错误theirs-1" in page and "错误mine-1" not in page
    page = login("center").get("/deliveries/").content.decode()
    assert "错误mine-1" in page and "错误theirs-1" not in page
    assert login("dy_sysadmin").post(f"/deliveries/{mine.pk}/retry/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.retry(neighbour["people"]["dy_sysadmin"], mine)
    assert Delivery.objects.get(pk=mine.pk).status == Delivery.Status.FAILED
    assert login("dy_sysadmin").post(f"/deliveries/{theirs.pk}/retry/").status_code == 302
    assert Delivery.objects.get(pk=theirs.pk).status == Delivery.Status.QUEUED


def test_r6_3_1_tamper_incident_is_opened_by_a_person_of_the_accounts_county(
    cast: dict[str, User], neighbour: dict[str, Any]
) -> None:
    dy = neighbour["people"]
    theirs = neighbour["accounts"]["town"]
    actor = services._incident_actor(theirs)
    assert actor == dy["dy_duty"]  # no roster in 大姚县 today: its duty officer, never 姚安县's
    mine = new_account("县教育体育局", "weibo", "测试县际篡改")
    actor = services._incident_actor(mine)
    assert actor is not None and actor.county_id == cast["duty_officer"].county_id
    d = delivery(theirs, dy["dy_town_admin"], "tampered-1", Delivery.Status.DONE)
    item = SimpleNamespace(deleted=False, title="被改标题", text="被改正文", url="")
    incident_id = services._open_tamper_incident(
        d, {"title": "原标题", "body": "原正文"}, item, ["正文不一致"]
    )
    assert incident_id is not None
    notified = set(Notice.objects.filter(incident=incident_id).values_list("recipient__username", flat=True))
    assert {"dy_office_leader", "dy_county_leader", "dy_town_leader"} <= notified
    assert not notified & {"office_leader", "county_leader", "town_leader"}
