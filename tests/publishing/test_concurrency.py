"""Two people deciding the same step at once: exactly one decision counts (R5.1-1, B-2)."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from govmedia.org.models import Unit, User
from govmedia.publishing import services
from govmedia.publishing.models import ReviewStep
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState

from .conftest import GOOD

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL (CI runs it there)"
)


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_on_one_step_one_wins() -> None:
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    account = Account.objects.create(
        unit=Unit.objects.get(name="县教育体育局"),
        type="weibo",
        name="并发测试",
        link="https://weibo.com/x",
        status="operating",
    )
    admin = User.objects.get(username="edu_admin")
    post = services.submit(admin, services.create_post(admin, GOOD, [account.pk]))
    step = ReviewStep.objects.get(post=post, order=1)
    reviewer = User.objects.get(username="legal_reviewer")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision: str) -> None:
        try:
            barrier.wait()
            services.decide(reviewer, post, step.pk, decision, comment="理由")
            outcomes.append("ok")
        except InvalidState:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(d,)) for d in ("approve", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    step.refresh_from_db()
    assert step.decision in {"approve", "reject"}
    assert ReviewStep.objects.filter(post=post, round=1, decision__in=["approve", "reject"]).count() == 1
