"""Issue 11: the main pages run a fixed number of SQL queries (at most 20), whatever the amount of data, and
the navigation badge counts exactly the items 我的待办 lists without building them."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govmedia.calendar.models import Deadline
from govmedia.calendar.templatetags.deadlines import deadline
from govmedia.org.models import Unit, User
from govmedia.publishing.models import Post
from govmedia.registry.models import Account
from govmedia.web.forms import PICK_LIMIT
from govmedia.web.todo import count_for, items_for, links_to

pytestmark = pytest.mark.django_db
MAX_QUERIES = 20
PAGES = {
    "我的待办": "/",
    "账号台账": "/registry/accounts/",
    "审核队列": "/publishing/?tab=all&status=in_review",
    "留言列表": "/inquiries/",
    "检查指标": "/reports/inspection/",
    "稿件详情": "/publishing/{post}/",
}
# More pages and filters whose counts must not grow with the data either (not bound to the 20).
MORE = [
    "/registry/accounts/?unit={unit}",
    "/registry/accounts/?unit=县",
    "/publishing/",
    "/publishing/?tab=all",
    "/publishing/?tab=all&unit={unit}&account={account}",
    "/publishing/?tab=all&account=县",
    "/inquiries/?tab=open",
    "/inquiries/?tab=all&account={account}&unit={unit}",
    "/inquiries/?tab=all&account=县&unit=镇",
    "/inquiries/?tab=overdue",
    "/reports/inspection/?unit={unit}",
]


def _seed(factor: str) -> None:
    """A seeded county, folded into the demo county so that what the centre sees grows."""
    call_command("seed", "--scale", "county", "--factor", factor, stdout=io.StringIO(), stderr=io.StringIO())
    Unit.objects.update(county=Unit.objects.get(name="姚安县人民政府").county_id)


def _in_review() -> Post:
    post = Post.objects.filter(status=Post.Status.IN_REVIEW).order_by("-id").first()
    assert post is not None
    return post


def _count(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200, url  # warm the per-process caches (lexicon, calendar)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _counts(client: Client, urls: dict[str, str]) -> dict[str, int]:
    return {label: _count(client, url) for label, url in urls.items()}


def _urls() -> dict[str, str]:
    unit = Unit.objects.get(name="栋川镇").pk
    account = Account.objects.filter(unit=unit).order_by("id").first()
    assert account is not None
    values = {"post": _in_review().pk, "unit": unit, "account": account.pk}
    return {
        **{label: url.format(**values) for label, url in PAGES.items()},
        **{url: url.format(**values) for url in MORE},
    }


def test_main_pages_run_a_fixed_number_of_queries_at_most_20(login: Any) -> None:
    client = login("center")
    small = _counts(client, _urls())
    _seed("0.05")  # 770 posts with their versions and steps, 385 messages, 28 more units, 8 more accounts
    assert Post.objects.count() > 700
    large = _counts(client, _urls())
    assert large == small
    assert {label: n for label, n in small.items() if label in PAGES and n > MAX_QUERIES} == {}


def test_counts_do_not_grow_past_the_drop_down_limit(login: Any) -> None:
    """Above PICK_LIMIT units or accounts the filters turn into name searches, still a fixed cost."""
    client = login("center")
    urls = _urls()
    before = _counts(client, urls)
    county = Unit.objects.get(name="姚安县人民政府")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"测试单位{i:03d}",
            kind=Unit.Kind.DEPARTMENT,
            county_id=county.county_id,
            parent=county,
            order=500 + i,
        )
        for i in range(PICK_LIMIT + 1)
    )
    Account.objects.bulk_create(
        Account(
            unit=u,
            type="weibo",
            name=f"测试微博{u.pk}",
            link=f"https://weibo.example/{u.pk}",
            status="operating",
        )
        for u in units
    )
    after = _counts(client, urls)
    assert after == before
    html = client.get("/publishing/?tab=all").content.decode()
    assert re.search(r'<input type="search" name="unit" id="id_unit" value=""', html)
    assert html.count("<option") < 50  # the other filters' few choices only


def test_filters_by_name_work_like_the_drop_downs(login: Any) -> None:
    """A unit or account filter typed as a name gives what picking that one gave (one name, one match);
    an id from a link still works in both forms."""
    client = login("center")
    town = Unit.objects.get(name="栋川镇")
    account = Account.objects.filter(unit=town).order_by("id").first()
    assert account is not None

    def rows(url: str) -> str:
        html = client.get(url).content.decode()
        return html.split("<tbody>")[-1].split("</tbody>")[0]  # the filtered list, the last table

    for by_id, by_name in [
        (f"/registry/accounts/?unit={town.pk}", "/registry/accounts/?unit=栋川镇"),
        (f"/publishing/?tab=all&unit={town.pk}", "/publishing/?tab=all&unit=栋川镇"),
        (f"/publishing/?tab=all&account={account.pk}", f"/publishing/?tab=all&account={account.name}"),
        (f"/inquiries/?tab=all&account={account.pk}", f"/inquiries/?tab=all&account={account.name}"),
        (f"/reports/inspection/?unit={town.pk}", "/reports/inspection/?unit=栋川镇"),
    ]:
        assert rows(by_id) == rows(by_name), by_name
    assert account.name in rows(f"/registry/accounts/?unit={town.pk}")
    assert account.name in rows(f"/reports/inspection/?unit={town.pk}")
    assert client.get("/reports/inspection/?unit=没有这个单位").status_code == 400
    assert "筛选条件有误" in client.get("/publishing/?tab=all&account=999999").content.decode()


@pytest.mark.parametrize("factor", [None, "0.05"])
def test_navigation_count_is_the_number_of_todo_items(cast: dict[str, User], factor: str | None) -> None:
    if factor:
        _seed(factor)
    users = [*cast.values(), *User.objects.filter(username__startswith="c0000_")[:40]]
    assert {u.username: count_for(u) for u in users} == {u.username: len(items_for(u)) for u in users}


def test_navigation_badge_on_every_page_matches_the_home_page(login: Any, cast: dict[str, User]) -> None:
    _seed("0.05")
    client = login("center")
    n = len(items_for(cast["center"]))
    assert n > 0
    for url in ("/", "/registry/accounts/", "/inquiries/", "/publishing/"):
        assert f'我的待办 <span class="nav-count">{n}</span>' in client.get(url).content.decode(), url


def test_deadline_tag_renders_what_the_reference_template_does(settings: Any) -> None:
    now = timezone.now()
    base = {"started_at": now, "rule": Deadline.Rule.AFTER_WORKDAYS, "n": 5, "clause": "7.2"}
    cases = [
        None,
        Deadline(**base, due_at=now + timedelta(days=3)),
        Deadline(**base, due_at=now - timedelta(days=1)),
        Deadline(**base, due_at=now + timedelta(days=3), provisional=True),
        Deadline(**base, due_at=now - timedelta(days=3), provisional=True),
        Deadline(**base, due_at=now, met_at=now - timedelta(hours=1), provisional=True),
        Deadline(**base, due_at=now - timedelta(days=2), met_at=now),
        Deadline(**{**base, "rule": Deadline.Rule.AFTER_HOURS, "n": 1, "clause": "<b>"}, due_at=now),
    ]
    for d in cases:
        assert deadline(d) == render_to_string("calendar/deadline.html", {"d": d})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are checked on PostgreSQL only")
def test_list_queries_use_indexes_on_postgresql(cast: dict[str, User]) -> None:
    """With thousands of rows (and fresh statistics) the ledger, message list and review queue read through
    an index, not a sequential scan of the whole table."""
    from govmedia.inquiries.models import Inquiry
    from govmedia.publishing.forms import PostFilter
    from govmedia.registry.queries import ledger_queryset

    center, county = cast["center"], Unit.objects.get(name="姚安县人民政府")
    units = Unit.objects.bulk_create(
        Unit(
            name=f"索引测试单位{i:02d}",
            kind=Unit.Kind.DEPARTMENT,
            county_id=county.county_id,
            parent=county,
            order=300 + i,
        )
        for i in range(40)
    )
    accounts = Account.objects.bulk_create(
        Account(unit=units[i % 40], type="weibo", name=f"索引测试{i}", link=f"https://w.example/{i}")
        for i in range(4000)
    )
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            unit=units[i % 40],
            author=center,
            title=f"索引测试稿件{i}",
            body="正文",
            content_hash="0" * 64,
            status=Post.Status.IN_REVIEW if i % 50 == 0 else Post.Status.PUBLISHED,
        )
        for i in range(8000)
    )
    Inquiry.objects.bulk_create(
        Inquiry(
            account=accounts[i % 4000],
            platform="weibo",
            content=f"留言{i}",
            received_at=now - timedelta(minutes=i),
            status="closed" if i % 3 else "registered",
        )
        for i in range(8000)
    )
    with connection.cursor() as cursor:
        for table in ("org_unit", "registry_account", "publishing_post", "inquiries_inquiry"):
            cursor.execute(f"ANALYZE {table}")

    center.role_codes()
    queue = PostFilter({"tab": "all", "status": "in_review"}, user=center).posts()[:30]
    messages = Inquiry.objects.visible_to(center).order_by("-received_at", "-id")[:30]
    ledger = ledger_queryset(center, {"unit": str(units[7].pk)})[:30]
    plans = {"queue": (queue, "publishing_post"), "messages": (messages, "inquiries_inquiry")}
    plans["ledger"] = (ledger, "registry_account")
    for name, (qs, table) in plans.items():
        plan = qs.explain()
        assert f"Seq Scan on {table}" not in plan, (name, plan)
        assert "Index" in plan, (name, plan)


def _six_seeded_counties_centre() -> User:
    """Six seeded counties at a tenth of their size (enough for the planner to prefer an index); the first
    county's 电子政务中心."""
    call_command(
        "seed",
        "--scale",
        "county",
        "--counties",
        "6",
        "--factor",
        "0.1",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return User.objects.get(username="c0000_02_0")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are checked on PostgreSQL only")
def test_county_level_work_is_found_by_the_county_indexes(db: Any) -> None:
    """The centre's open review and message steps (held by the county level, R5.4-4, R7-2) are read through
    the partial indexes on the steps' county, not by joining every county's open steps to their posts and
    messages (what made the province's queues take seconds)."""
    from govmedia.inquiries.queries import steps_waiting_for as messages_waiting_for
    from govmedia.publishing.queries import steps_waiting_for

    centre = _six_seeded_counties_centre()
    centre.role_codes()
    for qs, index in (
        (steps_waiting_for(centre), "review_step_county_open"),
        (messages_waiting_for(centre), "inquiry_step_county_open"),
    ):
        plan = qs[:30].explain()
        assert index in plan, plan


def test_links_to_gives_reverse_s_url() -> None:
    """The rows built in Python (web.markup) link with `links_to`, reversed once per view name."""
    for name, rest in (
        ("publishing:detail", ()),
        ("registry:account", ()),
        ("inquiries:detail", ()),
        ("registry:account_action", ("verification",)),
    ):
        for pk in (1, 42, 123456789):
            assert links_to(name, *rest)(pk) == reverse(name, args=[pk, *rest])


def test_navigation_links_follow_the_person_s_roles(login: Any) -> None:
    """The links are worked out once per role set (web.navigation): others still see their own."""
    sysadmin = login("sysadmin").get("/").content.decode()
    center = login("center").get("/").content.decode()
    assert 'href="/org/units/"' in sysadmin and 'href="/org/units/"' not in center
    assert 'class="active" aria-current="page"' in login("center").get("/inquiries/").content.decode()


def test_labels_by_value_are_the_choices_labels() -> None:
    """`status_label` and `category_label` stand in for `get_FOO_display()` in the post lists."""
    from govmedia.publishing.models import CATEGORIES

    for status in Post.Status.values:
        assert Post(status=status).status_label == Post(status=status).get_status_display()
    for category, _ in [*CATEGORIES, ("", "")]:
        post = Post(category=category)
        assert post.category_label == post.get_category_display()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are checked on PostgreSQL only")
def test_the_overview_and_the_report_read_one_countys_clocked_steps_by_index(db: Any) -> None:
    """工作概览 and 统计报表 count a county's steps with a clock through the partial indexes on the steps'
    county (without them, every clocked step of the province: 0.4 s and 0.2 s at province scale)."""
    from govmedia.reports import metrics, periods
    from govmedia.reports.overview import overview

    centre = _six_seeded_counties_centre()
    with CaptureQueriesContext(connection) as ctx:
        overview(centre)
        metrics.build(centre, periods.parse({"period": "year", "year": str(timezone.localdate().year)}))
    plans = {}
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            if (
                q["sql"].startswith("SELECT")
                and "step" in q["sql"]
                and 'deadline_id" IS NOT NULL' in q["sql"]
            ):
                cursor.execute("EXPLAIN " + q["sql"])
                plans[q["sql"][:80]] = "\n".join(r[0] for r in cursor.fetchall())
    used = " ".join(plans.values())
    assert "review_step_county_clocked" in used and "inquiry_step_county_clocked" in used, plans
