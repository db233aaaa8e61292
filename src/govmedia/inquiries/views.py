from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from govmedia.documents.handling_slip import build_docx, handling_slip
from govmedia.org.models import Unit
from govmedia.org.permissions import can
from govmedia.platforms.services import queue_reply
from govmedia.registry.models import Account
from govmedia.reports.excel import workbook_bytes
from govmedia.web.errors import InvalidState
from govmedia.web.paging import page_of

from . import intake, services
from .forms import ChannelForm, ImportForm, RegisterForm, SearchForm
from .importer import COLUMNS, read_rows
from .models import (
    Attachment,
    Inquiry,
    Instruction,
    Kind,
    Petition,
    PetitionChannel,
    Status,
    Step,
    StepKind,
    StepState,
)
from .queries import Filters, overdue_steps, search, statistics, steps_waiting_for
from .rules import holds

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABS = [
    ("todo", "待我办理"),
    ("register", "待登记"),
    ("overdue", "已超期"),
    ("open", "办理中"),
    ("closed", "已办结"),
    ("all", "全部"),
]
ACTION_DONE = {
    "register": "已登记并报领导批示。",
    "instruct": "已批示。",
    "transfer": "已转办。",
    "draft_reply": "已提交回复意见，待部门领导审核签字。",
    "sign_off": "已审核签字，回复意见已交县电子政务中心。",
    "compile": "已整理答复，报领导审核。",
    "review": "已审核同意，请在1小时内完成回复。",
    "reply": "已登记回复，留言办结。",
    "petition": "已告知信访渠道并登记。",
    "return": "已退回。",
}


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for ms in exc.message_dict.values() for m in ms)
        return "；".join(exc.messages)
    return str(exc)


def _visible(request: HttpRequest, pk: int) -> Inquiry:
    return get_object_or_404(Inquiry.objects.visible_to(request.user), pk=pk)


def _filters(request: HttpRequest) -> tuple[SearchForm, Filters]:
    """The search form and its filters. The drop-downs' querysets run only if the form is shown or used."""
    user: Any = request.user
    accounts = Account.objects.visible_to(user).filter(type__in=["weibo", "wechat"]) | Account.objects.filter(
        pk__in=Inquiry.objects.visible_to(user).values("account")
    )
    # The units messages of this person's county can be transferred to (none without a county).
    units = Unit.objects.filter(is_active=True, county=user.county_id).exclude(kind=Unit.Kind.EGOV_CENTER)
    form = SearchForm(
        request.GET or None,
        accounts=accounts.distinct().order_by("unit__order", "id").only(*Account.LABEL_FIELDS),
        units=units.only("id", "name"),
    )
    f = Filters()
    if form.is_valid():
        d = form.cleaned_data
        account, unit = d["account"], d["unit"]
        f = Filters(
            account=str(account.pk) if isinstance(account, Account) else "",
            account_name=account if isinstance(account, str) else "",
            kind=d["kind"] or "",
            status=d["status"] or "",
            unit=str(unit.pk) if isinstance(unit, Unit) else "",
            unit_name=unit if isinstance(unit, str) else "",
            sender=d["sender"].strip(),
            start=d["start"],
            end=d["end"],
            q=d["q"].strip(),
        )
    return form, f


# What a row of the 待我办理 / 已超期 tabs shows (the rest of the step and its message is not read).
STEP_ROW = (
    "kind",
    "received_at",
    "inquiry",
    "assignee_unit__name",
    "deadline__rule",
    "deadline__n",
    "deadline__clause",
    "deadline__due_at",
    "deadline__provisional",
    "deadline__met_at",
)


def _step_rows(steps: QuerySet[Step], number: Any) -> Page:
    rows = steps.select_related(None).select_related("assignee_unit", "deadline").only(*STEP_ROW)
    # The page's messages are read by id once the page is chosen: joined into the step query, PostgreSQL
    # joined every open step of the county (thousands at province scale) before sorting and keeping 30.
    messages = Inquiry.objects.select_related("account").only("received_at", "content", "account__name")
    return page_of(rows.prefetch_related(Prefetch("inquiry", queryset=messages)), 30, number)


