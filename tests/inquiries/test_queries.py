"""Query counts stay constant as messages grow (lists, API list, detail, statistics)."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from govmedia.inquiries import services
from govmedia.org.models import Unit


def _grow(cast: Any, new_inquiry: Any, n: int) -> None:
    edu = Unit.objects.get(name="县教育体育局").pk
    for _ in range(n):
        inquiry = services.instruct(cast["office_leader"], new_inquiry(), "transfer", "", [edu])
        inquiry = services.transfer(cast["center"], inquiry)
        services.draft_reply(cast["edu_admin"], inquiry, "意见")


def _count(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow(
    cast: Any, new_inquiry: Any, login: Any, api: Any, django_assert_num_queries: Any
) -> None:
    center, edu_leader, token = login("center"), login("edu_leader"), api("edu_leader")
    pages: list[Callable[[], Any]] = [
        lambda: center.get("/inquiries/?tab=all"),
        lambda: center.get("/inquiries/?tab=overdue"),
        lambda: edu_leader.get("/inquiries/?tab=todo"),
        lambda: edu_leader.get("/"),
        lambda: token.get("/api/v1/inquiries"),
        lambda: center.get("/inquiries/stats/"),
    ]
    _grow(cast, new_inquiry, 2)
    for fn in pages:
        fn()  # warm caches (sessions, calendar resolver)
    counts = [_count(fn) for fn in pages]
    _grow(cast, new_inquiry, 6)
    for fn, n in zip(pages, counts, strict=True):
        with django_assert_num_queries(n):
            fn()
