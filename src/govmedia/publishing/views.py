from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.compliance.panel import panel_context
from govmedia.documents.approval_slip import build_docx, slip_rows, title_for
from govmedia.documents.word import docx_response
from govmedia.org.permissions import can
from govmedia.web.errors import ContentRejected, InvalidState
from govmedia.web.paging import page_of
from govmedia.web.uploads import path_for

from . import coordination, services
from .bagit_export import bag_zip
from .checks import as_checked, check
from .forms import (
    EMERGENCY_FIELDS,
    REPOST_FIELDS,
    AnswerForm,
    ArchiveFilter,
    DecisionForm,
    MaterialUploadForm,
    PostFilter,
    PostForm,
    PublishForm,
    TaskForm,
)
from .models import EmergencyEvent, Material, Post, TaskAssignment
from .queries import posts_to_publish, steps_waiting_for
from .timeline import eight_steps

CHECKLISTS = {
    "legality": [
        "不含法律、法规、行政规章明确禁止发布的内容（5.2 a）",
        "不含未经确认的信息和未经审定的行政管理事项（5.2 b）",
        "与政府职能直接相关（5.2 c）",
        "不含管理人员个人观点、意见及情绪倾向性言论（5.2 d）",
        "转载信息来源、原作者、原标题、转载时间完整（5.4）",
    ],
    "secrecy": [
        "不含涉密信息及秘密、机密、绝密等标识",
        "不含内部资料、内部文件等不宜公开的材料",
        "不含身份证号、手机号、银行卡号等个人信息",
    ],
}


def _form_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# What a list row shows of a deadline (`{% deadline %}`, `is_overdue`, the provisional badge).
DEADLINE_SHOWN = ("deadline__due_at", "deadline__provisional", "deadline__met_at")


PANEL = 20  # rows of a 待我审核 / 待我发布 panel above the list; 我的待办 has them all


def first_of(qs: QuerySet[Any]) -> tuple[list[Any], bool]:
    """The first PANEL rows, and whether there are more."""
    rows = list(qs[: PANEL + 1])
    return rows[:PANEL], len(rows) > PANEL


def post_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PostFilter(request.GET or None, user=user)
    posts = form.posts().only("title", "unit__name", "category", "status", "updated_at")
    page = page_of(posts, 30, request.GET.get("page"))
    waiting = steps_waiting_for(user).only(
        "kind", "received_at", "post__title", "post__unit__name", *DEADLINE_SHOWN
    )
    to_publish = posts_to_publish(user).only(
        "title", "approved_at", "unit__name", "publish_deadline__due_at", "publish_deadline__met_at"
    )
    context = {
        "form": form,
        "page": page,
        "waiting": first_of(waiting),
        "to_publish": first_of(to_publish),
        "may_draft": can(user, "publishing.draft"),
    }
    return render(request, "publishing/list.html", context)


def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user: Any = request.user
    post = get_object_or_404(Post.objects.visible_to(user), pk=pk) if pk else None
    initial = PostForm.initial_from(post) if post else {}
    form = PostForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, accounts = form.service_data()
        event = form.cleaned_data["event"]
        try:
            if post:
                post = services.update_post(
                    user, post, data, accounts, request=request, event_id=event.pk if event else None
                )
            else:
                post = services.create_post(
                    user, data, accounts, request=request, event_id=event.pk if event else None
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        except InvalidState as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "稿件已保存。")
            return redirect("publishing:detail", post.pk)
    return render(request, "publishing/edit.html", {"form": form, "post": post})


