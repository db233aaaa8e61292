"""Several workers on one PostgreSQL (B-6, invariant 3): racing workers claim a row once
(`SELECT … FOR UPDATE SKIP LOCKED`), and a worker killed mid-publication is recovered without a second
publication."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from govmedia.platforms import services
from govmedia.platforms.models import Delivery, SimulatedItem

from .conftest import Sim, approved, new_account, users

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="需要 PostgreSQL（DATABASE_URL=postgres://…）：SQLite 用 IMMEDIATE 事务串行领取，没有并发可测",
)


def _race(n: int, target: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_b6_two_workers_racing_publish_once(site: Sim) -> None:
    posts = [approved(new_account("县教育体育局", "weibo", f"测试并发{i}")) for i in range(3)]
    for post in posts:
        services.schedule_publication(users()["edu_admin"], post)
    ran = _race(2, lambda i: services.run_due(f"worker-{i}"))
    assert sum(ran) == 3  # each row ran once, by one worker or the other
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}
    assert SimulatedItem.objects.filter(kind="status").count() == 3
    assert all(d.attempts == 1 for d in Delivery.objects.all())


def test_b6_claims_skip_locked_rows(site: Sim) -> None:
    post = approved(new_account("县教育体育局", "weibo", "测试领取"))
    services.schedule_publication(users()["edu_admin"], post)
    claimed = [d for d in _race(4, lambda i: services.claim(f"w{i}")) if d is not None]
    assert len(claimed) == 1


def test_b6_killed_worker_and_a_racing_pair_of_restarts_publish_once(site: Sim, monkeypatch: Any) -> None:
    post = approved(new_account("县教育体育局", "wechat", "测试崩溃", "subscription"))
    services.schedule_publication(users()["edu_admin"], post)
    real = services._succeeded

    class Crash(BaseException):
        pass

    def die(*args: Any) -> Any:
        raise Crash()

    monkeypatch.setattr(services, "_succeeded", die)
    with pytest.raises(Crash):
        services.run_due("killed")
    monkeypatch.setattr(services, "_succeeded", real)
    Delivery.objects.filter(post=post).update(locked_until=timezone.now() - timedelta(seconds=1), state={})
    _race(2, lambda i: services.run_due(f"restart-{i}"))
    d = Delivery.objects.get(post=post)
    assert d.status == "done" and SimulatedItem.objects.filter(kind="article").count() == 1
    assert [a.outcome for a in d.attempt_log.all()] == ["interrupted", "ok"]
