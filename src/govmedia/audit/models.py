"""The hash-chained responsibility log (R5.1-1, B-3). Entries are append-only."""

from __future__ import annotations

from typing import Any

from django.db import models

from .chain import entry_hash


class AppendOnlyError(Exception):
    pass


class Entry(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    unit_name = models.CharField("单位", max_length=100, blank=True)
    action = models.CharField("事件", max_length=80, db_index=True)
    success = models.BooleanField("成功", default=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    ip = models.CharField("IP地址", max_length=45, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = verbose_name_plural = "责任日志"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("责任日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("责任日志只能追加，不能删除。")

    def chained_fields(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "unit_name": self.unit_name,
            "action": self.action,
            "success": self.success,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "ip": self.ip,
            "before": self.before,
            "after": self.after,
        }

    def computed_hash(self) -> str:
        return entry_hash(self.prev_hash, self.chained_fields())


class ChainHead(models.Model):
    """One row that holds the chain's last entry; locking it serialises writers."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"


class ChainWalk(models.Model):
    """How far the scheduled check has walked the chain (one row while a walk is under way). A province's
    ten million entries take minutes to walk; the sweep walks a slice a run so the worker goes on with its
    publications in between. The walk ends at the head as it stood when it began."""

    upto = models.BigIntegerField()
    upto_hash = models.CharField(max_length=64)
    next_id = models.BigIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"#{self.next_id}/{self.upto}"
