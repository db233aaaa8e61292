"""Long lists count their rows only up to a cap (issue #11: counts that do not scan millions of rows)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmedia.audit.models import Entry
from govmedia.web.paging import CappedPaginator

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_in_sql() -> None:
    total = Entry.objects.count()
    assert total > 5
    paginator = CappedPaginator(Entry.objects.order_by("id"), 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 6 and paginator.capped
    assert len(queries) == 1 and "LIMIT 6" in queries[0]["sql"].upper()
    assert paginator.num_pages == 3
    assert list(paginator.get_page(99).object_list) == list(Entry.objects.order_by("id")[4:6])

    small = CappedPaginator(Entry.objects.order_by("id"), 2, cap=total)
    assert small.count == total and not small.capped
    assert CappedPaginator([1, 2, 3], 2).count == 3


def test_the_pager_asks_for_a_narrower_filter_beyond_the_cap(login: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(CappedPaginator, "__init__", _small_cap)
    page = login("auditor").get("/audit/").content.decode()
    assert "超过60条，只列出前60条，请用筛选条件缩小范围" in page
    assert "条）" not in page.split('class="pager"')[1][:300]


def _small_cap(self: CappedPaginator, object_list: Any, per_page: int, cap: int = 0) -> None:
    super(CappedPaginator, self).__init__(object_list, per_page)
    self.cap = 60


def test_work_lists_show_a_page_not_hundreds_of_rows(db: Any) -> None:
    """A county centre with many items waiting: the posts page lists the 20 soonest due of each panel and
    says there are more (R5.4-4 work waits in 我的待办); the messages 待我办理 tab pages by 30 (R7-2);
    我的待办 pages by 50."""
    from django.core.management import call_command
    from django.test import Client

    from govmedia.inquiries.queries import steps_waiting_for as messages_waiting_for
    from govmedia.org.models import User
    from govmedia.publishing.queries import steps_waiting_for

    call_command("seed", "--scale", "county", "--factor", "0.3", stdout=_Quiet(), stderr=_Quiet())
    centre = User.objects.get(username="c0000_02_0")
    assert steps_waiting_for(centre).count() > 20
    assert messages_waiting_for(centre).count() > 30
    client = Client()
    client.force_login(centre)
    posts = client.get("/publishing/").content.decode()
    panel = posts.split("待我审核（20+）")[1].split("</table>")[0]
    assert "只列出最早到期的20件" in panel and panel.count("<tr") == 21  # the head and 20 rows
    todo = client.get("/inquiries/?tab=todo").content.decode()
    table = todo.split("<tbody>")[1].split("</tbody>")[0]
    assert table.count("<tr") == 30 and "第1页，共" in todo
    home = client.get("/").content.decode()
    assert home.split("<tbody>")[1].split("</tbody>")[0].count("<tr") == 50 and "第1页，共" in home


class _Quiet:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass
