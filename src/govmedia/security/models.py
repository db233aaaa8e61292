"""Security records of chapter 6: sign-in watch (R6.1-4), responsibility and emergency plans (R6.1-1,
R6.1-2), credentials (R6.1-5), duty roster and patrols (R6.2-2, R6.2-4), malicious comments (R6.2-3),
incidents (R6.3-1), drills and trainings (R6.1-1, R6.1-3, R3.2.6). Platform passwords are never stored:
only when and by whom."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from govmedia.org.models import UnitScopedQuerySet, county_column, sees_whole_county
from govmedia.registry.models import AccountType

from .incidents import INCIDENT_KINDS, SEVERITIES


class KnownDevice(models.Model):
    """A browser a person has signed in from before, told apart by a long-lived device cookie."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="devices")
    device_id = models.CharField(max_length=64)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    first_seen_at = models.DateTimeField("首次出现", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近出现", auto_now=True)
    approved = models.BooleanField("已确认为常用设备", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "device_id"], name="one_device_row_per_user")]
        verbose_name = verbose_name_plural = "登录设备"

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40]}"


class SignInRecord(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    username = models.CharField("用户名", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    success = models.BooleanField("成功")
    ip = models.CharField("IP地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    new_device = models.BooleanField("新设备", default=False)
    # Judged against the office networks listed at the moment of the sign-in; None: no networks were listed.
    outside_office = models.BooleanField("办公网络以外", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = verbose_name_plural = "登录记录"

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class OfficeNetwork(models.Model):
    """An office network range (CIDR) the county lists; sign-ins from elsewhere are flagged (R6.1-4)."""

    cidr = models.CharField(
        "网段（CIDR）", max_length=50, unique=True, help_text="如 10.53.0.0/16 或 2001:db8::/32"
    )
    name = models.CharField("名称", max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["cidr"]
        verbose_name = verbose_name_plural = "办公网络"

    def __str__(self) -> str:
        return f"{self.name}（{self.cidr}）"


class SecurityPolicy(models.Model):
    """The county's settings of chapter 6, one row (pk=1), edited by the security administrator."""

    rotation_period_days = models.PositiveIntegerField("平台密码更换周期（天）", default=90)
    rotation_due_workdays = models.PositiveIntegerField("人员变动或到期后更换时限（工作日）", default=3)
    leak_rotation_hours = models.PositiveIntegerField("账号泄露后更换时限（小时）", default=2)
    patrols_per_workday = models.PositiveIntegerField("平常工作日巡查次数", default=2)
    patrols_per_rest_day = models.PositiveIntegerField("平常休息日巡查次数", default=1)
    workday_start_hour = models.PositiveIntegerField("工作时间开始（时）", default=8)
    workday_end_hour = models.PositiveIntegerField("工作时间结束（时）", default=18)
    heightened_interval_hours = models.PositiveIntegerField("加强监测期间巡查间隔（小时）", default=4)
    heightened_start_hour = models.PositiveIntegerField("加强监测每日开始（时）", default=8)
    heightened_end_hour = models.PositiveIntegerField("加强监测每日结束（时）", default=24)
    two_factor_required = models.BooleanField(
        "领导和三员须使用两步验证",
        default=True,
        help_text="县、单位领导和系统、安全、审计管理员登录时须输入身份验证器的动态验证码",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全管理设置"

    def __str__(self) -> str:
        return "安全管理设置"

    @classmethod
    def current(cls) -> SecurityPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class StoredFile(models.Model):
    """A file checked by its bytes and stored under its SHA-256 in MEDIA_ROOT (screenshots, plans)."""

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField("类别", max_length=10, choices=[("image", "图片"), ("document", "文档")])
    format = models.CharField("格式", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全管理附件"

    def __str__(self) -> str:
        return f"{self.format} {self.sha256[:12]}"

    @property
    def relative_path(self) -> str:
        return f"security/{self.sha256[:2]}/{self.sha256}"


class EmergencyPlan(models.Model):
    """An emergency plan of a unit or of one of its accounts (R6.1-1); every upload is a new version."""

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    account = models.ForeignKey(
        "registry.Account",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="账号",
        help_text="空：适用于本单位全部账号",
    )
    title = models.CharField("预案名称", max_length=200)
    version = models.PositiveIntegerField("版本")
    approved_on = models.DateField("批准日期")
    file = models.ForeignKey(StoredFile, models.PROTECT, related_name="+", verbose_name="文件")
    file_name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__order", "account_id", "-version"]
        verbose_name = verbose_name_plural = "应急预案"
        constraints = [
            models.UniqueConstraint(fields=["unit", "account", "version"], name="one_plan_version"),
            models.UniqueConstraint(
                fields=["unit", "version"], condition=Q(account__isnull=True), name="one_unit_plan_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class AccountScopedQuerySet(UnitScopedQuerySet):
    unit_field = "account__unit"


class PasswordChange(models.Model):
    """The platform password of an account was changed (R6.1-5): when and by whom, never the password."""

    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    changed_on = models.DateField("更换日期")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="更换人"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = verbose_name_plural = "平台密码更换记录"
        indexes = [models.Index(fields=["account", "changed_on"])]

    def __str__(self) -> str:
        return f"{self.account} {self.changed_on}"


class RotationTask(models.Model):
    """A password change the standard asks for (R6.1-5): after a staff change, a leak, or the period."""

    class Reason(models.TextChoices):
        PERSONNEL = "personnel", "管理员或负责人变动"
        LEAK = "leak", "账号信息泄露"
        PERIOD = "period", "到期定期更换"

    class Status(models.TextChoices):
        OPEN = "open", "待更换"
        DONE = "done", "已更换"

    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    source = models.CharField(
        "来源", max_length=100, blank=True, help_text="如 filing:12、incident:3、period:2026-11-27"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    deadline = models.OneToOneField(
        "workcalendar.Deadline", models.PROTECT, related_name="+", verbose_name="时限"
    )
    raised_at = models.DateTimeField("发起时间", auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    change = models.ForeignKey(
        PasswordChange, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="更换记录"
    )

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline__due_at", "id"]
        verbose_name = verbose_name_plural = "密码更换任务"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reason", "source"],
                condition=Q(status="open"),
                name="one_open_rotation_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}：更换平台密码"


class DutyShift(models.Model):
    """Who is on duty on a day in a county (轮流值班, R6.2-2): each county keeps its own roster, one person a
    day. Edits and swaps are kept in DutyChange."""

    # Indexed by the (county, on) constraint, whose leading column it is.
    county = county_column()
    on = models.DateField("日期")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="值班人"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["on", "county_id"]
        verbose_name = verbose_name_plural = "值班安排"
        constraints = [models.UniqueConstraint(fields=["county", "on"], name="one_duty_shift_per_county_day")]

    def __str__(self) -> str:
        return f"{self.on} {self.user}"


class DutyChange(models.Model):
    class Kind(models.TextChoices):
        GENERATED = "generated", "排班生成"
        EDITED = "edited", "调整"
        SWAPPED = "swapped", "换班"

    shift = models.ForeignKey(DutyShift, models.CASCADE, related_name="changes")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    before = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    after = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reason = models.CharField("原因", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "值班变更"

    def __str__(self) -> str:
        return f"{self.shift} {self.get_kind_display()}"


class HeightenedPeriod(models.Model):
    """An important meeting or event a county enters: it raises the patrol frequency of that county's accounts
    only. National holidays come from the working-day engine."""

    county = county_column(indexed=True)
    name = models.CharField("名称", max_length=100)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = verbose_name_plural = "加强监测期"

    def __str__(self) -> str:
        return self.name


class Patrol(models.Model):
    """One patrol of an account's front and back end (R6.2-2)."""

    class Result(models.TextChoices):
        NORMAL = "normal", "正常"
        ANOMALY = "anomaly", "异常"

    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    at = models.DateTimeField("巡查时间", db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="巡查人")
    front_content_ok = models.BooleanField("前台：发布内容完整未被篡改")
    front_comments_ok = models.BooleanField("前台：评论留言无异常")
    back_operators_ok = models.BooleanField("后台：操作人员无异常")
    back_signins_ok = models.BooleanField("后台：登录记录无异常")
    back_interfaces_ok = models.BooleanField("后台：绑定接口无异常")
    result = models.CharField("结果", max_length=10, choices=Result.choices)
    notes = models.TextField("情况说明", blank=True)
    heightened = models.CharField("加强监测期", max_length=100, blank=True)
    screenshots = models.ManyToManyField(StoredFile, blank=True, related_name="+", verbose_name="截图")

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "巡查记录"
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.account} {self.at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class MissedPatrol(models.Model):
    """A patrol window that ended with no patrol of the account (flagged by the sweeper, R6.2-4)."""

    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    window_start = models.DateTimeField("时段开始")
    window_end = models.DateTimeField("时段结束", db_index=True)
    heightened = models.CharField("加强监测期", max_length=100, blank=True)
    flagged_at = models.DateTimeField("发现时间", auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-window_end", "account_id"]
        verbose_name = verbose_name_plural = "漏巡记录"
        constraints = [
            models.UniqueConstraint(fields=["account", "window_start"], name="one_missed_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.window_start:%Y-%m-%d %H:%M}"


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any) -> IncidentQuerySet:
        """County-level people see their county's incidents (by the people who opened them, since an incident
        may touch no account); a unit sees those touching its accounts."""
        if not getattr(user, "is_authenticated", False) or user.unit_id is None:
            return self.none()
        if sees_whole_county(user):
            return self.filter(opened_by__unit__county=user.county_id)
        return self.filter(
            pk__in=Incident.accounts.through.objects.filter(account__unit=user.unit_id).values("incident_id")
        )


class Incident(models.Model):
    """A security incident and its handling (R6.3-1, R3.2.8)."""

    class Status(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已结案"

    kind = models.CharField("事件类型", max_length=20, choices=INCIDENT_KINDS)
    severity = models.CharField("严重程度", max_length=10, choices=SEVERITIES)
    title = models.CharField("事件名称", max_length=200)
    description = models.TextField("事件经过")
    occurred_at = models.DateTimeField("发现时间")
    accounts = models.ManyToManyField("registry.Account", related_name="+", verbose_name="涉及账号")
    patrol = models.ForeignKey(
        Patrol, models.SET_NULL, null=True, blank=True, related_name="incidents", verbose_name="来源巡查"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    opened_at = models.DateTimeField("登记时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    review = models.TextField("结案复盘", blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = verbose_name_plural = "安全事件"

    def __str__(self) -> str:
        return self.title


class IncidentStep(models.Model):
    """One item of the playbook checklist, ticked with who and when."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField()
    code = models.CharField(max_length=30)
    label = models.CharField("处置事项", max_length=200)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    note = models.CharField("情况", max_length=500, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = verbose_name_plural = "处置事项"
        constraints = [models.UniqueConstraint(fields=["incident", "code"], name="one_step_per_code")]

    def __str__(self) -> str:
        return self.label


class IncidentEvent(models.Model):
    """The incident's timeline."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(max_length=20)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "事件时间线"

    def __str__(self) -> str:
        return self.text[:50]


class Notice(models.Model):
    """An in-app notice to a person (leaders told of an incident at once); shown in 我的待办 until read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    incident = models.ForeignKey(Incident, models.CASCADE, null=True, blank=True, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "通知"
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class MaliciousComment(models.Model):
    """A malicious or illegal comment, registered with its evidence and disposition (R6.2-3)."""

    class Disposition(models.TextChoices):
        DELETED = "deleted", "已删除"
        REPORTED = "reported", "已向平台举报"
        BLOCKED = "blocked", "已拉黑"
        POLICE = "police", "已移交公安机关"

    account = models.ForeignKey("registry.Account", models.PROTECT, related_name="+", verbose_name="账号")
    platform = models.CharField("平台", max_length=20, choices=AccountType.choices)
    commenter_id = models.CharField("评论者ID", max_length=100)
    content = models.TextField("评论内容")
    commented_at = models.DateTimeField("评论时间")
    screenshot = models.ForeignKey(StoredFile, models.PROTECT, related_name="+", verbose_name="截图")
    dispositions = models.JSONField("处置方式", default=list)
    disposition_note = models.CharField("处置说明", max_length=500, blank=True)
    # The inquiries app is built in parallel: the message is referenced by id and text for now.
    inquiry_id = models.PositiveBigIntegerField("来源留言编号", null=True, blank=True)
    inquiry_ref = models.CharField("来源留言", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-commented_at", "-id"]
        verbose_name = verbose_name_plural = "恶意评论登记"

    def __str__(self) -> str:
        return f"{self.commenter_id}（{self.account}）"

    def disposition_labels(self) -> list[str]:
        labels = dict(self.Disposition.choices)
        return [labels.get(d, d) for d in self.dispositions]


class Drill(models.Model):
    """An emergency drill of a unit (R6.1-1, R3.2.8)."""

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    on = models.DateField("演练日期")
    scenario = models.CharField("演练场景", max_length=200)
    participants = models.TextField("参加人员")
    findings = models.TextField("发现的问题", blank=True)
    improvements = models.TextField("改进措施", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "应急演练"

    def __str__(self) -> str:
        return f"{self.on} {self.scenario}"


class Training(models.Model):
    """A training session of a unit (R6.1-3, R3.2.6)."""

    class Topic(models.TextChoices):
        OPERATIONS = "operations", "运行维护"
        SECURITY = "security", "安全管理"
        INFORMATION = "information", "信息管理"

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    on = models.DateField("培训日期")
    topic = models.CharField("培训类别", max_length=20, choices=Topic.choices)
    title = models.CharField("培训内容", max_length=200)
    trainer = models.CharField("授课人", max_length=100)
    attendees = models.TextField("参训人员", help_text="每行一人，或以顿号、逗号分隔")
    attendee_count = models.PositiveIntegerField("参训人数")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = "培训记录"

    def __str__(self) -> str:
        return f"{self.on} {self.title}"
