"""Every page, opened with a query string nobody wrote by hand, answers without a 500: bad input gets a
message, the unfiltered list or 404 (brief: "never a 500"). Every parameter the pages read is given an id
that is no number (「²」 passed str.isdigit() and broke int()) or one too large for a database integer (SQLite
raised OverflowError)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from .urlmap import page_routes, path_of

PARAMS = (
    "unit",
    "account",
    "person",
    "patrol",
    "inquiry",
    "page",
    "year",
    "month",
    "quarter",
    "period",
    "kind",
    "status",
    "tab",
    "result",
    "sort",
    "filing",
    "start",
    "end",
)
SPOILS = ["²", "99999999999999999999"]  # dates, choices and script were found sound by a wider run
# People who between them open every page; the role matrix (test_matrix) covers who may open what.
PEOPLE = ["center", "sysadmin", "secadmin", "town_admin", "office_leader"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", PEOPLE)
def test_no_page_answers_500_to_a_spoiled_query_string(username: str, login: Any) -> None:
    client = login(username)
    failures = []
    for route in page_routes():
        if route.public:
            continue
        path = path_of(route)
        for spoil in SPOILS:
            url = f"{path}?{urlencode(dict.fromkeys(PARAMS, spoil))}"
            status = client.get(url).status_code
            if status >= 500:
                failures.append((url, status))
    assert not failures