def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    post = get_object_or_404(
        Post.objects.visible_to(user).select_related("unit", "author", "publish_deadline", "published_by"),
        pk=pk,
    )
    steps = list(post.steps.select_related("decided_by", "deadline").order_by("round", "order"))
    open_step = next((s for s in steps if s.round == post.round and s.is_open), None)
    context = {
        "post": post,
        "steps": steps,
        "accounts": post.accounts.select_related("unit"),
        "timeline": eight_steps(post, steps),
        "open_step": open_step,
        "may_decide": bool(
            open_step and post.status == Post.Status.IN_REVIEW and can(user, "publishing.decide", open_step)
        ),
        "may_edit": can(user, "publishing.edit", post) and post.status != Post.Status.PUBLISHED,
        "may_publish": post.status == Post.Status.APPROVED and can(user, "publishing.publish", post),
        "decision_form": DecisionForm(),
        "publish_form": PublishForm(),
        "checklist": CHECKLISTS.get(open_step.kind, []) if open_step else [],
        "versions": post.versions.order_by("-number")[:10],
    }
    from govmedia.platforms import services as platform_services

    deliveries = platform_services.deliveries_for_post(post)
    context["deliveries"] = deliveries
    context["active_deliveries"] = [d for d in deliveries if d.is_active]
    context["schedule_problems"] = platform_services.schedule_problems(post) if context["may_publish"] else []
    return render(request, "publishing/detail.html", context)


def _act(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=pk)
    try:
        message = action(post)
    except ContentRejected as exc:
        messages.error(request, str(exc) + " " + "；".join(f["message"] for f in exc.findings))
    except (InvalidState, ValidationError) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("publishing:detail", pk)


def post_submit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("publishing:detail", pk)
    return _act(
        request, pk, lambda post: (services.submit(request.user, post, request=request), "已送审。")[1]
    )


def post_decide(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    form = DecisionForm(request.POST or None)
    if request.method != "POST":
        return redirect("publishing:detail", pk)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("publishing:detail", pk)
    d = form.cleaned_data

    def decide(post: Post) -> str:
        services.decide(
            request.user,
            post,
            step_id,
            d["decision"],
            d["comment"],
            d["important"],
            d["acknowledge_warnings"],
            request=request,
        )
        return "已同意。" if d["decision"] == "approve" else "已退回。"

    return _act(request, pk, decide)


def post_publish(request: HttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST or None)
    if request.method != "POST":
        return redirect("publishing:detail", pk)
    if not form.is_valid():
        messages.error(request, "请填写正确的发布链接（以 http:// 或 https:// 开头）。")
        return redirect("publishing:detail", pk)
    url = form.cleaned_data["url"]
    return _act(
        request,
        pk,
        lambda post: (services.publish(request.user, post, url, request=request), "已登记发布。")[1],
    )


def _post_and_round(request: HttpRequest, pk: int) -> tuple[Post, list[Any]]:
    post = get_object_or_404(
        Post.objects.visible_to(request.user).select_related("unit__county", "author", "published_by"), pk=pk
    )
    steps = list(post.steps.filter(round=post.round).select_related("decided_by").order_by("order"))
    return post, steps


def approval_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The approval slip as a print view (R5.4-7)."""
    post, steps = _post_and_round(request, pk)
    return render(
        request,
        "publishing/slip.html",
        {"post": post, "rows": slip_rows(post, steps), "title": title_for(post)},
    )


def approval_slip_docx(request: HttpRequest, pk: int) -> HttpResponse:
    post, steps = _post_and_round(request, pk)
    record("publishing.slip_downloaded", actor=request.user, obj=post, request=request)
    return docx_response(f"发布信息审批单-{post.pk}.docx", build_docx(post, steps))


def archive_list(request: HttpRequest) -> HttpResponse:
    """信息存档: filter by period and account, export as a BagIt package."""
    form = ArchiveFilter(request.GET or None, user=request.user)
    archives = form.archives()
    if request.GET.get("export") == "bagit" and form.is_valid():
        record("publishing.archive_exported", actor=request.user, request=request, after=request.GET.dict())
        user: Any = request.user
        county = user.unit.county.name if user.unit_id else ""
        data = bag_zip(archives.iterator(), f"{county}政务新媒体信息存档 {form.describe()}")
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = "attachment; filename=archive-bagit.zip"
        return response
    page = Paginator(archives, 30).get_page(request.GET.get("page"))
    return render(request, "publishing/archive.html", {"form": form, "page": page})


def materials(request: HttpRequest) -> HttpResponse:
    """素材库 (R5.6-3): upload once, reuse in any post without expiry."""
    user: Any = request.user
    form = MaterialUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.upload_material(user, form.cleaned_data["file"], request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"素材“{material.name}”已入库。")
            return redirect("publishing:materials")
    page = Paginator(Material.objects.visible_to(user).select_related("unit", "uploaded_by"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "publishing/materials.html",
        {"form": form, "page": page, "may_upload": can(user, "publishing.draft")},
    )


def material_file(request: HttpRequest, pk: int) -> FileResponse:
    """Downloads only through this view, which checks that the material is visible to the person."""
    material = get_object_or_404(Material.objects.visible_to(request.user), pk=pk)
    path = path_for(material.sha256)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=material.name)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An emergency event's timeline: the first post and every follow-up (R5.1-3)."""
    user: Any = request.user
    events = (
        EmergencyEvent.objects.filter(unit__county=user.county_id)
        if user.unit_id
        else EmergencyEvent.objects.none()
    )
    event = get_object_or_404(events.select_related("unit", "opened_by"), pk=pk)
    posts = Post.objects.visible_to(user).filter(event=event).select_related("unit").order_by("created_at")
    return render(request, "publishing/event.html", {"event": event, "posts": posts})


def tasks(request: HttpRequest) -> HttpResponse:
    """联动任务 with the completion table: who has done it and who has not (R3.2.9)."""
    user: Any = request.user
    form = TaskForm(request.POST or None, user=user) if can(user, "publishing.issue_task") else None
    if form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            coordination.issue_task(
                user,
                kind=d["kind"],
                title=d["title"],
                instructions=d["instructions"],
                due_at=d["due_at"],
                units=list(d["units"]),
                source_url=d["source_url"],
                request=request,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "联动任务已下达。")
            return redirect("publishing:tasks")
    qs = coordination.tasks_visible_to(user).prefetch_related("assignments__unit", "assignments__post")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "publishing/tasks.html", {"form": form, "page": page, "now": timezone.now()})


