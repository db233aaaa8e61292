"""The account register (chapters 2, 3.2, 4): accounts with every field of form A.1, and their filings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from govmedia.org.models import UnitScopedQuerySet, mobile_validator, phone_validator

from . import rules


class AccountType(models.TextChoices):
    WEIBO = "weibo", "微博"
    WECHAT = "wechat", "微信"
    QQ = "qq", "QQ公众号"
    TOUTIAO = "toutiao", "头条号"
    BAIJIAHAO = "baijiahao", "百家号"
    PENGUIN = "penguin", "企鹅媒体平台"
    APP = "app", "自主开发移动客户端"
    OTHER = "other", "其他"


class WechatKind(models.TextChoices):
    SUBSCRIPTION = "subscription", "订阅号"
    SERVICE = "service", "服务号"


class AccountStatus(models.TextChoices):
    PLANNED = "planned", "拟开通"
    FILED = "filed", "已备案"
    OPERATING = "operating", "运营中"
    SHUTDOWN = "shutdown", "紧急关停"
    CLOSING = "closing", "拟关闭"
    DEREGISTERED = "deregistered", "已注销"


# The two people form A.1 names: prefix -> label.
CONTACT_ROLES = {"leader": "第一责任人", "admin": "账号管理员"}
CONTACT_PARTS = {
    "name": "姓名",
    "title": "职务",
    "mobile": "移动电话",
    "office_phone": "办公电话",
    "email": "邮箱",
}
CONTACT_FIELDS = tuple(f"{role}_{part}" for role in CONTACT_ROLES for part in CONTACT_PARTS)
# Every field of form A.1, in the form's order (unit excluded: it is the owning unit).
A1_FIELDS = (
    "type",
    "type_other",
    "wechat_kind",
    "name",
    "link",
    "opened_on",
    "planned_open_on",
    *CONTACT_FIELDS,
    "developer",
    "purpose_plan",
    "introduction",
)


def _contact(role: str, part: str, label: str) -> models.Field[Any, Any]:
    verbose = f"{CONTACT_ROLES[role]}{label}"
    # Blank allowed while registering; a filing refuses an incomplete form (services.a1_missing).
    if part == "mobile":
        return models.CharField(verbose, max_length=11, blank=True, validators=[mobile_validator])
    if part == "office_phone":
        return models.CharField(verbose, max_length=20, blank=True, validators=[phone_validator])
    if part == "email":
        return models.EmailField(verbose, blank=True, validators=[EmailValidator("请输入正确的邮箱地址")])
    return models.CharField(verbose, max_length=50, blank=True)


class AccountQuerySet(UnitScopedQuerySet):
    def live(self) -> AccountQuerySet:
        return self.exclude(status=AccountStatus.DEREGISTERED)

    def with_filing_state(self) -> AccountQuerySet:
        """Annotate `has_filing`, `filing_pending`, `filing_returned`, `filing_late` (the ledger's filters).

        Late: a filing first submitted late, or one never submitted and past its deadline.
        """
        filings = Filing.objects.filter(account=OuterRef("pk"))
        unsent = [Filing.Status.DRAFT, Filing.Status.RETURNED]
        never_sent = Q(
            status__in=unsent, first_submitted_at__isnull=True, deadline__due_at__lt=timezone.now()
        )
        late = Q(late=True) | never_sent
        return self.annotate(
            has_filing=Exists(filings),
            filing_pending=Exists(filings.filter(status__in=unsent)),
            filing_returned=Exists(filings.filter(status=Filing.Status.RETURNED)),
            filing_draft=Exists(filings.filter(status=Filing.Status.DRAFT)),
            filing_submitted=Exists(filings.filter(status=Filing.Status.SUBMITTED)),
            filing_late=Exists(filings.filter(late)),
        )

    def verification_expiring(self, within_days: int = 30, today: date | None = None) -> AccountQuerySet:
        today = today or timezone.localdate()
        return self.live().filter(
            verification_expires_on__isnull=False,
            verification_expires_on__lte=today + timedelta(days=within_days),
        )


# Labels by value: get_FOO_display() flattens the field's choices on every call, which 检查指标 and the lists
# made hundreds of times a page.
TYPE_LABELS = dict(AccountType.choices)
WECHAT_KIND_LABELS = dict(WechatKind.choices)
STATUS_LABELS = dict(AccountStatus.choices)
# The ledger's status badge: the rest are warnings, a deregistered account plain.
STATUS_TONES = {"operating": "ok", "filed": "ok", "shutdown": "danger", "deregistered": ""}


class Account(models.Model):
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="accounts", verbose_name="开通部门或单位"
    )
    type = models.CharField("新媒体类型", max_length=20, choices=AccountType.choices)
    type_other = models.CharField("其他类型名称", max_length=50, blank=True)
    wechat_kind = models.CharField("微信账号类别", max_length=20, choices=WechatKind.choices, blank=True)
    name = models.CharField("账号用户名", max_length=100)
    link = models.CharField("媒体链接", max_length=300, help_text="微博网址、微信号或客户端下载地址")
    planned_open_on = models.DateField("计划开通时间", null=True, blank=True)
    opened_on = models.DateField("开通时间", null=True, blank=True)
    leader_name = _contact("leader", "name", "姓名")
    leader_title = _contact("leader", "title", "职务")
    leader_mobile = _contact("leader", "mobile", "移动电话")
    leader_office_phone = _contact("leader", "office_phone", "办公电话")
    leader_email = _contact("leader", "email", "邮箱")
    admin_name = _contact("admin", "name", "姓名")
    admin_title = _contact("admin", "title", "职务")
    admin_mobile = _contact("admin", "mobile", "移动电话")
    admin_office_phone = _contact("admin", "office_phone", "办公电话")
    admin_email = _contact("admin", "email", "邮箱")
    developer = models.CharField(
        "开发单位", max_length=100, default="无", help_text="若无第三方公司协助开发，可填“无”"
    )
    purpose_plan = models.TextField("平台用途及建设规划", blank=True)
    introduction = models.TextField("基本情况介绍", blank=True)

    status = models.CharField(
        "状态", max_length=20, choices=AccountStatus.choices, default=AccountStatus.PLANNED
    )
    security_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="security_accounts",
        verbose_name="安全责任人",
    )
    verified = models.BooleanField("已实名认证", default=False)
    verified_by = models.CharField(
        "认证机构", max_length=100, blank=True, help_text="如：新浪微博、微信公众平台"
    )
    verified_on = models.DateField("认证日期", null=True, blank=True)
    verification_expires_on = models.DateField("认证有效期至", null=True, blank=True)
    # Set by publishing when a post goes out on the account, so that the inspection table (B-5 更新频率)
    # reads a column instead of every post the account ever carried.
    last_published_at = models.DateTimeField("最近发布时间", null=True, blank=True, editable=False)

    # Write-only WeChat push settings (CONTRACT); never shown back.
    wechat_token = models.CharField(max_length=64, blank=True)
    wechat_aes_key = models.CharField(max_length=64, blank=True)
    wechat_app_id = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["unit__order", "type", "id"]
        verbose_name = verbose_name_plural = "政务新媒体账号"
        indexes = [models.Index(fields=["status"]), models.Index(fields=["verification_expires_on"])]

    # What `str(account)` reads: a drop-down of accounts loads only these.
    LABEL_FIELDS = ("name", "type", "type_other", "wechat_kind")

    def __str__(self) -> str:
        return f"{self.name}（{self.type_label}）"

    @property
    def type_label(self) -> str:
        if self.type == AccountType.OTHER and self.type_other:
            return self.type_other
        if self.type == AccountType.WECHAT and self.wechat_kind:
            return f"微信{WECHAT_KIND_LABELS.get(self.wechat_kind, self.wechat_kind)}"
        return TYPE_LABELS.get(self.type, self.type)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "warn")

    @property
    def has_wechat_secrets(self) -> bool:
        return bool(self.wechat_token or self.wechat_aes_key or self.wechat_app_id)

    def verification_expiring(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        exp = self.verification_expires_on
        return exp is not None and exp <= today + timedelta(days=30)

    def a1_data(self) -> dict[str, Any]:
        """The form A.1 values as plain JSON-able data (the snapshot a filing carries)."""
        data: dict[str, Any] = {f: getattr(self, f) for f in A1_FIELDS}
        for f in ("opened_on", "planned_open_on"):
            data[f] = data[f].isoformat() if data[f] else None
        data["unit_name"] = self.unit.name
        return data


def field_label(name: str) -> str:
    return str(getattr(Account._meta.get_field(name), "verbose_name", name))


class OperatorGrant(models.Model):
    """Who may operate an account (3.2.3), with the dates of grant and revocation."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="operator_grants", verbose_name="账号")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人"
    )
    granted_on = models.DateField("授权日期")
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, verbose_name="授权人"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    reviewed_on = models.DateField("最近复核日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, verbose_name="复核人"
    )

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = verbose_name_plural = "账号操作授权"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=Q(revoked_on__isnull=True),
                name="one_active_grant_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.account}"