def inquiry_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    tab = request.GET.get("tab") or ""
    number = request.GET.get("page")
    steps: Page | None = None
    if tab in ("", "todo"):
        steps = _step_rows(steps_waiting_for(user), number)
        tab = "todo" if steps or tab else "open"
    form, f = _filters(request)
    context: dict[str, Any] = {
        "tab": tab,
        "tabs": TABS,
        "form": form,
        "may_register": can(user, "inquiries.create"),
    }
    if tab == "todo":
        context["steps"] = steps
    elif tab == "overdue":
        context["steps"] = _step_rows(overdue_steps(user), number)
    else:
        qs = search(Inquiry.objects.visible_to(user), f)
        if tab == "register":
            qs = qs.filter(status=Status.RECEIVED)
        elif tab == "open":
            qs = qs.exclude(status=Status.CLOSED)
        elif tab == "closed":
            qs = qs.filter(status=Status.CLOSED)
        rows = qs.select_related("account__unit").order_by("-received_at", "-id")
        context["page"] = page_of(rows, 30, number)
    return render(request, "inquiries/list.html", context)


def inquiry_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "inquiries.create"):
        raise PermissionDenied("只有县电子政务中心工作人员可以登记留言。")
    form = RegisterForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "account": form.cleaned_data["account"]}
        try:
            inquiry = intake.register(user, data, request.FILES.getlist("attachments"), request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已登记（{inquiry.number}），报领导批示。")
            return redirect("inquiries:detail", inquiry.pk)
    return render(request, "inquiries/form.html", {"form": form, "title": "登记留言", "multipart": True})


def inquiry_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can(user, "inquiries.create"):
        raise PermissionDenied("只有县电子政务中心工作人员可以导入留言。")
    if request.GET.get("template"):
        sample = [
            [
                "姚安县人民政府",
                "微博",
                "4890000000000001",
                "u123456",
                "热心市民",
                "请问县城公交几点收车？",
                "2026-11-27 10:00",
                "咨询",
            ]
        ]
        response = HttpResponse(
            workbook_bytes("留言", COLUMNS, sample),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('留言导入模板.xlsx')}"
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            accounts = Account.objects.visible_to(user)
            rows = read_rows(upload.name or "", upload.read(intake.MAX_CONTENT * 1000 + 1), accounts)
            created = intake.register_many(user, rows, request=request)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"已导入{len(created)}条留言，均已报领导批示。")
            return redirect(reverse("inquiries:list") + "?tab=open")
    return render(request, "inquiries/import.html", {"form": form, "problems": problems, "columns": COLUMNS})


def _available(user: Any, inquiry: Inquiry, steps: list[Step]) -> list[str]:
    """The actions this person can take now: the open steps they hold, petition, and return."""
    held = [s.kind for s in steps if s.state == StepState.OPEN and holds(user, s)]
    actions = list(dict.fromkeys(held))
    centre_step = Step(inquiry=inquiry, kind=StepKind.PETITION, assignee_role="center_staff")
    if (
        "petition" not in actions
        and inquiry.status in {Status.RECEIVED, Status.REGISTERED}
        and holds(user, centre_step)
    ):
        actions.append("petition")
    if any(k != StepKind.REGISTER for k in held):
        actions.append("return")
    return actions


def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    inquiry = get_object_or_404(
        Inquiry.objects.visible_to(user).select_related(
            "account__unit", "registered_by", "replied_by", "disposed_by"
        ),
        pk=pk,
    )
    steps = list(inquiry.steps.select_related("deadline", "decided_by", "assignee_unit").order_by("id"))
    actions = _available(user, inquiry, steps)
    open_step = {s.kind: s for s in steps if s.state == StepState.OPEN and holds(user, s)}
    signed = [s for s in steps if s.kind == StepKind.DRAFT_REPLY and s.state == StepState.DONE]
    transfer_step = open_step.get(StepKind.TRANSFER)
    instruct = next(
        (s for s in reversed(steps) if s.kind == StepKind.INSTRUCT and s.state == StepState.DONE), None
    )
    # The viewer's county, which is the message's (another county's message answered 404 above).
    channel = services.petition_channel(user.county_id)
    context = {
        "inquiry": inquiry,
        "steps": steps,
        "actions": actions,
        "open_step": open_step,
        "attachments": inquiry.attachments.all(),
        "supervisions": inquiry.supervisions.select_related("unit"),
        "petition": Petition.objects.filter(inquiry=inquiry).select_related("registered_by").first(),
        "units": services.transfer_units(inquiry),
        "suggested": set(
            (transfer_step.units if transfer_step else None) or (instruct.units if instruct else [])
        ),
        "instructions": Instruction.choices,
        "kinds": Kind.choices,
        "compile_draft": "\n\n".join(f"【{s.assignee_unit}】{s.text}" for s in signed),
        "petition_preview": channel.render(inquiry.sender_name) if channel else "",
        "may_dispose": can(user, "inquiries.dispose", inquiry),
        "may_attach": can(user, "inquiries.create"),
        "ACTION_LABELS": dict(StepKind.choices),
    }
    return render(request, "inquiries/detail.html", context)


