"""The row generator and writers behind `govmedia seed` (issue #11).

Each county is generated from its own random stream (so the data does not depend on how counties are split
over worker processes) as plain tuples, and written with COPY on PostgreSQL or executemany on SQLite — no
model instances. Parent rows (units, users, accounts, posts, messages) take ids drawn from their table's
sequence up front; child rows let the database number them.

The audit chain is sequential, so its entries are not written by the county workers: the calling process
appends each county's entries (`AuditChain`) as the county comes back, in county order, hashing them after
the chain's last entry, while the workers go on with the next counties.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .chain import AuditChain
from .county import CountyResult, CountySeeder, Job
from .shape import PER_COUNTY, county_name
from .writers import make_writer

__all__ = [
    "PER_COUNTY",
    "AuditChain",
    "CountyResult",
    "Job",
    "county_name",
    "forget_inherited_connections",
    "merge_counts",
    "run_counties_here",
]


def merge_counts(total: dict[str, int], part: dict[str, int]) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


def run_counties_here(jobs: Iterable[Job]) -> Iterator[CountyResult]:
    """Counties one after another in this process (SQLite, or one worker)."""
    for job in jobs:
        yield CountySeeder(job, make_writer()).run()


_INHERITED: list[Any] = []


def forget_inherited_connections() -> None:
    """In a forked worker: never touch a database connection the parent held at the fork (the seed closes
    them first, but a test run's shared connection survived that). Using it would interleave two processes
    on one socket, and closing or dropping it would end the parent's session, so it is only put aside."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None


def _work(job: Job) -> CountyResult:
    """A county in a worker process (PostgreSQL), on the worker's own connection."""
    return CountySeeder(job, make_writer()).run()
