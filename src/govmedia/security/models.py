"""Security records of chapter 6. Sign-in watch (R6.1-4) first; duty, patrols and incidents follow."""

from django.conf import settings
from django.db import models


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


class SignInRecord(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    username = models.CharField("用户名", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    success = models.BooleanField("成功")
    ip = models.CharField("IP地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    new_device = models.BooleanField("新设备", default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = verbose_name_plural = "登录记录"