def inquiry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("inquiries:detail", pk)
    inquiry = _visible(request, pk)
    p = request.POST
    data = {
        "comment": p.get("comment", ""),
        "text": p.get("text", ""),
        "units": p.getlist("units"),
        "decision": p.get("decision") or None,
        "kind": p.get("kind") or None,
    }
    try:
        if action == "reply" and p.get("via") == "platform":
            delivery = queue_reply(inquiry.pk, inquiry.account, p.get("text", ""), request.user)
            done = delivery.last_error or "已交由系统通过平台接口回复，发出后自动登记（见平台发布任务）。"
        else:
            services.act(request.user, inquiry, action, data, request=request)
            done = ACTION_DONE.get(action, "已办理。")
    except (InvalidState, ValidationError) as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, done)
    return redirect("inquiries:detail", pk)


def inquiry_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _visible(request, pk)
    if request.method == "POST":
        try:
            services.dispose(request.user, inquiry, request.POST.get("disposition", ""), request=request)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, "已记录处置情况。")
    return redirect("inquiries:detail", pk)


def inquiry_attach(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _visible(request, pk)
    if request.method == "POST":
        try:
            n = intake.add_attachments(
                request.user, inquiry, request.FILES.getlist("attachments"), request=request
            )
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, f"已添加{n}张截图。")
    return redirect("inquiries:detail", pk)


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    inquiry = _visible(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_id, inquiry=inquiry)
    path = Path(settings.MEDIA_ROOT) / item.path
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), content_type=f"image/{'jpeg' if item.image_format == 'jpg' else item.image_format}"
    )


def _slip(request: HttpRequest, pk: int) -> tuple[Inquiry, Any]:
    inquiry = get_object_or_404(
        Inquiry.objects.visible_to(request.user).select_related("account__unit__county", "registered_by"),
        pk=pk,
    )
    steps = list(inquiry.steps.select_related("deadline", "decided_by", "assignee_unit").order_by("id"))
    return inquiry, handling_slip(inquiry, steps)


def slip_print(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry, slip = _slip(request, pk)
    return render(request, "inquiries/slip.html", {"inquiry": inquiry, "slip": slip})


def slip_docx(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry, slip = _slip(request, pk)
    response = HttpResponse(build_docx(slip), content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'留言批办单-{inquiry.number}.docx')}"
    )
    return response


def _own_channel(user: Any) -> PetitionChannel | None:
    """The viewer's county's channel, as saved (complete or not); none for a person without a county."""
    county_id = user.county_id
    return PetitionChannel.objects.filter(county=county_id).first() if county_id is not None else None


def petitions(request: HttpRequest) -> HttpResponse:
    visible = Inquiry.objects.visible_to(request.user)
    qs = Petition.objects.filter(inquiry__in=visible).select_related("inquiry__account", "registered_by")
    page = Paginator(qs.order_by("-registered_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inquiries/petitions.html",
        {
            "page": page,
            "channel": _own_channel(request.user),
            "may_edit": can(request.user, "inquiries.petition_channel"),
        },
    )


def petition_channel(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "inquiries.petition_channel"):
        raise PermissionDenied("只有县电子政务中心工作人员可以设置信访渠道。")
    user: Any = request.user
    channel = _own_channel(user) or PetitionChannel(county_id=user.county_id)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_petition_channel(request.user, form.cleaned_data, request=request)
        except ValidationError as exc:
            form.add_error(None, _messages_of(exc))
        else:
            messages.success(request, "信访渠道已保存。")
            return redirect("inquiries:petitions")
    return render(request, "inquiries/form.html", {"form": form, "title": "信访渠道", "multipart": False})


def stats(request: HttpRequest) -> HttpResponse:
    form, f = _filters(request)
    data = statistics(search(Inquiry.objects.visible_to(request.user), f))
    return render(request, "inquiries/stats.html", {"form": form, "s": data, "today": timezone.localdate()})
