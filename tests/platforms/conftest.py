"""The simulator over real HTTP on loopback (the live test server), with the adapters pointed at it."""

import json
import urllib.request
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from govmedia.org.models import User
from govmedia.org.permissions import can
from govmedia.publishing import services as publishing
from govmedia.publishing.models import Post, ReviewStep
from govmedia.registry.models import Account


class Sim:
    def __init__(self, url: str) -> None:
        self.url = url
        self.wechat = f"{url}/simulator/wechat"
        self.weibo = f"{url}/simulator/weibo"

    def control(self, **body: Any) -> Any:
        request = urllib.request.Request(
            f"{self.url}/simulator/control",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def fault(self, platform: str, error: str, op: str = "*", times: int = 1) -> None:
        assert self.control(action="fault", platform=platform, error=error, op=op, times=times)["ok"]


@pytest.fixture
def sim(live_server: Any, transactional_db: Any, settings: Any) -> Iterator[Sim]:
    """The live server with the simulator on and the adapters pointed at it (no demo data)."""
    s = Sim(live_server.url)
    settings.SIMULATOR_ENABLED = True
    settings.PLATFORM_DEMO_CREDENTIALS = True
    settings.WECHAT_API_BASE = s.wechat
    settings.WEIBO_API_BASE = s.weibo
    settings.PLATFORM_RETRY_BASE_SECONDS = 30
    settings.PLATFORM_LEASE_SECONDS = 300
    settings.SIMULATOR_TIMEOUT_SECONDS = 2
    yield s


@pytest.fixture
def site(sim: Sim) -> Sim:
    """The simulator plus the demo county (transactional tests start from a flushed database)."""
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    return sim


def users() -> dict[str, User]:
    return {u.username: u for u in User.objects.select_related("unit")}


GOOD = {
    "title": "关于2026年秋季学期开学安排的通知",
    "body": "各位家长：秋季学期将于9月1日开学，请做好准备。",
    "category": "i",
    "kind": "original",
}


def new_account(unit_name: str, type_: str, name: str, wechat_kind: str = "") -> Account:
    from govmedia.org.models import Unit

    return Account.objects.create(
        unit=Unit.objects.get(name=unit_name),
        type=type_,
        wechat_kind=wechat_kind,
        name=name,
        link=f"https://example.cn/{name}",
        status="operating",
    )


def approved(account: Account, title: str = GOOD["title"], body: str = GOOD["body"]) -> Post:
    """A post of 县教育体育局 through its whole review chain."""
    cast = users()
    author = "edu_admin"
    post = publishing.submit(
        cast[author],
        publishing.create_post(cast[author], {**GOOD, "title": title, "body": body}, [account.pk]),
    )
    while post.status == Post.Status.IN_REVIEW:
        step = ReviewStep.objects.get(
            post=post, round=post.round, decision="pending", received_at__isnull=False
        )
        who = next(u for u in cast.values() if u.is_active and can(u, "publishing.decide", step))
        post = publishing.decide(who, post, step.pk, "approve", comment="同意", acknowledge_warnings=True)
    assert post.status == Post.Status.APPROVED, post.status
    return post


def now() -> Any:
    return timezone.now()
