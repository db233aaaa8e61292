"""Rows into tables without model instances (COPY on PostgreSQL, executemany elsewhere), and the deadlines
the services would open, computed in bulk."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.db import connection, models

from govmedia.calendar import resolver as calendar_resolver
from govmedia.calendar.models import Deadline
from govmedia.calendar.services import deadline_fields

BATCH = 5_000  # rows a COPY or executemany sends at once; ids drawn from a sequence at once


class RawJson(str):
    """A JSON column's value already serialised (written as is, not dumped again)."""


# Rows per county at factor 1: the province targets (20 000 accounts, 2 000 000 posts, 1 000 000 messages,
# 10 000 000 audit entries) divided by 130 counties.


class Table:
    """The columns a generator fills (in tuple order); every other column gets its model default."""

    def __init__(self, model: Any, given: Sequence[str]) -> None:
        self.model = model
        self.label = model._meta.label_lower
        self.name: str = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        rest = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
        self.fields = [by_attname[c] for c in given] + rest
        self.json_given = [i for i, c in enumerate(given) if isinstance(by_attname[c], models.JSONField)]
        defaults = []
        for f in rest:
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{self.label}.{f.attname} needs a value from the seed generator")
            defaults.append(value)
        self.defaults = tuple(defaults)


_TABLES: dict[str, Table] = {}


def table(model: Any, *given: str) -> Table:
    key = model._meta.label_lower
    if key not in _TABLES:
        _TABLES[key] = Table(model, given)
    return _TABLES[key]


class Writer(Protocol):
    counts: dict[str, int]

    def ids(self, t: Table, n: int) -> list[int]: ...

    def write(self, t: Table, rows: Sequence[tuple[Any, ...]]) -> None: ...


class PostgresWriter:
    """COPY ... FROM STDIN through the Django connection's psycopg 3 connection (same transaction)."""

    def __init__(self) -> None:
        from psycopg.types.json import Jsonb

        self.jsonb = Jsonb
        self.counts: dict[str, int] = {}
        connection.ensure_connection()
        self.raw = connection.connection

    def ids(self, t: Table, n: int) -> list[int]:
        with self.raw.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (t.name, n)
            )
            return [r[0] for r in cur.fetchall()]

    def write(self, t: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        cols = ", ".join(quote(f.column) for f in t.fields)
        jsonb = self.jsonb
        defaults = tuple(RawJson(json.dumps(v)) if isinstance(v, dict | list) else v for v in t.defaults)
        json_given = t.json_given
        with self.raw.cursor() as cur, cur.copy(f"COPY {quote(t.name)} ({cols}) FROM STDIN") as copy:
            if json_given:
                for row in rows:
                    values = list(row)
                    for i in json_given:
                        if values[i] is not None and not isinstance(values[i], RawJson):
                            values[i] = jsonb(values[i])
                    copy.write_row((*values, *defaults))
            else:
                for row in rows:
                    copy.write_row(row + defaults)
        self.counts[t.label] = self.counts.get(t.label, 0) + len(rows)


class GenericWriter:
    """Any other database (SQLite): executemany with each value prepared by its model field. One process."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.next_id: dict[str, int] = {}

    def ids(self, t: Table, n: int) -> list[int]:
        if t.name not in self.next_id:
            top = t.model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_id[t.name] = top + 1
        start = self.next_id[t.name]
        self.next_id[t.name] = start + n
        return list(range(start, start + n))

    def write(self, t: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        cols = ", ".join(quote(f.column) for f in t.fields)
        marks = ", ".join(["%s"] * len(t.fields))
        preps = [_prep(f) for f in t.fields]
        data = [[prep(v) for prep, v in zip(preps, row + t.defaults, strict=True)] for row in rows]
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {quote(t.name)} ({cols}) VALUES ({marks})", data)
        self.counts[t.label] = self.counts.get(t.label, 0) + len(rows)


def _prep(f: Any) -> Callable[[Any], Any]:
    def prep(value: Any) -> Any:
        if value is None or isinstance(value, RawJson):
            return value
        return f.get_db_prep_save(value, connection)

    return prep


def make_writer() -> Writer:
    return PostgresWriter() if connection.vendor == "postgresql" else GenericWriter()


class Deadlines:
    """Deadline rows as the services open them (`calendar.services.deadline_fields`), met when the work was
    done. Ids come from the table's sequence a batch at a time, so the rows that hold a deadline can name it
    before it is written (`flush`, before those rows)."""

    COLUMNS = ("started_at", "rule", "n", "anchor", "clause", "due_at", "due_date", "provisional")

    def __init__(self, w: Writer) -> None:
        self.w = w
        self.t = table(Deadline, "id", *self.COLUMNS, "met_at")
        self.resolver = calendar_resolver.current()
        self.rows: list[tuple[Any, ...]] = []
        self.free: list[int] = []

    def open(self, rule: str, n: int, clause: str, start: datetime, met: datetime | None) -> int:
        """A clock started at `start` and counted from it."""
        return self.add(deadline_fields(rule, start, n, clause, start, self.resolver), met)

    def add(self, fields: dict[str, Any], met: datetime | None) -> int:
        """A clock computed by the caller (`deadline_fields`); its id."""
        if not self.free:
            self.free = self.w.ids(self.t, BATCH)[::-1]
        pk = self.free.pop()
        self.rows.append((pk, *(fields[c] for c in self.COLUMNS), met))
        return pk

    def flush(self) -> None:
        self.w.write(self.t, self.rows)
        self.rows = []
