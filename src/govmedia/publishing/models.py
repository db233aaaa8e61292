"""Posts, their content versions and review steps (chapter 5, B-2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from govmedia.org.models import UnitScopedQuerySet, county_column

from .content import canonical_content
from .routes import STEP_LABELS, StepKind

CATEGORIES = [
    ("a", "a) 县人民政府应公开的新通知、公告"),
    ("b", "b) 县人民政府举办的重大活动信息"),
    ("c", "c) 县人民政府重大决策类文件"),
    ("d", "d) 县人民政府批准发布的其他信息"),
    ("e", "e) 应公开的灾情、疫情、险情类信息"),
    ("f", "f) 突发事件、重大事件处置及进展情况信息"),
    ("g", "g) 具有典型性的诉求处置和服务案例信息"),
    ("h", "h) 对不实报道、不良言论的回应和澄清信息"),
    ("i", "i) 公众普遍关注的民生服务信息"),
    ("j", "j) 需要公众广泛知晓或参与的告知类、意见征求类信息"),
]
CATEGORY_LABELS = dict(CATEGORIES)


class PostQuerySet(UnitScopedQuerySet):
    def visible_to(self, user: Any) -> PostQuerySet:
        """The author's unit sees its posts; county-level people see their county's; reviewers see what they
        review."""
        mine = super().visible_to(user)
        if (
            user.is_authenticated
            and user.unit_id is not None
            and user.has_role("legal_reviewer", "secrecy_reviewer", "unit_leader")
        ):
            # One IN over a UNION of two indexed reads: OR-ing a join to the steps read every step of the
            # province (6 million) and then needed DISTINCT.
            reviewed = ReviewStep.objects.filter(assignee_unit=user.unit_id).order_by().values("post")
            return self.filter(pk__in=mine.order_by().values("pk").union(reviewed))
        return mine  # type: ignore[return-value]


class Post(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", "原创"
        REPOST = "repost", "转载"
        PORTAL = "portal", "门户网站已发布"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        IN_REVIEW = "in_review", "审核中"
        APPROVED = "approved", "待发布"
        PUBLISHED = "published", "已发布"
        REJECTED = "rejected", "已退回"

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="posts", verbose_name="报送单位")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="撰稿人"
    )
    accounts = models.ManyToManyField("registry.Account", related_name="posts", verbose_name="发布账号")
    category = models.CharField("信息类别", max_length=1, choices=CATEGORIES, blank=True)
    kind = models.CharField("信息来源", max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    repost = models.JSONField("转载信息", null=True, blank=True)
    portal_url = models.URLField("门户网站链接", blank=True)
    emergency = models.JSONField("突发事件五要素", null=True, blank=True)
    media = models.JSONField("素材", default=list, blank=True)
    event = models.ForeignKey(
        "EmergencyEvent", models.PROTECT, null=True, blank=True, related_name="posts", verbose_name="突发事件"
    )
    sensitive = models.BooleanField(
        "敏感信息", default=False, help_text="涉及重大事件、群体性事件、灾情疫情等或不能确定能否发布"
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    content_hash = models.CharField("内容哈希", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)
    round = models.PositiveIntegerField("送审轮次", default=0)
    submitted_at = models.DateTimeField("送审时间", null=True, blank=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    publish_deadline = models.OneToOneField(
        "workcalendar.Deadline",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布时限",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_url = models.URLField("发布链接", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "-updated_at"]),
            # The list's order, alone (全部可见) and after a status (审核队列: status=in_review).
            models.Index(fields=["-updated_at", "-id"], name="post_updated"),
            models.Index(fields=["status", "-updated_at", "-id"], name="post_status_updated"),
        ]
        verbose_name = verbose_name_plural = "稿件"

    def __str__(self) -> str:
        return self.title

    # Labels by value: `get_FOO_display()` flattens the choices on every call, twice a row of the lists.
    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def status_tone(self) -> str:
        """The status badge's colour: ok, warn, danger or none."""
        return STATUS_TONES.get(self.status, "")

    def content(self) -> dict[str, Any]:
        return canonical_content(
            {
                key: getattr(self, key)
                for key in ("title", "body", "category", "kind", "repost", "portal_url", "emergency", "media")
            }
        )

    @property
    def urgent(self) -> bool:
        """Emergency posts: deadlines and notices are marked urgent (R5.1-3)."""
        return bool(self.emergency)

    def current_steps(self) -> list[ReviewStep]:
        return [s for s in self.steps.all() if s.round == self.round]


STATUS_LABELS = dict(Post.Status.choices)
STATUS_TONES: dict[str, str] = {
    Post.Status.PUBLISHED: "ok",
    Post.Status.REJECTED: "danger",
    Post.Status.APPROVED: "warn",
}


