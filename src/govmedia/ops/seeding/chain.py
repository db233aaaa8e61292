"""The audit chain's entries for the seeded counties, appended in the calling process."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import timedelta
from typing import Any

from django.db import connection

from govmedia.audit.chain import canonical
from govmedia.audit.models import Entry

from .county import CountyResult
from .shape import AUDIT_ACTIONS, NOW, SEED, per_county
from .writers import BATCH, RawJson, make_writer, table

_AUDIT_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "unit_name",
    "action",
    "success",
    "object_type",
    "object_id",
    "object_repr",
    "ip",
    "before",
    "after",
)


class AuditChain:
    """Appends every county's entries to the chain, in county order, in the calling process and transaction.

    Ids follow on from the head's; times rise with the ids across the whole run (one year), as
    `audit.services.record` would leave them. On PostgreSQL the two indexes on the random `hash` column are
    dropped for the load and rebuilt at the end, in the same transaction (random inserts into them dominate
    at province scale).
    """

    def __init__(self, head_id: int, head_hash: str, counties: int, factor: float) -> None:
        self.last_id, self.last_hash = head_id, head_hash
        self.per = per_county(factor)["audit"]
        self.step = timedelta(days=365) / max(1, self.per * counties)
        self.start_at = NOW - timedelta(days=365)
        self.k = 0  # entries written in this run
        self.w = make_writer()
        self.table = table(Entry, "id", *_AUDIT_FIELDS, "prev_hash", "hash")
        self.rebuild: list[str] = []

    def drop_hash_indexes(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'audit_entry'::regclass AND contype = 'u' "
                "AND conkey = ARRAY[(SELECT attnum FROM pg_attribute "
                "WHERE attrelid = 'audit_entry'::regclass AND attname = 'hash')]::smallint[]"
            )
            constraints = cur.fetchall()
            cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = 'audit_entry'::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "AND x.indkey::text = (SELECT attnum::text FROM pg_attribute "
                "WHERE attrelid = 'audit_entry'::regclass AND attname = 'hash')"
            )
            indexes = cur.fetchall()
            for name, definition in constraints:
                cur.execute(f'ALTER TABLE audit_entry DROP CONSTRAINT "{name}"')
                self.rebuild.append(f'ALTER TABLE audit_entry ADD CONSTRAINT "{name}" {definition}')
            for name, definition in indexes:
                cur.execute(f'DROP INDEX "{name}"')
                self.rebuild.append(definition)

    def rebuild_hash_indexes(self) -> None:
        if not self.rebuild:
            return
        with connection.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in self.rebuild:
                cur.execute(statement)
        self.rebuild = []

    def append(self, county: CountyResult) -> None:
        """One county's entries: built, hashed in order after the chain's last, and written."""
        rng = random.Random(f"{SEED}-audit-{county.number}")
        people, posts = county.people, county.post_ids
        dumps = json.dumps
        jnames = [dumps(nm, ensure_ascii=False) for nm in people.names]
        junits = [dumps(u, ensure_ascii=False) for u in people.units]
        sha256 = hashlib.sha256
        prev = self.last_hash
        entry_id = self.last_id
        rows: list[tuple[Any, ...]] = []
        for k in range(self.per):
            p = rng.randrange(len(people.ids))
            action = AUDIT_ACTIONS[k % len(AUDIT_ACTIONS)]
            on_post = action.startswith("publishing")
            object_type = "publishing.post" if on_post else ""
            object_id = str(posts[rng.randrange(len(posts))]) if on_post else ""
            ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            at = (self.start_at + self.step * self.k).replace(microsecond=0)
            self.k += 1
            entry_id += 1
            # canonical() of Entry.chained_fields(), spelt out: sorted keys, no spaces (checked below).
            body = (
                f'{{"action":"{action}","actor_id":{people.ids[p]},"actor_name":{jnames[p]},'
                f'"after":{{"n":{k},"seed":true}},"at":"{at.isoformat()}","before":null,"id":{entry_id},'
                f'"ip":"{ip}","object_id":"{object_id}","object_repr":"","object_type":"{object_type}",'
                f'"success":true,"unit_name":{junits[p]}}}'
            ).encode()
            digest = sha256(prev.encode() + body).hexdigest()
            row = (
                entry_id,
                at,
                people.ids[p],
                people.names[p],
                people.units[p],
                action,
                True,
                object_type,
                object_id,
                "",
                ip,
                None,
                RawJson(f'{{"n": {k}, "seed": true}}'),
                prev,
                digest,
            )
            if k == 0:  # the shortcut must agree with the real serialiser
                check = Entry(id=entry_id, **dict(zip(_AUDIT_FIELDS, row[1:13], strict=True)))
                check.after = {"n": k, "seed": True}
                if canonical(check.chained_fields()) != body:
                    raise AssertionError("seed audit serialisation differs from audit.chain.canonical")
            rows.append(row)
            prev = digest
            if len(rows) >= BATCH * 4:
                self.w.write(self.table, rows)
                rows = []
        self.w.write(self.table, rows)
        self.last_id, self.last_hash = entry_id, prev

    @property
    def counts(self) -> dict[str, int]:
        return self.w.counts
