"""What the endpoints take beyond their own fields: ids, and the window of rows a list answers
(`{"items": [...], "count": N}`, CONTRACT.md)."""

from typing import Annotated

from pydantic import Field

from govmedia.web.forms import MAX_ID

MAX_LIMIT = 200
MAX_OFFSET = 2**62  # past the rows the page is empty; past a database integer, SQLite refused the query

# A row's id: a larger number is refused (422) rather than sent to SQLite, which refused it with a 500.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def window(limit: int, offset: int) -> tuple[int, int]:
    """The rows [lo:hi]: at least one and at most MAX_LIMIT of them, from an offset of at least 0."""
    lo = min(max(offset, 0), MAX_OFFSET)
    return lo, lo + max(1, min(limit, MAX_LIMIT))
