"""通知: the inbox, the unit's group robots and the delivery log (B-7).
Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from govmedia.org.models import Unit
from govmedia.org.permissions import can, require

from . import services
from .forms import DeliveryFilter, WebhookForm
from .models import NoticeDelivery, Notification, WebhookTarget


def _page(request: HttpRequest, qs: object, size: int = 30) -> object:
    return Paginator(qs, size).get_page(request.GET.get("page"))  # type: ignore[arg-type]


def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = Notification.objects.filter(user=user).prefetch_related("deliveries")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/inbox.html",
        {"page": _page(request, qs.order_by("-created_at", "-id")), "unread_only": unread_only},
    )


@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [n.pk])
    target = (
        n.url if n.url.startswith("/") and not n.url.startswith("//") and not urlsplit(n.url).netloc else ""
    )
    return redirect(target or "notifications:inbox")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    n = services.mark_read(request.user)
    messages.success(request, f"已将{n}条通知标为已读。")
    return redirect("notifications:inbox")


def _manageable_units(user: Any) -> object:
    if can(user, "notifications.manage_webhooks", None):
        return Unit.objects.filter(is_active=True, county=user.county_id)
    unit = getattr(user, "unit", None)
    if unit is None or not can(user, "notifications.manage_webhooks", unit):
        return None
    return Unit.objects.filter(pk=unit.pk)


def _targets_for(user: Any) -> object:
    if can(user, "notifications.manage_webhooks", None):
        return WebhookTarget.objects.filter(unit__county=user.county_id).select_related("unit")
    return WebhookTarget.objects.filter(unit=getattr(user, "unit_id", None)).select_related("unit")


def _form(request: HttpRequest, units: object, target: WebhookTarget | None = None) -> WebhookForm:
    initial = {}
    if target is not None:
        initial = {
            "unit": target.unit_id,
            "kind": target.kind,
            "name": target.name,
            "url": target.url,
            "urgent_only": target.urgent_only,
            "active": target.active,
        }
    form = WebhookForm(request.POST or None, initial=initial or {"active": True})
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    return form


def webhooks(request: HttpRequest) -> HttpResponse:
    units = _manageable_units(request.user)
    if units is None:
        raise PermissionDenied("您没有管理群机器人的权限。")
    form = _form(request, units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_target(request.user, data["unit"], data, request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "已添加群机器人。")
            return redirect("notifications:webhooks")
    return render(
        request,
        "notifications/webhooks.html",
        {"form": form, "targets": _targets_for(request.user)},
        status=422 if request.method == "POST" else 200,
    )


def _add_errors(form: WebhookForm, exc: ValidationError) -> None:
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    for field, errors in pairs:
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _target(request: HttpRequest, pk: int) -> WebhookTarget:
    units = _manageable_units(request.user)
    if units is None:
        raise PermissionDenied("您没有管理群机器人的权限。")
    return get_object_or_404(_targets_for(request.user), pk=pk)  # type: ignore[arg-type]


def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    form = _form(request, _manageable_units(request.user), target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_target(request.user, data["unit"], data, target=target, request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "已保存群机器人设置。")
            return redirect("notifications:webhooks")
    return render(
        request,
        "notifications/webhook_edit.html",
        {"form": form, "target": target},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_target(request.user, _target(request, pk), request=request)
    messages.success(request, "已删除群机器人。")
    return redirect("notifications:webhooks")


@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    error = services.test_target(request.user, _target(request, pk))
    if error:
        messages.error(request, f"测试消息未送达：{error}")
    else:
        messages.success(request, "测试消息已送达。")
    return redirect("notifications:webhooks")


def _deliveries_for(user: Any) -> Any:
    """The county's deliveries for its administrators and the centre; a unit's own for the others."""
    qs = NoticeDelivery.objects.all()
    if user.unit_id is None:
        return qs.none()
    if user.has_role("sysadmin", "secadmin") or can(user, "notifications.manage_webhooks", None):
        county = user.county_id
        return qs.filter(Q(notification__user__unit__county=county) | Q(target__unit__county=county))
    return qs.filter(Q(notification__user__unit=user.unit_id) | Q(target__unit=user.unit_id))


def deliveries(request: HttpRequest) -> HttpResponse:
    require(request.user, "notifications.view_deliveries")
    user: Any = request.user
    qs = _deliveries_for(user).select_related("notification__user", "target__unit")
    form = DeliveryFilter(request.GET or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["status"]:
                qs = qs.filter(status=form.cleaned_data["status"])
        else:
            status = 400
    return render(
        request,
        "notifications/deliveries.html",
        {"form": form, "page": _page(request, qs.order_by("-created_at", "-id"), 50)},
        status=status,
    )


@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "notifications.view_deliveries")
    d = get_object_or_404(_deliveries_for(request.user).select_related("target__unit"), pk=pk)
    if d.status != NoticeDelivery.Status.FAILED:
        messages.error(request, "只有已停止重试的发送记录可以重新发送。")
        return redirect("notifications:deliveries")
    services.retry(request.user, d, request=request)
    messages.success(request, "已重新排入发送队列。")
    return redirect("notifications:deliveries")
