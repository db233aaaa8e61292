"""Pages for platform work: schedule or cancel a post's publication by the system, retry a row, the list of
platform tasks, and entering an account's API credentials (shown once, never again)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from govmedia.org.permissions import can, require
from govmedia.publishing.models import Post
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState

from . import services
from .models import Delivery, PlatformCredential


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label="定时发布时间",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="留空表示立即发布",
        error_messages={"invalid": "请填写正确的时间"},
    )


class CredentialForm(forms.Form):
    app_id = forms.CharField(label="AppID（微信）", max_length=64, required=False)
    secret = forms.CharField(
        label="AppSecret（微信）或访问令牌（微博）",
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "请填写 AppSecret 或访问令牌"},
    )
    wechat_mode = forms.ChoiceField(
        label="微信发布方式",
        choices=[("publish", "发布（不占群发次数）"), ("mass", "群发（占用群发次数）")],
        required=False,
    )


def _message(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def schedule(request: HttpRequest, post_pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=post_pk)
    if request.method != "POST":
        return redirect("publishing:detail", post_pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的定时发布时间。")
        return redirect("publishing:detail", post_pk)
    at: datetime | None = form.cleaned_data["at"]
    try:
        rows = services.schedule_publication(request.user, post, at, request=request)
    except (InvalidState, ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        when = timezone.localtime(rows[0].scheduled_at).strftime("%Y年%m月%d日 %H:%M") if rows else ""
        text = f"已安排由系统发布（{when}），发布结果和每次尝试将显示在本页。"
        if any(r.late for r in rows):
            messages.warning(request, text + "注意：发布时间晚于审定后1小时，将记为超时发布（规范5.4）。")
        else:
            messages.success(request, text)
    return redirect("publishing:detail", post_pk)


def cancel(request: HttpRequest, post_pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=post_pk)
    if request.method == "POST":
        try:
            n = services.cancel_publication(request.user, post, request=request)
        except (InvalidState, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, f"已撤销{n}项系统发布任务。")
    return redirect("publishing:detail", post_pk)


def _deliveries(user: Any) -> Any:
    """Platform tasks of the accounts this person sees (their county's, for the county-wide roles)."""
    return Delivery.objects.filter(account__in=Account.objects.visible_to(user).values("pk"))


def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(_deliveries(request.user).select_related("post", "account__unit"), pk=pk)
    back = ("publishing:detail", delivery.post_id) if delivery.post_id else ("deliveries:list",)
    if delivery.post_id and not Post.objects.visible_to(request.user).filter(pk=delivery.post_id).exists():
        return get_object_or_404(Post.objects.none(), pk=0)
    if request.method == "POST":
        try:
            services.retry(request.user, delivery, request=request)
        except (InvalidState, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, "已重新排队，将使用同一幂等键，不会重复发布。")
    return redirect(*back)


def delivery_list(request: HttpRequest) -> HttpResponse:
    """平台任务: every row with its status and last error, for the centre, duty and security staff."""
    require(request.user, "platforms.view_deliveries")
    rows = (
        _deliveries(request.user)
        .select_related("account", "post", "requested_by")
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "platforms/deliveries.html",
        {"page": page, "statuses": Delivery.Status.choices, "status": status},
    )


def credential(request: HttpRequest, account_pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=account_pk)
    require(request.user, "platforms.manage_credentials", account)
    form = CredentialForm(request.POST or None, initial={"app_id": account.wechat_app_id})
    if request.method == "POST" and form.is_valid():
        d: dict[str, Any] = form.cleaned_data
        try:
            services.save_credential(
                request.user,
                account,
                d["app_id"],
                d["secret"],
                d["wechat_mode"] or "publish",
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "接口凭据已加密保存；出于安全考虑，保存后不再显示。")
            return redirect("deliveries:credential", account.pk)
    stored = PlatformCredential.objects.filter(account=account).select_related("updated_by").first()
    return render(
        request,
        "platforms/credential.html",
        {"account": account, "form": form, "stored": stored, "supported": account.type in services.SUPPORTED},
    )


def may_schedule(user: Any, post: Post) -> bool:
    return post.status == Post.Status.APPROVED and can(user, "publishing.publish", post)
