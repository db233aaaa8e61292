"""`govmedia seed`: bulk data in every state, a valid audit chain afterwards, Chinese refusals."""

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from govmedia.audit.models import ChainHead, Entry
from govmedia.audit.services import verify
from govmedia.inquiries.models import Inquiry, Status
from govmedia.publishing.content import content_hash
from govmedia.publishing.models import Post, PostVersion, ReviewStep


def seed(*args: str) -> tuple[dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_seed_tiny_county_counts_states_and_chain() -> None:
    before_posts = Post.objects.count()
    result, err = seed("--scale", "county", "--factor", "0.02")
    counts = result["counts"]
    assert result["counties"] == 1 and "已生成1个县" in err
    assert counts["org.unit"] == 28 and counts["org.user"] == 140
    assert counts["publishing.post"] == 308 == Post.objects.count() - before_posts
    assert counts["audit.entry"] == 1540
    seeded = Post.objects.filter(unit__name__startswith="种")
    assert set(seeded.values_list("status", flat=True)) == set(Post.Status.values)
    assert set(Inquiry.objects.values_list("status", flat=True)) >= set(Status.values)
    assert PostVersion.objects.filter(post__in=seeded).count() == counts["publishing.postversion"]
    assert ReviewStep.objects.filter(post__in=seeded, decision="pending", received_at__isnull=False).exists()
    post = seeded.first()
    assert post is not None and post.content_hash == content_hash(post.content())
    ok, checked, _, reason = verify()
    assert ok, reason
    assert checked >= 1540


@pytest.mark.django_db(transaction=True)
def test_seed_opens_the_deadlines_the_services_open() -> None:
    """Every clock the standard starts is there, as the services start it (R5.4-5 publish within the hour,
    R5.4-4 the centre's proposal in a working day, R7-3 a unit's reply in 5 working days, R7-4 the reply
    within the hour of the review), met when the work was done, so the lists sort by real deadlines."""
    from govmedia.calendar.models import Deadline
    from govmedia.inquiries.models import Step, StepKind
    from govmedia.publishing.routes import StepKind as PostStepKind

    before = Deadline.objects.count()
    result, _ = seed("--scale", "county", "--factor", "0.02")
    assert result["counts"]["workcalendar.deadline"] == Deadline.objects.count() - before > 0
    posts = Post.objects.filter(unit__name__startswith="种", status__in=["approved", "published"])
    assert posts.exists() and not posts.filter(publish_deadline__isnull=True).exists()
    for post in posts.select_related("publish_deadline"):
        d = post.publish_deadline
        assert d is not None and d.rule == "after_hours" and d.started_at == post.approved_at
        assert d.met_at == post.published_at
    published = posts.filter(status="published")
    assert published.filter(published_at__lte=F("publish_deadline__due_at")).count() > 0.9 * published.count()
    proposals = ReviewStep.objects.filter(kind=PostStepKind.CENTER_PROPOSAL, received_at__isnull=False)
    assert proposals.exists() and not proposals.filter(deadline__isnull=True).exists()
    assert (
        not ReviewStep.objects.exclude(kind=PostStepKind.CENTER_PROPOSAL)
        .exclude(deadline=None)
        .filter(post__unit__name__startswith="种")
        .exists()
    )
    for step in proposals.select_related("deadline"):
        assert step.deadline.started_at == step.received_at and step.deadline.met_at == step.decided_at
    timed = Step.objects.filter(
        kind__in=[StepKind.DRAFT_REPLY, StepKind.REPLY], inquiry__account__unit__name__startswith="种"
    )
    assert timed.exists() and not timed.filter(deadline__isnull=True).exists()
    for step in timed.select_related("deadline"):
        assert step.deadline.started_at == step.received_at and step.deadline.met_at == step.decided_at
        assert step.deadline.due_at > step.received_at


@pytest.mark.django_db(transaction=True)
def test_seed_files_every_account_as_the_register_would() -> None:
    """R4.2: every seeded account has its opening filing (existing accounts count from the standard's
    effective date), with the 4.2 clock the services open, met when first sent; lateness as `_submit`
    judges it. The ledger's filing filters and 检查指标's filing line then read real rows at scale."""
    from govmedia.registry import rules
    from govmedia.registry.models import Account, Filing

    seed("--scale", "county", "--factor", "0.1")
    accounts = Account.objects.filter(unit__name__startswith="种")
    filings = Filing.objects.filter(account__in=accounts).select_related("deadline", "account")
    opening = filings.filter(kind__in=[rules.NEW, rules.EXISTING])
    assert accounts.count() == opening.count() == opening.values("account").distinct().count() > 10
    assert not opening.exclude(account__status="planned").exclude(status="accepted").exists()
    assert opening.filter(account__status="planned").exclude(status="accepted").exists()
    assert filings.filter(kind=rules.PERSONNEL_CHANGE).exists()
    assert filings.filter(late=True).exists() and filings.filter(late=False).exists()
    for f in filings:
        rule = rules.FILING_DEADLINES[f.kind]
        d = f.deadline
        assert (d.rule, d.n, d.clause, d.anchor) == (rule.rule, rule.n, rule.clause, f.event_date)
        assert d.met_at == f.first_submitted_at == f.submitted_at
        if f.status == Filing.Status.DRAFT:
            assert f.first_submitted_at is None and not f.late
        else:
            assert f.late == (f.first_submitted_at > d.due_at)
            assert f.late_workdays is not None and (f.late or f.late_workdays == 0)
        assert (f.reviewed_by_id is not None) == (f.status in ("accepted", "returned"))


@pytest.mark.django_db(transaction=True)
def test_seed_grants_two_operators_an_account() -> None:
    """R3.2.3: each seeded account has two operators of its own unit; revoked grants are not reviewed."""
    from govmedia.registry.models import Account, OperatorGrant

    seed("--scale", "county", "--factor", "0.1")
    accounts = Account.objects.filter(unit__name__startswith="种")
    grants = OperatorGrant.objects.filter(account__in=accounts)
    assert grants.count() == 2 * accounts.count()
    assert not grants.exclude(user__unit=F("account__unit")).exists()
    assert not grants.filter(revoked_on__isnull=False, reviewed_on__isnull=False).exists()
    assert not grants.filter(granted_on__gt=F("reviewed_on")).exists()


@pytest.mark.django_db(transaction=True)
def test_seed_two_counties_in_two_worker_processes_keeps_one_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("worker processes are for PostgreSQL")
    result, err = seed("--scale", "province", "--counties", "2", "--workers", "2", "--factor", "0.01")
    counts = result["counts"]
    assert "2个进程" in err
    assert counts["org.unit"] == 56 and counts["audit.entry"] == 1540
    assert Post.objects.filter(unit__name__startswith="种").count() == counts["publishing.post"] == 308
    ok, checked, _, reason = verify()
    assert ok, reason
    head = ChainHead.objects.get(pk=1)
    assert head.last_id == checked and head.last_hash == Entry.objects.get(pk=checked).hash
    with connection.cursor() as cur:  # the id sequence is past the explicit ids COPY wrote
        cur.execute("SELECT nextval(pg_get_serial_sequence('audit_entry', 'id'))")
        assert cur.fetchone()[0] > checked


@pytest.mark.django_db(transaction=True)
def test_seed_refuses_a_second_run_on_seeded_data() -> None:
    seed("--scale", "county", "--factor", "0.01")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("seed", "--scale", "county", "--factor", "0.01", stderr=err)
    assert exc.value.code == 2 and "已有种子数据" in err.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ["--scale", "town"],
        ["--scale", "county", "--counties", "0"],
        ["--scale", "county", "--workers", "0"],
    ],
)
def test_bad_scale_exits_2_in_chinese(args: list[str]) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("seed", *args, stderr=err)
    assert exc.value.code == 2
    assert "输入有误" in err.getvalue()


@pytest.mark.django_db
def test_workers_refused_on_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("seed", "--scale", "county", "--workers", "2", stderr=err)
    assert exc.value.code == 2 and "SQLite" in err.getvalue()
