"""`record()`: services call it inside their transaction, so the entry commits with the change."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .chain import GENESIS
from .models import ChainHead, Entry


def client_ip(request: Any) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _plain(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copy, so the hash computed now matches the row read back later."""
    return None if data is None else json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request: Any = None,
    success: bool = True,
) -> Entry:
    """Append one entry to the chain. Joins the caller's transaction when there is one."""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        unit = getattr(actor, "unit", None)
        entry = Entry(
            id=head.last_id + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=str(actor)[:150] if actor is not None else "系统",
            unit_name=str(unit)[:100] if unit is not None else "",
            action=action,
            success=success,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            ip=client_ip(request),
            before=_plain(before),
            after=_plain(after),
            prev_hash=head.last_hash,
        )
        entry.hash = entry.computed_hash()
        entry.save(force_insert=True)
        head.last_id, head.last_hash = entry.pk, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def check_entries(
    start: int, prev: str, upto: int | None, limit: int | None = None
) -> tuple[int, str, Entry | None, str]:
    """Check the entries from id `start` (its predecessor's hash is `prev`) up to id `upto`, at most `limit`
    of them. Returns (the next id to check, the last hash checked, the first broken entry, reason)."""
    entries = Entry.objects.filter(id__gte=start).order_by("id")
    if upto is not None:
        entries = entries.filter(id__lte=upto)
    if limit is not None:
        entries = entries[:limit]
    expected = start
    for entry in entries.iterator(chunk_size=2000):
        if entry.pk != expected:
            return expected, prev, entry, f"缺少第{expected}条记录"
        if entry.prev_hash != prev:
            return expected, prev, entry, "前序哈希不一致"
        if entry.computed_hash() != entry.hash:
            return expected, prev, entry, "内容与哈希不一致（记录被修改）"
        prev = entry.hash
        expected += 1
    return expected, prev, None, ""


def end_of_walk(count: int, last_hash: str, head_id: int | None, head_hash: str) -> tuple[bool, str]:
    """Whether a walk that checked `count` entries ending in `last_hash` reached the head (as it stood when
    the walk began: entries written meanwhile are the next check's)."""
    if head_id is not None and head_id != count:
        return False, f"链尾记录数不一致（应为{head_id}条）"
    if head_id is not None and head_hash != last_hash:
        return False, "链尾哈希不一致"
    return True, ""


def verify() -> tuple[bool, int, Entry | None, str]:
    """Walk the whole chain in order up to its head as it stood when the walk began. Returns (ok, entries
    checked, first broken entry, reason)."""
    head = ChainHead.objects.filter(pk=1).first()
    upto = head.last_id if head is not None else None
    next_id, last_hash, broken, reason = check_entries(1, GENESIS, upto)
    if broken is not None:
        return False, next_id - 1, broken, reason
    ok, reason = end_of_walk(next_id - 1, last_hash, upto, head.last_hash if head is not None else "")
    return ok, next_id - 1, None, reason


def record_refusal(request: Any, exc: Exception) -> Entry | None:
    """A permission refusal (page or API) as a failed `auth.permission_denied` entry."""
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    return record(
        "auth.permission_denied",
        actor=actor,
        request=request,
        success=False,
        after={
            "path": str(getattr(request, "path", ""))[:200],
            "method": str(getattr(request, "method", "")),
            "reason": str(exc)[:200],
        },
    )
