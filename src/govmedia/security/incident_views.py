"""Pages of the incidents (R6.3-1, R3.2.8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.org.permissions import can
from govmedia.web.errors import InvalidState
from govmedia.web.forms import parse_id
from govmedia.web.markup import moment

from . import incident_services
from .forms import CloseForm, FilterForm, IncidentForm, NoteForm, StepForm, error_text
from .incidents import INCIDENT_KINDS
from .models import Incident, Notice, Patrol, RotationTask
from .tables import Listing, Page, badge, link, respond
from .views import form_page


def _incident_row(i: Incident) -> list[Any]:
    steps = list(i.steps.all())
    done = sum(1 for s in steps if s.done_at)
    return [
        link(i.title, reverse("security:incident", args=[i.pk])),
        i.get_kind_display(),
        i.get_severity_display(),
        "、".join(a.name for a in i.accounts.all()),
        moment(i.occurred_at),
        str(i.opened_by),
        f"{done}/{len(steps)}",
        badge("已结案", "ok") if i.status == Incident.Status.CLOSED else badge("处置中", "warn"),
        moment(i.closed_at),
        i.review[:200],
    ]


INCIDENTS = Listing(
    "安全事件",
    [
        "事件",
        "类型",
        "严重程度",
        "涉及账号",
        "发现时间",
        "登记人",
        "处置进度",
        "状态",
        "结案时间",
        "结案复盘",
    ],
    _incident_row,
    flagged=lambda i: i.status == Incident.Status.OPEN,
)


def incidents(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        Incident.objects.visible_to(request.user)
        .select_related("opened_by")
        .prefetch_related("accounts", "steps")
        .order_by("-occurred_at", "-id")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(
            pk__in=Incident.accounts.through.objects.filter(account__unit=unit).values("incident_id")
        )
    if acc := filters.value("account"):
        qs = qs.filter(pk__in=Incident.accounts.through.objects.filter(account=acc).values("incident_id"))
    start, end = filters.value("start"), filters.value("end")
    if start:
        qs = qs.filter(occurred_at__date__gte=start)
    if end:
        qs = qs.filter(occurred_at__date__lte=end)
    if request.GET.get("kind") in dict(INCIDENT_KINDS):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("status") in Incident.Status.values:
        qs = qs.filter(status=request.GET["status"])
    user: Any = request.user
    actions = [("处置中", "?status=open", False), ("已结案", "?status=closed", False)]
    if user.has_role("duty_officer", "secadmin", "unit_admin"):
        actions.insert(0, ("登记安全事件", reverse("security:incident_new"), True))
    return respond(request, INCIDENTS, qs, Page(filters=filters, actions=actions))


def incident_new(request: HttpRequest) -> HttpResponse:
    patrol = None
    initial: dict[str, Any] = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    if raw := request.GET.get("patrol", "") or request.POST.get("patrol", ""):
        patrol = get_object_or_404(
            Patrol.objects.visible_to(request.user).select_related("account"),
            pk=parse_id(raw) or 0,
        )
        initial.update(
            accounts=[patrol.account_id],
            description=patrol.notes,
            title=f"巡查发现异常：{patrol.account.name}",
        )
    if raw := request.GET.get("kind", ""):
        initial["kind"] = raw
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)

    def save(d: dict[str, Any]) -> Incident:
        return incident_services.open_incident(
            request.user, d, [a.pk for a in d["accounts"]], patrol=patrol, request=request
        )

    intro = (
        "登记后按事件类型生成处置清单，并立即通知领导和安全责任人；"
        "账号信息泄露将为涉及账号发起密码更换任务（规范6.3）。"
    )
    response = form_page(
        request,
        form,
        "登记安全事件",
        save,
        "/security/incidents/{result.pk}/",
        "已登记安全事件，已通知相关领导。",
        intro=intro,
        back=reverse("security:incidents"),
    )
    return response


def incident(request: HttpRequest, pk: int) -> HttpResponse:
    i = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("opened_by__unit", "closed_by", "patrol"),
        pk=pk,
    )
    accounts = list(i.accounts.select_related("unit", "security_officer"))
    notice = Notice.objects.filter(incident=i, recipient=request.user.pk, read_at__isnull=True).first()
    return render(
        request,
        "security/incident.html",
        {
            "incident": i,
            "accounts": accounts,
            "steps": i.steps.select_related("done_by"),
            "events": i.events.select_related("actor"),
            "notices": i.notices.select_related("recipient").order_by("recipient__id"),
            "tasks": RotationTask.objects.filter(source=f"incident:{i.pk}").select_related(
                "account", "deadline"
            ),
            "may_work": i.status == Incident.Status.OPEN and can(request.user, "security.work_incident", i),
            "step_form": StepForm(),
            "note_form": NoteForm(),
            "close_form": CloseForm(),
            "my_notice": notice,
        },
    )


def _act(request: HttpRequest, pk: int, action: Callable[[Incident], str]) -> HttpResponse:
    i = get_object_or_404(Incident.objects.visible_to(request.user).select_related("opened_by__unit"), pk=pk)
    try:
        message = action(i)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except InvalidState as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("security:incident", pk)


@require_POST
def step_done(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    form = StepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else request.POST.get("note", "")[:600]
    return _act(
        request,
        pk,
        lambda i: (
            incident_services.complete_step(request.user, i, step_id, note, request=request),
            "已完成该事项。",
        )[1],
    )


@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    return _act(
        request,
        pk,
        lambda i: (incident_services.add_note(request.user, i, text, request=request), "已记录。")[1],
    )


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    review = request.POST.get("review", "")
    return _act(
        request,
        pk,
        lambda i: (
            incident_services.close_incident(request.user, i, review, request=request),
            "事件已结案。",
        )[1],
    )


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user.pk)
    incident_services.read_notice(request.user, notice)
    messages.success(request, "已阅知。")
    return redirect(notice.url)
