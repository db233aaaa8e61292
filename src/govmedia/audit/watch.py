"""The audit chain watched on a schedule (等保: integrity of audit records).

`govmedia sweep` (run every minute) verifies the chain at most every AUDIT_VERIFY_INTERVAL seconds and
records the result: `audit.chain_verified`, or on a break `audit.chain_broken` (success false), an error in
the server log, and an alarm on 我的待办 of the audit and security administrators until a later check
passes. The auditor can also begin a check at once from the log page.

A walk checks AUDIT_VERIFY_SLICE entries a run and keeps its place in `ChainWalk`: a county's chain is one
slice, a province's ten million entries take fifty runs instead of holding the worker for minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from govmedia.web.sweep import sweeper
from govmedia.web.todo import TodoItem, provider

from .chain import GENESIS
from .models import ChainHead, ChainWalk, Entry
from .services import check_entries, end_of_walk, record

logger = logging.getLogger("govmedia.audit")
CHECK_ACTIONS = ("audit.chain_verified", "audit.chain_broken")
WALK_LOCK = 7_000_001  # the advisory lock of the scheduled walk (any number no other lock uses)


def last_check() -> Entry | None:
    return Entry.objects.filter(action__in=CHECK_ACTIONS).order_by("-id").first()


@contextmanager
def _walking_alone() -> Iterator[bool]:
    """Whether this process may walk the chain now. On PostgreSQL a session advisory lock keeps the sweeps
    of several workers from walking it at the same time: a province's walk takes minutes, and each worker
    found the last check an hour old until the first walk was done."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [WALK_LOCK])
        alone = bool(cursor.fetchone()[0])
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [WALK_LOCK])


def check_chain(*, force: bool = False, actor: Any = None, request: Any = None) -> Entry | None:
    """Walk the next slice of the chain: go on with the walk under way, or begin one when the last check is
    older than AUDIT_VERIFY_INTERVAL (`force`, the auditor's check: at once). Answers the new entry when a
    walk ends, None while one goes on (a county's chain is one slice; a province's takes an hour of runs)."""
    interval = int(getattr(settings, "AUDIT_VERIFY_INTERVAL", 3600))
    with _walking_alone() as alone:
        if not alone:
            return None
        walk = ChainWalk.objects.filter(pk=1).first()
        if walk is None:
            last = last_check()  # read once the walk is ours: another may have just finished one
            if not force and last is not None and (timezone.now() - last.at).total_seconds() < interval:
                return None
            head = ChainHead.objects.filter(pk=1).first()
            walk = ChainWalk(
                pk=1,
                upto=head.last_id if head else 0,
                upto_hash=head.last_hash if head else GENESIS,
                prev_hash=GENESIS,
                started_at=timezone.now(),
            )
        return _walk_a_slice(walk, actor, request)


def walk_under_way() -> ChainWalk | None:
    return ChainWalk.objects.filter(pk=1).first()


def _walk_a_slice(walk: ChainWalk, actor: Any, request: Any) -> Entry | None:
    limit = int(getattr(settings, "AUDIT_VERIFY_SLICE", 200_000))
    next_id, last_hash, broken, reason = check_entries(walk.next_id, walk.prev_hash, walk.upto, limit)
    if broken is None and next_id <= walk.upto and next_id - walk.next_id == limit:
        walk.next_id, walk.prev_hash = next_id, last_hash
        walk.save()
        return None
    ChainWalk.objects.filter(pk=1).delete()
    if broken is not None:
        return _result(False, next_id - 1, broken, reason, actor, request)
    ok, reason = end_of_walk(next_id - 1, last_hash, walk.upto, walk.upto_hash)
    return _result(ok, next_id - 1, None, reason, actor, request)


def _result(ok: bool, count: int, broken: Entry | None, reason: str, actor: Any, request: Any) -> Entry:
    if ok:
        return record("audit.chain_verified", actor=actor, request=request, after={"entries": count})
    broken_id = broken.pk if broken is not None else None
    logger.error("audit chain broken at entry %s: %s", broken_id, reason)
    return record(
        "audit.chain_broken",
        actor=actor,
        request=request,
        success=False,
        after={"entries": count, "broken_entry": broken_id, "reason": reason},
    )


@sweeper("audit.verify_chain")
def _verify_on_schedule() -> int:
    entry = check_chain()
    return 1 if entry is not None and not entry.success else 0


def alarm_text(entry: Entry) -> str:
    after = entry.after or {}
    where = f"第{after.get('broken_entry')}条，" if after.get("broken_entry") else ""
    return f"责任日志完整性校验失败（{where}{after.get('reason', '')}），请立即核查"


@provider
def _alarm(user: Any) -> list[TodoItem]:
    if not user.has_role("auditor", "secadmin"):
        return []
    last = last_check()
    if last is None or last.success:
        return []
    url = reverse("audit:entries") if user.has_role("auditor") else reverse("home")
    return [TodoItem(title=alarm_text(last), url=url, kind="安全告警", due_at=last.at)]