class PostVersion(models.Model):
    """Every content change makes a version; a save that changes nothing makes none (B-2)."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    content = models.JSONField("内容")
    content_hash = models.CharField("内容哈希", max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="one_version_number_per_post")]

    def __str__(self) -> str:
        return f"{self.post} 第{self.number}版"


class ReviewStep(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "待审"
        APPROVE = "approve", "同意"
        REJECT = "reject", "退回"
        VOID = "void", "已作废（内容已修改）"

    post = models.ForeignKey(Post, models.CASCADE, related_name="steps")
    # The post's county, copied here so that a county's open county-level steps are found by one index
    # among a province's (set on save from the post's unit).
    county = county_column()
    round = models.PositiveIntegerField("送审轮次")
    order = models.PositiveSmallIntegerField("顺序")
    kind = models.CharField("环节", max_length=20, choices=[(k.value, v) for k, v in STEP_LABELS.items()])
    assignee_role = models.CharField("办理角色", max_length=30)
    assignee_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="办理单位"
    )
    deadline = models.OneToOneField(
        "workcalendar.Deadline", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="时限"
    )
    received_at = models.DateTimeField("收到时间", null=True, blank=True)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_hash = models.CharField("审核时内容哈希", max_length=64, blank=True)
    comment = models.TextField("意见内容", blank=True)
    important = models.BooleanField("重要信息", default=False)
    acknowledged_warnings = models.BooleanField("已确认提示项", default=False)

    class Meta:
        ordering = ["post", "round", "order"]
        constraints = [models.UniqueConstraint(fields=["post", "round", "order"], name="one_step_per_place")]
        indexes = [
            models.Index(fields=["assignee_role", "decision"]),
            models.Index(
                fields=["county", "assignee_role"],
                condition=Q(decision="pending", received_at__isnull=False, assignee_unit__isnull=True),
                name="review_step_county_open",
            ),
            # 工作概览 and 统计报表: a county's steps with a clock (by when they were decided). Without it
            # PostgreSQL read every clocked step of the province (350 000) to keep one county's.
            models.Index(
                fields=["county", "decided_at"],
                condition=Q(deadline__isnull=False),
                name="review_step_county_clocked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} · {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.county_id is None:
            self.county_id = self.post.unit.county_id
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return STEP_LABELS[StepKind(self.kind)]

    @property
    def is_open(self) -> bool:
        return self.decision == self.Decision.PENDING and self.received_at is not None


OPEN_STEP = Q(decision=ReviewStep.Decision.PENDING, received_at__isnull=False)


class Archive(models.Model):
    """信息存档: the exact published content, its media hashes, the approval chain and the links.
    Written once at publication and never changed."""

    post = models.OneToOneField(Post, models.PROTECT, related_name="archive")
    unit_name = models.CharField("报送单位", max_length=100)
    content = models.JSONField("发布内容")
    content_hash = models.CharField("内容哈希", max_length=64)
    approvals = models.JSONField("审核链")
    accounts = models.JSONField("发布账号")
    url = models.URLField("发布链接", blank=True)
    published_at = models.DateTimeField("发布时间", db_index=True)
    published_by = models.CharField("发布人", max_length=150)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = verbose_name_plural = "信息存档"

    def __str__(self) -> str:
        return f"存档：{self.content.get('title', '')}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("存档一经写入不能修改。")
        super().save(*args, **kwargs)

    def as_record(self) -> dict[str, Any]:
        return {
            "post_id": self.post_id,
            "unit": self.unit_name,
            "content": self.content,
            "content_hash": self.content_hash,
            "approvals": self.approvals,
            "accounts": self.accounts,
            "url": self.url,
            "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
        }


class MaterialQuerySet(UnitScopedQuerySet):
    pass


class Material(models.Model):
    """素材: uploaded once, checked by its bytes, stored by its hash, reused without expiry (R5.6-3)."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        VOICE = "voice", "语音"
        VIDEO = "video", "视频"

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="materials", verbose_name="所属单位")
    sha256 = models.CharField("SHA-256", max_length=64)
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    format = models.CharField("格式", max_length=20)
    size = models.PositiveBigIntegerField("大小（字节）")
    width = models.PositiveIntegerField("宽", null=True, blank=True)
    height = models.PositiveIntegerField("高", null=True, blank=True)
    duration = models.FloatField("时长（秒）", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "sha256"], name="one_material_per_file_per_unit")
        ]
        verbose_name = verbose_name_plural = "素材"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"

    def as_media(self) -> dict[str, Any]:
        """How a post's content refers to it: the hash binds approvals to these exact bytes (B-2)."""
        return {"sha256": self.sha256, "kind": self.kind, "name": self.name}


class EmergencyEvent(models.Model):
    """突发事件: the first post and its follow-ups form one timeline (R5.1-3)."""

    name = models.CharField("事件", max_length=200)
    event_type = models.CharField("事件类型", max_length=50)
    location = models.CharField("地点", max_length=100)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="首报单位")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="首报人"
    )
    opened_at = models.DateTimeField("首报时间", auto_now_add=True)
    closed_at = models.DateTimeField("处置结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = verbose_name_plural = "突发事件"

    def __str__(self) -> str:
        return self.name


class CoordinationTask(models.Model):
    """联动任务: the county office asks units to interpret a policy, answer a hot topic or repost (R3.2.9)."""

    class Kind(models.TextChoices):
        POLICY = "policy", "政策解读"
        HOT_TOPIC = "hot_topic", "热点回应"
        REPOST = "repost", "信息转载"

    kind = models.CharField("任务类型", max_length=20, choices=Kind.choices)
    title = models.CharField("任务名称", max_length=200)
    instructions = models.TextField("任务要求")
    source_url = models.URLField("参考链接", blank=True)
    due_at = models.DateTimeField("完成时限")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="下达人"
    )
    issued_at = models.DateTimeField("下达时间", auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = verbose_name_plural = "联动任务"

    def __str__(self) -> str:
        return self.title


class TaskAssignment(models.Model):
    task = models.ForeignKey(CoordinationTask, models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="承办单位")
    post = models.ForeignKey(
        Post, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="落实信息"
    )
    answered_at = models.DateTimeField("报送时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送人",
    )

    class Meta:
        ordering = ["task", "unit__order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="one_assignment_per_unit")]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"
