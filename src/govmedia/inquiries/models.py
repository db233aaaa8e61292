"""Public messages and their handling path (chapter 7): every step who/when/what, with its deadline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from govmedia.org.models import county_column, sees_whole_county


class Kind(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    REQUEST = "request", "求助"
    REPORT = "report", "情况反映"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    PETITION = "petition", "信访"
    ABUSIVE = "abusive", "恶意/违法"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    RECEIVED = "received", "待登记"
    REGISTERED = "registered", "待领导批示"
    TO_TRANSFER = "to_transfer", "待转办"
    TRANSFERRED = "transferred", "部门办理中"
    COMPILING = "compiling", "待中心整理"
    REVIEWING = "reviewing", "待领导审核"
    TO_REPLY = "to_reply", "待回复"
    TO_PETITION = "to_petition", "待告知信访渠道"
    CLOSED = "closed", "已办结"


class Outcome(models.TextChoices):
    REPLIED = "replied", "已回复"
    PETITION = "petition", "已告知信访渠道"
    NO_ACTION = "no_action", "不予处理"


class Instruction(models.TextChoices):
    DIRECT = "direct", "由县电子政务中心直接答复"
    TRANSFER = "transfer", "转有关部门办理"
    PETITION = "petition", "属信访事项，告知信访渠道"
    NO_ACTION = "no_action", "不予处理"


class StepKind(models.TextChoices):
    REGISTER = "register", "下载登记"
    INSTRUCT = "instruct", "领导批示"
    TRANSFER = "transfer", "转办"
    DRAFT_REPLY = "draft_reply", "部门提出回复意见"
    SIGN_OFF = "sign_off", "部门领导审核签字"
    COMPILE = "compile", "中心整理答复"
    REVIEW = "review", "领导审核"
    REPLY = "reply", "回复"
    PETITION = "petition", "告知信访渠道并登记"


# Labels by value: get_FOO_display() flattens the choices on every call, twice a row of 留言办理.
STEP_KIND_LABELS = dict(StepKind.choices)
KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)
OUTCOME_LABELS = dict(Outcome.choices)
STATUS_TONES: dict[str, str] = {Status.CLOSED: "ok", Status.RECEIVED: "warn"}


class StepState(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已办理"
    RETURNED = "returned", "已退回"
    VOID = "void", "已撤销"


UNIT_STEPS = (StepKind.DRAFT_REPLY, StepKind.SIGN_OFF)


class InquiryQuerySet(models.QuerySet["Inquiry"]):
    def visible_to(self, user: Any) -> InquiryQuerySet:
        """County-level people see their county's messages; a unit sees only messages transferred to it."""
        if not getattr(user, "is_authenticated", False) or user.unit_id is None:
            return self.none()
        if sees_whole_county(user):
            return self.filter(account__unit__county=user.county_id)
        transferred = Step.objects.filter(
            inquiry=OuterRef("pk"), assignee_unit=user.unit_id, kind__in=UNIT_STEPS
        )
        return self.filter(Exists(transferred))


OPENING = 30  # characters of a message shown in its label


def message_label(pk: int, content: str) -> str:
    """「留言12：…」: the message's id and first words (its first OPENING + 1 characters are enough)."""
    text = content.replace("\n", " ")
    return f"留言{pk}：{text[:OPENING]}{'…' if len(text) > OPENING else ''}"


