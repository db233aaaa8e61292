"""我的待办 for every demo role (issue 9): exactly this person's items, soonest due first, overdue rows
red with how late, due-soon rows highlighted, provisional deadlines marked; counts in the navigation."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from govmedia.calendar.models import Deadline
from govmedia.calendar.services import open_deadline
from govmedia.org.models import Unit, User
from govmedia.publishing import services
from govmedia.publishing.models import ReviewStep
from govmedia.registry.models import Account
from govmedia.web.markup import PROVISIONAL
from govmedia.web.todo import items_for
from tests.conftest import DEMO_USERNAMES

pytestmark = pytest.mark.django_db
ROLES = DEMO_USERNAMES


def _rows(html: str) -> list[tuple[str, str]]:
    """(row class, link title) of each row of the todo table."""
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [
        (m.group(1) or "", m.group(2))
        for m in re.finditer(r'<tr(?: class="([^"]*)")?>\s*<td><a href="[^"]*">([^<]*)</a>', body)
    ]


@pytest.mark.parametrize("username", ROLES)
def test_each_role_sees_exactly_its_own_items_in_order(
    login: Any, cast: dict[str, User], username: str
) -> None:
    html = login(username).get("/").content.decode()
    items = items_for(User.objects.get(username=username))
    assert [title for _, title in _rows(html)] == [i.title for i in items]
    dues = [i.due_at for i in items if i.due_at is not None]
    assert dues == sorted(dues)
    assert all(i.due_at is not None for i in items[: len(dues)])  # undated items come last
    if items:
        assert f'我的待办 <span class="nav-count">{len(items)}</span>' in html
    else:
        assert "当前没有待办事项" in html


def _town_post(cast: dict[str, User], title: str) -> ReviewStep:
    account = Account.objects.create(
        unit=Unit.objects.get(name="栋川镇"),
        type="wechat",
        wechat_kind="subscription",
        name="测试栋川",
        link="https://example.cn/t",
        status="operating",
    )
    post = services.create_post(
        cast["town_admin"],
        {"title": title, "body": "正文内容。", "category": "i", "kind": "original"},
        [account.pk],
    )
    post = services.submit(cast["town_admin"], post)
    step = ReviewStep.objects.get(post=post, received_at__isnull=False, decision="pending")
    if step.deadline is None:
        step.deadline = open_deadline("after_workdays", timezone.now(), 1, "5.4")
        step.save(update_fields=["deadline"])
    return step


def test_overdue_red_with_how_late_due_soon_highlighted_provisional_marked(
    login: Any, cast: dict[str, User]
) -> None:
    now = timezone.now()
    late = _town_post(cast, "超期两天的稿件")
    soon = _town_post(cast, "即将到期的稿件")
    provisional = _town_post(cast, "暂定时限的稿件")
    assert late.deadline and soon.deadline and provisional.deadline
    Deadline.objects.filter(pk=late.deadline.pk).update(due_at=now - timedelta(days=2, hours=1))
    Deadline.objects.filter(pk=soon.deadline.pk).update(due_at=now + timedelta(minutes=30))
    Deadline.objects.filter(pk=provisional.deadline.pk).update(
        due_at=now + timedelta(days=5), provisional=True
    )
    assert late.assignee_role == "legal_reviewer"
    html = login("legal_reviewer").get("/").content.decode()
    rows = dict((title.split("：", 1)[-1], cls) for cls, title in _rows(html))
    assert rows["超期两天的稿件"] == "overdue" and "已超期 2天" in html
    assert rows["即将到期的稿件"] == "due-soon" and "即将到期</span>" in html
    assert rows["暂定时限的稿件"] == ""
    titles = [t.split("：", 1)[-1] for _, t in _rows(html)]
    assert titles.index("超期两天的稿件") < titles.index("即将到期的稿件") < titles.index("暂定时限的稿件")
    assert PROVISIONAL in html


def test_b1_a_provisional_deadline_is_marked_the_same_way_on_every_page(
    login: Any, cast: dict[str, User]
) -> None:
    """DEADLINES.md: 「暂按周一至周五计算」, with the same explanation, on 我的待办, 待我审核 and the post."""
    step = _town_post(cast, "暂定时限的稿件")
    assert step.deadline
    Deadline.objects.filter(pk=step.deadline.pk).update(provisional=True)
    reviewer = login("legal_reviewer")
    for url in ("/", "/publishing/", f"/publishing/{step.post_id}/"):
        assert PROVISIONAL in reviewer.get(url).content.decode(), url


def test_home_shows_the_overview_link_to_county_people_only(login: Any) -> None:
    assert "/reports/overview/" in login("center").get("/").content.decode().split("<main")[1]
    assert "/reports/overview/" not in login("edu_admin").get("/").content.decode().split("<main")[1]


def test_item_links_are_what_reverse_gives() -> None:
    from django.urls import reverse

    from govmedia.web.todo import links_to

    detail, extend = links_to("publishing:detail"), links_to("registry:account_action", "verification")
    for pk in (1, 42, 9876543210, 10**12):
        assert detail(pk) == reverse("publishing:detail", args=[pk])
        assert extend(pk) == reverse("registry:account_action", args=[pk, "verification"])
