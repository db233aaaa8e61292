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