class FunctionLog(models.Model):
    """Function management (3.2.2): UI and logo changes, third-party interfaces and who developed them."""

    class Kind(models.TextChoices):
        UI = "ui", "界面调整"
        LOGO = "logo", "标识（头像）更换"
        INTERFACE = "interface", "第三方接口接入"
        FEATURE = "feature", "功能开通或关闭"
        OTHER = "other", "其他"

    account = models.ForeignKey(Account, models.CASCADE, related_name="function_logs", verbose_name="账号")
    on = models.DateField("日期")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    description = models.TextField("内容")
    interface = models.CharField("接口名称", max_length=100, blank=True)
    developer = models.CharField("开发单位", max_length=100, blank=True)
    developer_contact = models.CharField("开发单位联系人及电话", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "功能管理日志"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.on}"


class MaintenanceLog(models.Model):
    """Maintenance log (3.2.1)."""

    account = models.ForeignKey(Account, models.CASCADE, related_name="maintenance_logs", verbose_name="账号")
    on = models.DateField("日期")
    description = models.TextField("维护内容")
    performed_by = models.CharField("维护人", max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "维护日志"

    def __str__(self) -> str:
        return f"维护 · {self.on}"


class FilingQuerySet(UnitScopedQuerySet):
    unit_field = "account__unit"

    def pending_review(self) -> FilingQuerySet:
        return self.filter(status=Filing.Status.SUBMITTED)


class Filing(models.Model):
    """A filing with the county office (4.2) on form A.1."""

    class Kind(models.TextChoices):
        NEW = rules.NEW, "新开通备案"
        EXISTING = rules.EXISTING, "已开通账号备案"
        CLOSE_CHANGE = rules.CLOSE_CHANGE, "关闭或变更备案"
        EMERGENCY_SHUTDOWN = rules.EMERGENCY_SHUTDOWN, "紧急关停备案"
        PERSONNEL_CHANGE = rules.PERSONNEL_CHANGE, "负责人或管理员变动备案"

    class Action(models.TextChoices):
        CLOSE = "close", "关闭"
        CHANGE = "change", "变更"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已备案"

    account = models.ForeignKey(Account, models.PROTECT, related_name="filings", verbose_name="账号")
    kind = models.CharField("备案类型", max_length=30, choices=Kind.choices)
    action = models.CharField("关闭/变更", max_length=10, choices=Action.choices, blank=True)
    event_date = models.DateField("事项日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    deadline = models.OneToOneField(
        "workcalendar.Deadline", models.PROTECT, related_name="registry_filing", verbose_name="备案时限"
    )
    reason = models.TextField("事由", blank=True)
    proposed = models.JSONField("变更后内容", default=dict, blank=True)
    snapshot = models.JSONField("登记表内容", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="填报人"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    late = models.BooleanField("逾期报送", default=False)
    late_workdays = models.PositiveIntegerField("逾期工作日数", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    checklist = models.JSONField("审核要点", default=dict, blank=True)
    deregistered_on = models.DateField("平台注销日期", null=True, blank=True)
    deregistration_evidence = models.TextField("注销凭证", blank=True)

    objects = FilingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "备案"
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.account.name}"

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.CLOSE_CHANGE and self.action:
            return f"{self.get_action_display()}备案"
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ACCEPTED


class FilingReview(models.Model):
    """Each decision of the county office on a filing: the history of returns and the acceptance."""

    filing = models.ForeignKey(Filing, models.CASCADE, related_name="reviews", verbose_name="备案")
    decision = models.CharField("结论", max_length=10, choices=[("accept", "同意备案"), ("return", "退回")])
    comment = models.TextField("意见", blank=True)
    checklist = models.JSONField("审核要点", default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="审核人")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "备案审核记录"

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.at:%Y-%m-%d}"


class ForbiddenNameWord(models.Model):
    """Words an account name must not use (4.1); maintained by administrators."""

    word = models.CharField("禁用词", max_length=30, unique=True)
    note = models.CharField("说明", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = verbose_name_plural = "账号名称禁用词"

    def __str__(self) -> str:
        return self.word
