"""In-app notices, e-mail and group-robot deliveries (B-7).

A `Notification` is one notice to one person; its `key` is unique per person, so whatever creates notices
(the sweep, an urgent trigger, another app's service) may run any number of times and a person still gets
each notice once. Each outward copy (an e-mail, a message to a unit's WeCom or DingTalk group robot) is a
`NoticeDelivery` row: the outbox that the sweep works off, with its attempts and last error visible."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.platforms import crypto


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "新待办"
        DUE_SOON = "due_soon", "即将到期"
        OVERDUE = "overdue", "已超期"
        SUPERVISION = "supervision", "督办"
        URGENT = "urgent", "紧急"
        INSPECTION = "inspection", "检查指标预警"
        OTHER = "other", "通知"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_user_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


def _reveal(token: str) -> str:
    """The plain text of an encrypted column; "" when empty or unreadable under the current key."""
    if not token:
        return ""
    try:
        return crypto.decrypt(token)
    except crypto.SecretUnreadable:
        return ""


class WebhookTarget(models.Model):
    """A unit's group robot. Its address (which carries the robot's key) and its 加签 secret are credentials:
    encrypted at rest (DESIGN invariant 7) and read through the `url` and `secret` properties; the secret is
    write-only on every page."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", verbose_name="单位")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, help_text="如：办公室工作群")
    url_encrypted = models.TextField("机器人地址（加密保存）")
    secret_encrypted = models.TextField("加签密钥（加密保存）", blank=True)
    active = models.BooleanField("启用", default=True)
    urgent_only = models.BooleanField("仅推送紧急和超期通知", default=False)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        ordering = ["unit__order", "id"]
        verbose_name = verbose_name_plural = "群机器人"

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}（{self.get_kind_display()}）"

    @property
    def url(self) -> str:
        return _reveal(self.url_encrypted)

    @url.setter
    def url(self, value: str) -> None:
        self.url_encrypted = crypto.encrypt(value) if value else ""

    @property
    def secret(self) -> str:
        return _reveal(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value) if value else ""

    @property
    def masked_url(self) -> str:
        """The robot's key or access token is a credential: pages show only where it points."""
        url = self.url
        if not url:
            return "（地址无法解密，请重新填写）"
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}{'?…' if parts.query else ''}"


class NoticeDelivery(models.Model):
    """One outward copy of a notice. `dedupe` is unique: a group robot gets a notice once even when several
    people of its unit receive it."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已送达"
        FAILED = "failed", "发送失败（已停止重试）"

    notification = models.ForeignKey(
        Notification, models.CASCADE, related_name="deliveries", verbose_name="通知"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    target = models.ForeignKey(
        WebhookTarget,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="群机器人",
    )
    address = models.CharField("收件地址", max_length=254, blank=True)
    dedupe = models.CharField(max_length=250, unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知发送记录"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"
