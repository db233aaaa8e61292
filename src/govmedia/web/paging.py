"""Pages of long lists whose total is counted only up to a cap, so that a list over millions of rows (the
audit log, a province's posts and messages) does not count them all on every page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def count_upto(rows: Any, cap: int) -> int:
    """The number of rows, counted no further than `cap` + 1 (a queryset in SQL, anything else by len)."""
    if not hasattr(rows, "query"):
        return len(rows)
    return int(rows.order_by()[: cap + 1].count())  # the order does not change a count


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`); beyond the cap the pager
    says so and asks for a narrower filter, and the pages stop at the cap."""

    def __init__(self, object_list: Any, per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return count_upto(self.object_list, self.cap)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def page_of(object_list: Any, per_page: int, number: Any) -> Page:
    return CappedPaginator(object_list, per_page).get_page(number)