class Inquiry(models.Model):
    account = models.ForeignKey(
        "registry.Account", models.PROTECT, related_name="inquiries", verbose_name="账号"
    )
    platform = models.CharField("平台", max_length=20)
    platform_message_id = models.CharField("平台消息ID", max_length=100, blank=True)
    sender_id = models.CharField("发送者ID", max_length=100, blank=True)
    sender_name = models.CharField("发送者昵称", max_length=100, blank=True)
    content = models.TextField("留言内容")
    msg_type = models.CharField("消息类型", max_length=10, default="text")  # text | image | voice
    media_ref = models.JSONField("平台媒体信息", default=dict, blank=True)
    received_at = models.DateTimeField("收到时间", db_index=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    source = models.CharField("来源", max_length=10, default="manual")  # manual | import | api | wechat
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    outcome = models.CharField("办结方式", max_length=20, choices=Outcome.choices, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    instruction = models.CharField("批示", max_length=20, choices=Instruction.choices, blank=True)
    compiled_text = models.TextField("整理后的答复", blank=True)
    reply_text = models.TextField("回复内容", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="回复人",
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    disposition = models.TextField("恶意评论处置情况", blank=True)
    disposed_at = models.DateTimeField("处置时间", null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处置人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = verbose_name_plural = "留言"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "platform_message_id"],
                condition=~Q(platform_message_id=""),
                name="inquiry_unique_platform_message",
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inquiry_status_received"),
            # The message list's order (办理中 and 全部 tabs filter by status only after it).
            models.Index(fields=["-received_at", "-id"], name="inquiry_received"),
            # An account's open messages by age, read from the index alone (检查指标: 互动回应).
            models.Index(
                fields=["account", "received_at", "status", "kind"], name="inquiry_account_received"
            ),
        ]

    def __str__(self) -> str:
        return message_label(self.pk, self.content)

    @property
    def number(self) -> str:
        return f"LY{self.received_at:%Y}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "")


class Step(models.Model):
    """One stage of the path: who holds it, since when, until when, and what they did."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="steps", verbose_name="留言")
    # The message's county, copied here so that a county's open county-level steps are found by one index
    # among a province's (set on save from the message's account).
    county = county_column()
    kind = models.CharField("环节", max_length=20, choices=StepKind.choices)
    assignee_role = models.CharField("办理角色", max_length=30)
    assignee_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="承办单位"
    )
    received_at = models.DateTimeField("收到时间")
    deadline = models.ForeignKey(
        "workcalendar.Deadline", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="时限"
    )
    state = models.CharField("状态", max_length=10, choices=StepState.choices, default=StepState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理人",
    )
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decision = models.CharField("批示/结论", max_length=20, blank=True)
    comment = models.TextField("意见", blank=True)
    text = models.TextField("答复内容", blank=True)
    units = models.JSONField("转办单位", default=list, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = verbose_name_plural = "办理环节"
        indexes = [
            models.Index(fields=["state", "kind"], name="inquiry_step_state_kind"),
            models.Index(
                fields=["county", "assignee_role"],
                condition=Q(state="open", assignee_unit__isnull=True),
                name="inquiry_step_county_open",
            ),
            # 工作概览: a county's steps with a clock (without it, every clocked step of the province).
            models.Index(
                fields=["county"], condition=Q(deadline__isnull=False), name="inquiry_step_county_clocked"
            ),
        ]

    def __str__(self) -> str:
        unit = f"（{self.assignee_unit}）" if self.assignee_unit_id else ""
        return f"{self.get_kind_display()}{unit}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.county_id is None:
            self.county_id = self.inquiry.account.unit.county_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state == StepState.OPEN


class Attachment(models.Model):
    """A screenshot, stored once under its SHA-256 after Pillow accepted its bytes."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="attachments", verbose_name="留言")
    sha256 = models.CharField(max_length=64, db_index=True)
    path = models.CharField("存储路径", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    image_format = models.CharField("格式", max_length=10)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "留言附件"

    def __str__(self) -> str:
        return self.original_name or self.sha256[:12]


class PetitionChannel(models.Model):
    """The petition channel a county tells senders (one row per county, edited by its centre)."""

    # No index of its own: the one-per-county constraint's unique index serves the look-up.
    county = county_column()
    address = models.CharField("来信来访地址", max_length=200)
    phone = models.CharField("信访电话", max_length=50)
    website = models.CharField("网上信访网址", max_length=200)
    template = models.TextField(
        "告知模板", help_text="可使用 {sender}（发送者昵称）、{address}、{phone}、{website} 占位符。"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "信访渠道"
        constraints = [models.UniqueConstraint(fields=["county"], name="inquiry_channel_one_per_county")]

    def __str__(self) -> str:
        return "信访渠道"

    def render(self, sender: str) -> str:
        values = {
            "sender": sender or "网友",
            "address": self.address,
            "phone": self.phone,
            "website": self.website,
        }
        text = self.template
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


class Petition(models.Model):
    """信访登记: the petition list."""

    inquiry = models.OneToOneField(Inquiry, models.PROTECT, related_name="petition", verbose_name="留言")
    registered_at = models.DateTimeField("登记时间")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    told_text = models.TextField("告知内容")
    note = models.TextField("备注", blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = verbose_name_plural = "信访登记"

    def __str__(self) -> str:
        return f"信访登记 · {self.inquiry.number}"


class SupervisionNotice(models.Model):
    """督办: one notice per overdue transfer (message and unit) and working day, to the unit's leader
    and the centre."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="supervisions", verbose_name="留言")
    step = models.ForeignKey(Step, models.CASCADE, related_name="supervisions", verbose_name="环节")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="被督办单位")
    on_date = models.DateField("督办日期")
    sequence = models.PositiveIntegerField("第几次督办")
    due_at = models.DateTimeField("原定时限")
    message = models.TextField("督办内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on_date", "-id"]
        verbose_name = verbose_name_plural = "督办记录"
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "unit", "on_date"], name="one_supervision_per_unit_day"
            )
        ]

    def __str__(self) -> str:
        return f"第{self.sequence}次督办 · {self.unit}"
