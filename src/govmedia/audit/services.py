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


def verify() -> tuple[bool, int, Entry | None, str]:
    """Walk the chain in order up to the head as it stood when the walk began: entries written meanwhile
    are the next check's (a province's walk takes minutes, and reading the head afterwards took them for a
    break). Returns (ok, entries checked, first broken entry, reason)."""
    head = ChainHead.objects.filter(pk=1).first()
    entries = Entry.objects.order_by("id")
    if head is not None:
        entries = entries.filter(id__lte=head.last_id)
    prev = GENESIS
    count = 0
    expected_id = 1
    for entry in entries.iterator(chunk_size=2000):
        if entry.pk != expected_id:
            return False, count, entry, f"缺少第{expected_id}条记录"
        if entry.prev_hash != prev:
            return False, count, entry, "前序哈希不一致"
        if entry.computed_hash() != entry.hash:
            return False, count, entry, "内容与哈希不一致（记录被修改）"
        prev = entry.hash
        count += 1
        expected_id += 1
    if head is not None and head.last_id != count:
        return False, count, None, f"链尾记录数不一致（应为{head.last_id}条）"
    if head is not None and head.last_hash != prev:
        return False, count, None, "链尾哈希不一致"
    return True, count, None, ""


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
