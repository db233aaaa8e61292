"""The outbox of platform work (B-6, invariant 3), credentials, and the simulator's store."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Delivery(models.Model):
    """One piece of work for a platform: publish a post version on one account, or send one reply.

    The row is the queue: the worker claims due rows, records every attempt on them, and never calls the
    platform twice for one idempotency key."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "发布信息"
        REPLY = "reply", "回复留言"

    class Status(models.TextChoices):
        QUEUED = "queued", "等待执行"
        RUNNING = "running", "执行中"
        DONE = "done", "已完成"
        FAILED = "failed", "多次重试失败"
        STOPPED = "stopped", "已停止"
        MANUAL = "manual", "需人工发布"
        CANCELLED = "cancelled", "已撤销"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    post = models.ForeignKey(
        "publishing.Post", models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    content_hash = models.CharField("内容哈希", max_length=64, blank=True)
    inquiry = models.ForeignKey("inquiries.Inquiry", models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField("回复内容", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发起人"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    scheduled_at = models.DateTimeField("计划时间")
    next_attempt_at = models.DateTimeField("下次执行时间", db_index=True)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveIntegerField("最多尝试次数", default=6)
    locked_until = models.DateTimeField("占用至", null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    idempotency_key = models.CharField("幂等键", max_length=120, unique=True)
    state = models.JSONField("平台中间结果", default=dict, blank=True)
    platform_id = models.CharField("平台ID", max_length=100, blank=True)
    platform_url = models.URLField("平台链接", max_length=500, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    last_error_code = models.CharField("错误代码", max_length=40, blank=True)
    late = models.BooleanField("超时发布", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The tamper check (R3.2.4, R6.3-1) of a published item.
    next_check_at = models.DateTimeField("下次核对时间", null=True, blank=True, db_index=True)
    checked_at = models.DateTimeField("最近核对时间", null=True, blank=True)
    check_result = models.CharField("核对结果", max_length=200, blank=True)
    tampered_digest = models.CharField(max_length=64, blank=True)
    incident_id = models.IntegerField("安全事件", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "平台任务"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.account}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class DeliveryAttempt(models.Model):
    """Every attempt and its outcome, shown to people on the post (invariant 3)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "执行中"
        OK = "ok", "成功"
        PENDING = "pending", "平台处理中"
        RETRY = "retry", "出错，稍后重试"
        STOPPED = "stopped", "出错，已停止"
        REFUSED = "refused", "执行前复核未通过"
        INTERRUPTED = "interrupted", "执行中断"

    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField("次数")
    worker = models.CharField("工作进程", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    error_code = models.CharField("错误代码", max_length=40, blank=True)
    message = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["delivery", "number", "id"]

    def __str__(self) -> str:
        return f"{self.delivery} 第{self.number}次"


class PlatformCredential(models.Model):
    """An account's API credentials, the secret encrypted (invariant 7); never shown after entry."""

    account = models.OneToOneField("registry.Account", models.CASCADE, related_name="+", verbose_name="账号")
    app_id = models.CharField("AppID / App Key", max_length=64, blank=True)
    secret_encrypted = models.TextField()
    wechat_mode = models.CharField(
        "微信发布方式",
        max_length=10,
        choices=[("publish", "发布（freepublish）"), ("mass", "群发（mass send）")],
        default="publish",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "平台接口凭据"

    def __str__(self) -> str:
        return f"{self.account} 接口凭据"


class AccessToken(models.Model):
    """A platform access token cached for every worker, refreshed before it expires."""

    key = models.CharField(max_length=200, unique=True)
    token_encrypted = models.TextField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class RemoteMaterial(models.Model):
    """A file uploaded once as a permanent material on an account, reused afterwards (R5.6-3)."""

    account = models.ForeignKey("registry.Account", models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)
    media_id = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "sha256"], name="one_remote_material")]

    def __str__(self) -> str:
        return self.media_id


class SimulatedItem(models.Model):
    """The simulator's store: tokens, materials, drafts, published items, replies, comments, faults and
    idempotency records, one row each, keyed within (platform, kind)."""

    platform = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    app = models.CharField(max_length=100, blank=True)
    data: Any = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["platform", "kind", "key"], name="one_simulated_item")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.kind}:{self.key}"
