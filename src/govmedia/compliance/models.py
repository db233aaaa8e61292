"""The administrators' data behind the pure core: the sensitive lexicon and platform-limit overrides."""

from django.conf import settings
from django.db import models


class Severity(models.TextChoices):
    BLOCK = "block", "拦截（须修改）"
    WARN = "warn", "提示"


class LexiconEntry(models.Model):
    word = models.CharField("词语", max_length=100, unique=True)
    category = models.CharField("类别", max_length=30, default="其他")
    severity = models.CharField("处理方式", max_length=5, choices=Severity.choices, default=Severity.BLOCK)
    suggestion = models.CharField("建议用语", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新人",
    )

    class Meta:
        ordering = ["category", "word"]
        verbose_name = verbose_name_plural = "敏感词"

    def __str__(self) -> str:
        return self.word


class PlatformProfile(models.Model):
    """An administrator's overrides of one platform profile; absent keys keep the shipped defaults."""

    key = models.CharField("平台", max_length=20, unique=True)
    limits = models.JSONField("限值", default=dict, blank=True)  # {limit key: int or null}
    formats = models.JSONField("格式", default=dict, blank=True)  # {media kind: [names] or null}
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "平台规则"

    def __str__(self) -> str:
        return self.key


class RulesetVersion(models.Model):
    """One row. Every change bumps it, so each process knows when to rebuild its cached automaton."""

    lexicon = models.PositiveBigIntegerField(default=0)
    profiles = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查规则版本"

    def __str__(self) -> str:
        return f"lexicon {self.lexicon}, profiles {self.profiles}"
