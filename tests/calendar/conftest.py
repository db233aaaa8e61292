from collections.abc import Iterator
from typing import Any

import pytest

from govmedia.calendar import resolver


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Each test starts and ends without cached schedules (a rolled-back test's schedule must not leak)."""
    resolver.invalidate()
    yield
    resolver.invalidate()


@pytest.fixture
def schedule_2027() -> dict[str, Any]:
    """A made-up 2027 notice (the real one is not published yet)."""
    return {
        "year": 2027,
        "holidays": [
            {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
            {"name": "春节", "start": "2027-02-06", "end": "2027-02-13"},
        ],
        "workdays": ["2027-02-14", "2027-02-20"],
        "source": "测试用安排",
    }