def task_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    assignment = get_object_or_404(
        # task__pk, not task_id: an id beyond the database's integers then finds nothing (SQLite raised).
        TaskAssignment.objects.select_related("task", "unit"),
        task__pk=pk,
        unit_id=user.unit_id,
    )
    form = AnswerForm(request.POST or None, unit_id=user.unit_id)
    if request.method == "POST" and form.is_valid():
        try:
            coordination.answer_task(user, assignment, form.cleaned_data["post"], request=request)
        except (ValidationError, InvalidState) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "已报送落实情况。")
            return redirect("publishing:tasks")
    return render(request, "publishing/task_answer.html", {"form": form, "assignment": assignment})


def editor_panel(request: HttpRequest) -> HttpResponse:
    """The compliance panel beside the editor, refreshed by htmx as the author types (5.2, 5.6, B-4)."""
    user: Any = request.user
    form = PostForm(request.POST, user=user)
    form.is_valid()  # partial input is normal while typing: check whatever is there
    data = form.cleaned_data
    draft = Post(
        unit_id=user.unit_id,  # whose county's portal a 转载门户 post must come from (R5.4-1)
        title=data.get("title") or request.POST.get("title", ""),
        body=data.get("body") or request.POST.get("body", ""),
        category=data.get("category") or "",
        kind=data.get("kind") or Post.Kind.ORIGINAL,
        portal_url=data.get("portal_url") or "",
        media=[m.as_media() for m in data.get("materials") or []],
        repost={k: request.POST.get(f"repost_{k}", "") for k in REPOST_FIELDS}
        if data.get("kind") == Post.Kind.REPOST
        else None,
        emergency={k: request.POST.get(f"emergency_{k}", "") for k in EMERGENCY_FIELDS}
        if data.get("is_emergency")
        else None,
    )
    findings = check(draft, list(data.get("accounts") or []))
    return render(request, "compliance/_findings_panel.html", panel_context(findings, as_checked(draft)))
