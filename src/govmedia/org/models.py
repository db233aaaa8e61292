"""Units, people and their roles (chapter 3.1)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models


class County(models.Model):
    """A county (县、市、区): the scope of its centre, its leaders and its reviewers. One instance may hold a
    whole province's counties; nobody below the province sees past their own."""

    name = models.CharField("县（市、区）名称", max_length=50, unique=True)
    portal_domains = models.CharField(
        "县人民政府门户网站域名",
        max_length=500,
        blank=True,
        help_text="转载门户网站已发布的信息时，原文网址须属于这些域名（R5.4-1）；以逗号分隔，留空则用系统设置。",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "县（市、区）"

    def __str__(self) -> str:
        return self.name


def county_column(*, indexed: bool = False) -> Any:
    """A row's county, set from its owner when it is created and never edited: lists filter a province's rows
    by it directly. Unindexed where an index or constraint leads with it already."""
    return models.ForeignKey(
        County,
        models.PROTECT,
        related_name="+",
        db_index=indexed,
        editable=False,
        verbose_name="县（市、区）",
    )


class Unit(models.Model):
    class Kind(models.TextChoices):
        COUNTY_GOV = "county_gov", "县人民政府"
        COUNTY_OFFICE = "county_office", "县政府办公室"
        EGOV_CENTER = "egov_center", "县电子政务中心"
        TOWNSHIP = "township", "乡镇"
        DEPARTMENT = "department", "县级部门"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True, help_text="账号名称可使用的规范简称")
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices)
    county = models.ForeignKey(County, models.PROTECT, related_name="units", verbose_name="所属县（市、区）")
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, verbose_name="上级单位")
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_county(self) -> str:
        """「姚安县 栋川镇」; a unit named after its county (姚安县人民政府) as it is named."""
        county = self.county.name
        return self.name if self.name.startswith(county) else f"{county} {self.name}"

    @property
    def is_county_level(self) -> bool:
        """The county government, its office and the centre act for the whole county."""
        return self.kind in COUNTY_LEVEL_KINDS


COUNTY_LEVEL_KINDS = frozenset({Unit.Kind.COUNTY_GOV, Unit.Kind.COUNTY_OFFICE, Unit.Kind.EGOV_CENTER})

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", "请输入11位手机号码")
phone_validator = RegexValidator(r"^[0-9\-（）()转 ]{7,20}$", "请输入正确的办公电话，如 0878-5712345")


class User(AbstractUser):
    """A person of a unit; people who never sign in have an unusable password."""

    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, verbose_name="所在单位")
    full_name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    mobile = models.CharField("移动电话", max_length=11, blank=True, validators=[mobile_validator])
    office_phone = models.CharField("办公电话", max_length=20, blank=True, validators=[phone_validator])
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        ordering = ["unit__order", "id"]
        verbose_name = verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.full_name or self.username

    def role_codes(self) -> set[str]:
        """The user's role codes, loaded once per request object."""
        cached: set[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.roles.values_list("role", flat=True)) if self.pk else set()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    @property
    def county_id(self) -> int | None:
        unit = self.unit if self.unit_id else None
        return unit.county_id if unit is not None else None


class Role(models.TextChoices):
    COUNTY_LEADER = "county_leader", "县人民政府领导"
    OFFICE_LEADER = "office_leader", "县政府办公室领导"
    CENTER_STAFF = "center_staff", "县电子政务中心工作人员"
    UNIT_ADMIN = "unit_admin", "单位新媒体管理员"
    UNIT_LEADER = "unit_leader", "单位分管领导"
    LEGAL_REVIEWER = "legal_reviewer", "合法性审查人"
    SECRECY_REVIEWER = "secrecy_reviewer", "保密审查人"
    DUTY_OFFICER = "duty_officer", "安全值班员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# Roles whose holders act for every unit of the county, wherever they sit.
COUNTY_WIDE_ROLES = frozenset(
    {
        Role.COUNTY_LEADER,
        Role.OFFICE_LEADER,
        Role.CENTER_STAFF,
        Role.DUTY_OFFICER,
        Role.SYSADMIN,
        Role.SECADMIN,
        Role.AUDITOR,
    }
)


# 三员分立: the system, security and audit administrators are three different people, and the auditor, who
# reads the audit log and nothing else, holds no other role.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


def separation_problem(roles: Iterable[str]) -> str:
    """Why this set of roles breaks the separation of the three administrators, or ""."""
    roles = set(roles)
    if len(roles & ADMIN_ROLES) > 1:
        return "三员分立：系统管理员、安全管理员、审计管理员须由不同人员担任。"
    if Role.AUDITOR in roles and len(roles) > 1:
        return "三员分立：审计管理员不得兼任其他角色。"
    return ""


def confined_to_audit_log(user: Any) -> bool:
    """The audit administrator reads, searches and exports the audit log and nothing else."""
    return Role.AUDITOR in user.role_codes()


class RoleGrant(models.Model):
    """A role held by a person. Reviewers of 县政府办公室 are county-wide; a unit may have its own."""

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name="人员")
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]
        verbose_name = verbose_name_plural = "角色授予"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class UnitScopedQuerySet(models.QuerySet):
    """Rows owned by a unit. `unit_field` names the path to the owning unit."""

    unit_field = "unit"

    def visible_to(self, user: Any) -> UnitScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or user.unit_id is None:
            return self.none()
        if sees_whole_county(user):
            return self.filter(**{f"{self.unit_field}__county": user.county_id})
        return self.filter(**{self.unit_field: user.unit_id})


def sees_whole_county(user: Any) -> bool:
    """People of the county-level units, and holders of county-wide roles, see every unit of their county."""
    unit = user.unit
    return unit is not None and (bool(user.role_codes() & COUNTY_WIDE_ROLES) or unit.is_county_level)


def units_visible_to(user: Any) -> models.QuerySet[Unit]:
    if user.unit_id is None:
        return Unit.objects.none()
    if sees_whole_county(user):
        return Unit.objects.filter(county=user.county_id)
    return Unit.objects.filter(pk=user.unit_id)


def in_own_county(user: Any, county_id: int | None) -> bool:
    return county_id is not None and user.county_id == county_id


def same_county(user: Any, unit: Unit | None) -> bool:
    return unit is not None and in_own_county(user, unit.county_id)


def speaks_for(unit: Unit | None, other: Unit) -> bool:
    """A unit acts for itself; the county-level units act for every unit of their county."""
    return unit is not None and (
        unit.pk == other.pk or (unit.is_county_level and unit.county_id == other.county_id)
    )


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name="人员")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} 的接口令牌"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, key_hash=cls.hash_key(key)), key


def role_holders(
    role: str, units: Iterable[Unit] | None = None, county: int | None = None
) -> models.QuerySet[User]:
    qs = User.objects.filter(roles__role=role, is_active=True)
    if units is not None:
        qs = qs.filter(unit__in=list(units))
    if county is not None:
        qs = qs.filter(unit__county=county)
    return qs.distinct()
