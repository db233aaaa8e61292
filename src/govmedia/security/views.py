"""The security pages (chapter 6): thin, they parse, call a service and render. Patrols and incidents are in
`patrol_views.py` and `incident_views.py`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.org.models import User
from govmedia.org.permissions import can, require
from govmedia.registry.models import Account, AccountStatus
from govmedia.web.errors import InvalidState
from govmedia.web.forms import parse_id
from govmedia.web.markup import day, moment

from . import record_services, services, uploads
from .forms import (
    CommentForm,
    DrillForm,
    FilterForm,
    NetworkForm,
    PasswordChangeForm,
    PlanForm,
    PolicyForm,
    TrainingForm,
    add_errors,
    error_text,
)
from .models import (
    Drill,
    EmergencyPlan,
    Incident,
    KnownDevice,
    MaliciousComment,
    MissedPatrol,
    OfficeNetwork,
    PasswordChange,
    Patrol,
    RotationTask,
    SecurityPolicy,
    SignInRecord,
    StoredFile,
    Training,
)
from .tables import Listing, Page, badge, link, respond


def form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    success: str,
    intro: str = "",
    back: str = "",
) -> HttpResponse:
    """A form page: on a valid POST the service runs; its errors go back on the form, nothing changed."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except InvalidState as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(done.format(result=result))
    return render(
        request,
        "security/form.html",
        {"form": form, "title": title, "intro": intro, "back": back},
        status=422 if request.method == "POST" else 200,
    )


def _period(filters: FilterForm) -> tuple[date | None, date | None]:
    return filters.value("start"), filters.value("end")


# --- sign-in watch (R6.1-4) -------------------------------------------------------------------------


SIGNINS = Listing(
    "登录记录",
    ["时间", "用户名", "姓名", "单位", "结果", "设备", "IP地址", "网络", "浏览器"],
    lambda r: [
        moment(r.at),
        r.username,
        r.user.full_name if r.user else "",
        r.user.unit.name if r.user and r.user.unit else "",
        "成功" if r.success else badge("失败", "danger"),
        badge("新设备", "warn") if r.new_device else "常用设备",
        r.ip,
        badge("办公网络以外", "danger")
        if r.outside_office
        else ("办公网络" if r.outside_office is False else "未设办公网段"),
        r.user_agent[:80],
    ],
    flagged=lambda r: not r.success or r.outside_office is True,
    per_page=50,
)


def signins_of_county(county_id: int | None) -> Any:
    """The sign-ins of a county's people: their successes, and failures under their usernames (a failure
    names no person). Failures under usernames nobody has belong to no county and are shown to none."""
    if county_id is None:
        return SignInRecord.objects.none()
    people = User.objects.filter(unit__county=county_id)
    return SignInRecord.objects.filter(
        Q(user__unit__county=county_id) | Q(user__isnull=True, username__in=people.values("username"))
    )


def signins(request: HttpRequest) -> HttpResponse:
    """Sign-ins of the county's people with device and IP; first-seen devices, failures and outside sign-ins
    stand out (R6.1-4)."""
    user: Any = request.user
    require(user, "security.watch_signins")
    qs = signins_of_county(user.county_id).select_related("user__unit").order_by("-at", "-id")
    only = request.GET.get("only")
    if only == "flagged":
        qs = qs.filter(Q(new_device=True) | Q(success=False) | Q(outside_office=True))
    elif only == "new_device":
        qs = qs.filter(new_device=True)
    elif only == "outside":
        qs = qs.filter(outside_office=True)
    elif only == "failed":
        qs = qs.filter(success=False)
    if q := request.GET.get("q", "").strip()[:150]:
        qs = qs.filter(username__icontains=q)
    actions = [
        ("全部", "?", False),
        ("仅看新设备、失败与办公网络以外", "?only=flagged", False),
        ("新设备", "?only=new_device", False),
        ("办公网络以外", "?only=outside", False),
        ("登录失败", "?only=failed", False),
        ("办公网络与设备", reverse("security:networks"), True),
    ]
    return respond(request, SIGNINS, qs, Page(actions=actions))


def networks(request: HttpRequest) -> HttpResponse:
    """Office networks (CIDR, instance-wide) and the first-seen devices of the county's people: the security
    administrator keeps them."""
    user: Any = request.user
    require(user, "security.watch_signins")
    may_edit = can(request.user, "security.manage_settings")
    form = NetworkForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "security.manage_settings")
        if form.is_valid():
            try:
                services.add_office_network(
                    request.user, form.cleaned_data["cidr"], form.cleaned_data["name"], request=request
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已登记办公网络。")
                return redirect("security:networks")
    devices = (
        KnownDevice.objects.filter(
            approved=False, user__unit__county__in=[user.county_id] if user.county_id else []
        )
        .select_related("user__unit")
        .order_by("-first_seen_at")[:100]
    )
    return render(
        request,
        "security/networks.html",
        {"form": form, "networks": OfficeNetwork.objects.all(), "devices": devices, "may_edit": may_edit},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def network_remove(request: HttpRequest, pk: int) -> HttpResponse:
    services.remove_office_network(request.user, get_object_or_404(OfficeNetwork, pk=pk), request=request)
    messages.success(request, "已删除该办公网络。")
    return redirect("security:networks")


@require_POST
def device_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    device = get_object_or_404(
        KnownDevice.objects.select_related("user__unit"),
        pk=pk,
        user__unit__county__isnull=False,
        user__unit__county=user.county_id,
    )
    services.approve_device(user, device, request=request)
    messages.success(request, "已确认为常用设备。")
    return redirect("security:networks")


def settings_view(request: HttpRequest) -> HttpResponse:
    """The county's rotation period and patrol policy (secadmin)."""
    require(request.user, "security.manage_settings")
    form = PolicyForm(request.POST or None, instance=SecurityPolicy.current())
    return form_page(
        request,
        form,
        "安全管理设置",
        lambda d: services.update_policy(request.user, d, request=request),
        reverse("security:settings"),
        "设置已保存。",
        intro="平常工作日按工作时间平均分为若干巡查时段；法定节假日和登记的重要会议、活动期间，按间隔小时划分巡查时段。"
        "每个时段每个运营中的账号至少巡查一次，否则记为漏巡。",
    )


# --- accounts: responsibility and credentials (R6.1-2, R6.1-5) -----------------------------------------


def _accounts_rows(accounts: list[Account]) -> list[Any]:
    ids = [a.pk for a in accounts]
    last = services.last_changes(ids)
    open_tasks: dict[int, list[RotationTask]] = {}
    for t in RotationTask.objects.filter(account_id__in=ids, status=RotationTask.Status.OPEN).select_related(
        "deadline"
    ):
        open_tasks.setdefault(t.account_id, []).append(t)
    last_patrol: dict[int, Any] = {}
    for account_id, at in (
        Patrol.objects.filter(account_id__in=ids)
        .order_by("account_id", "-at")
        .values_list("account_id", "at")
    ):
        last_patrol.setdefault(account_id, at)
    plans = set(
        EmergencyPlan.objects.filter(
            Q(account_id__in=ids) | Q(account__isnull=True, unit__in={a.unit_id for a in accounts})
        ).values_list("unit_id", "account_id")
    )
    for a in accounts:
        a.last_change = last.get(a.pk)  # type: ignore[attr-defined]
        a.open_tasks = open_tasks.get(a.pk, [])  # type: ignore[attr-defined]
        a.last_patrol = last_patrol.get(a.pk)  # type: ignore[attr-defined]
        a.has_plan = (a.unit_id, a.pk) in plans or (a.unit_id, None) in plans  # type: ignore[attr-defined]
    return accounts


def _account_row(a: Any) -> list[Any]:
    change = a.last_change
    tasks = a.open_tasks
    overdue = any(t.deadline.is_overdue() for t in tasks)
    return [
        link(a.name, reverse("security:account", args=[a.pk])),
        a.type_label,
        a.unit.name,
        a.get_status_display(),
        a.security_officer.full_name if a.security_officer else badge("未指定", "warn"),
        f"{day(change.changed_on)}（{change.changed_by}）" if change else badge("未登记", "warn"),
        (
            badge(f"{len(tasks)}项待更换" + ("，已超期" if overdue else ""), "danger" if overdue else "warn")
            if tasks
            else "无"
        ),
        moment(a.last_patrol) or "—",
        "有" if a.has_plan else badge("无", "warn"),
    ]


ACCOUNTS = Listing(
    "账号安全",
    ["账号", "类型", "单位", "状态", "安全责任人", "最近更换密码", "密码更换任务", "最近巡查", "应急预案"],
    _account_row,
    flagged=lambda a: any(t.deadline.is_overdue() for t in a.open_tasks),
)


class _Rows:
    """Adds the per-account facts to a page of accounts in a constant number of queries."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        return _accounts_rows(list(self.qs[key]))


def accounts(request: HttpRequest) -> HttpResponse:
    """Who is responsible for each account, when its password was last changed, open rotation tasks
    (R6.1-2, R6.1-5)."""
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        Account.objects.visible_to(request.user)
        .exclude(status=AccountStatus.DEREGISTERED)
        .select_related("unit", "security_officer")
        .order_by("unit__order", "type", "id")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(unit=unit)
    if request.GET.get("tasks") == "open":
        qs = qs.filter(
            pk__in=RotationTask.objects.filter(status=RotationTask.Status.OPEN).values("account_id")
        )
    filters.fields.pop("account")
    filters.fields.pop("start")
    filters.fields.pop("end")
    return respond(
        request,
        ACCOUNTS,
        _Rows(qs),
        Page(
            filters=filters,
            actions=[("仅看待更换密码", "?tasks=open", False)],
            intro="账号开通运营前须指定安全责任人（规范6.1，由账号台账“登记正式开通”校验）。平台密码不在本系统保存，只登记更换时间和更换人。",
        ),
    )


def account(request: HttpRequest, pk: int) -> HttpResponse:
    """One account's security dossier for a period: responsibility, plans, credentials, patrols, incidents."""
    acc = get_object_or_404(
        Account.objects.visible_to(request.user).select_related("unit", "security_officer"), pk=pk
    )
    filters = FilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    start = filters.value("start") or today - timedelta(days=90)
    end = filters.value("end") or today
    patrols = (
        Patrol.objects.filter(account=acc, at__date__gte=start, at__date__lte=end)
        .select_related("by")
        .order_by("-at")[:200]
    )
    incidents = Incident.objects.filter(
        accounts=acc, occurred_at__date__gte=start, occurred_at__date__lte=end
    ).order_by("-occurred_at")[:100]
    form = PasswordChangeForm(initial={"changed_on": today})
    context = {
        "account": acc,
        "start": start,
        "end": end,
        "filters": filters,
        "plans": EmergencyPlan.objects.filter(Q(account=acc) | Q(account__isnull=True, unit=acc.unit_id))
        .select_related("file", "uploaded_by", "account")
        .order_by("account_id", "-version")[:20],
        "changes": PasswordChange.objects.filter(account=acc).select_related("changed_by")[:50],
        "tasks": RotationTask.objects.filter(account=acc)
        .select_related("deadline", "change__changed_by")
        .order_by("-raised_at")[:50],
        "patrols": patrols,
        "incidents": incidents,
        "missed": MissedPatrol.objects.filter(
            account=acc, window_end__date__gte=start, window_end__date__lte=end
        )[:200],
        "comments": MaliciousComment.objects.filter(
            account=acc, commented_at__date__gte=start, commented_at__date__lte=end
        )[:100],
        "may_change": can(request.user, "security.change_password", acc),
        "password_form": form,
        "may_patrol": acc.status == AccountStatus.OPERATING and can(request.user, "security.patrol", acc),
    }
    return render(request, "security/account.html", context)


@require_POST
def password_change(request: HttpRequest, pk: int) -> HttpResponse:
    acc = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    form = PasswordChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的更换日期。")
        return redirect("security:account", pk)
    try:
        services.record_password_change(
            request.user, acc, form.cleaned_data["changed_on"], form.cleaned_data["note"], request=request
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except InvalidState as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已登记密码更换，相关更换任务已完成。")
    return redirect("security:account", pk)


ROTATION = Listing(
    "密码更换任务",
    ["账号", "单位", "原因", "来源", "发起时间", "时限", "状态", "更换日期", "更换人"],
    lambda t: [
        link(t.account.name, reverse("security:account", args=[t.account_id])),
        t.account.unit.name,
        t.get_reason_display(),
        t.source,
        moment(t.raised_at),
        moment(t.deadline.due_at),
        (
            badge("已超期", "danger")
            if t.deadline.is_overdue()
            else badge(t.get_status_display(), "ok" if t.status == "done" else "warn")
        ),
        day(t.change.changed_on) if t.change else "",
        str(t.change.changed_by) if t.change else "",
    ],
    flagged=lambda t: t.deadline.is_overdue(),
)


def rotation_tasks(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        RotationTask.objects.visible_to(request.user)
        .select_related("account__unit", "deadline", "change__changed_by")
        .order_by("-raised_at")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(account__unit=unit)
    if acc := filters.value("account"):
        qs = qs.filter(account=acc)
    start, end = _period(filters)
    if start:
        qs = qs.filter(raised_at__date__gte=start)
    if end:
        qs = qs.filter(raised_at__date__lte=end)
    if request.GET.get("status") in RotationTask.Status.values:
        qs = qs.filter(status=request.GET["status"])
    return respond(
        request,
        ROTATION,
        qs,
        Page(
            filters=filters,
            actions=[("待更换", "?status=open", False)],
            intro="账号管理员或负责人变动、账号泄露、到达更换周期时自动发起（规范6.1）。",
        ),
    )


# --- emergency plans (R6.1-1) ---------------------------------------------------------------------------


PLANS = Listing(
    "应急预案",
    ["单位", "适用账号", "预案名称", "版本", "批准日期", "文件", "上传人", "上传时间"],
    lambda p: [
        p.unit.name,
        p.account.name if p.account else "本单位全部账号",
        p.title,
        f"第{p.version}版",
        day(p.approved_on),
        link(p.file_name, reverse("security:file", args=[p.file_id])),
        str(p.uploaded_by),
        moment(p.uploaded_at),
    ],
)


def plans(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        EmergencyPlan.objects.visible_to(request.user)
        .select_related("unit", "account", "uploaded_by")
        .order_by("unit__order", "account_id", "-version")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(unit=unit)
    if acc := filters.value("account"):
        qs = qs.filter(account=acc)
    filters.fields.pop("start")
    filters.fields.pop("end")
    user: Any = request.user
    actions = (
        [("上传应急预案", reverse("security:plan_new"), True)]
        if can(user, "security.unit_records", user.unit_id) or user.has_role("secadmin", "center_staff")
        else []
    )
    return respond(request, PLANS, qs, Page(filters=filters, actions=actions))


def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, request.FILES or None, user=request.user)

    def save(d: dict[str, Any]) -> EmergencyPlan:
        return services.upload_plan(
            request.user, d["unit"], d["account"], d["title"], d["approved_on"], d["file"], request=request
        )

    return form_page(
        request,
        form,
        "上传应急预案",
        save,
        reverse("security:plans"),
        "已上传应急预案。",
        back=reverse("security:plans"),
    )


# --- files: served only through a permission check -------------------------------------------------------


def file(request: HttpRequest, pk: int) -> FileResponse:
    """A stored screenshot or plan, to whoever may see a record that uses it (404 otherwise)."""
    stored = get_object_or_404(StoredFile, pk=pk)
    user = request.user
    visible = (
        Patrol.objects.visible_to(user).filter(screenshots=stored).exists()
        or MaliciousComment.objects.visible_to(user).filter(screenshot=stored).exists()
        or EmergencyPlan.objects.visible_to(user).filter(file=stored).exists()
    )
    if not visible:
        raise Http404
    path = uploads.path_of(stored)
    if not path.exists():
        raise Http404
    plan = EmergencyPlan.objects.visible_to(user).filter(file=stored).order_by("-id").first()
    name = plan.file_name if plan else f"{stored.sha256[:16]}.{uploads.EXTENSIONS.get(stored.format, 'bin')}"
    response = FileResponse(
        path.open("rb"),
        content_type=uploads.CONTENT_TYPES.get(stored.format, "application/octet-stream"),
        as_attachment=stored.kind != "image",
        filename=name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- malicious comments (R6.2-3) ------------------------------------------------------------------------


COMMENTS = Listing(
    "恶意评论登记",
    [
        "评论时间",
        "账号",
        "平台",
        "评论者ID",
        "评论内容",
        "截图",
        "处置方式",
        "处置说明",
        "来源留言",
        "登记人",
    ],
    lambda c: [
        moment(c.commented_at),
        c.account.name,
        c.get_platform_display(),
        c.commenter_id,
        c.content[:200],
        link("查看截图", reverse("security:file", args=[c.screenshot_id])),
        "、".join(c.disposition_labels()),
        c.disposition_note,
        " ".join(x for x in (f"#{c.inquiry_id}" if c.inquiry_id else "", c.inquiry_ref) if x),
        str(c.recorded_by),
    ],
)


def comments(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        MaliciousComment.objects.visible_to(request.user)
        .select_related("account", "recorded_by")
        .order_by("-commented_at", "-id")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(account__unit=unit)
    if acc := filters.value("account"):
        qs = qs.filter(account=acc)
    start, end = _period(filters)
    if start:
        qs = qs.filter(commented_at__date__gte=start)
    if end:
        qs = qs.filter(commented_at__date__lte=end)
    user: Any = request.user
    may = user.has_role("duty_officer", "secadmin", "unit_admin", "center_staff")
    return respond(
        request,
        COMMENTS,
        qs,
        Page(
            filters=filters, actions=[("登记恶意评论", reverse("security:comment_new"), True)] if may else []
        ),
    )


def comment_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if inquiry := request.GET.get("inquiry", "")[:18]:
        initial["inquiry_id"] = parse_id(inquiry)
    form = CommentForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)

    def save(d: dict[str, Any]) -> MaliciousComment:
        return record_services.register_comment(
            request.user, d["account"], d, d["screenshot"], request=request
        )

    return form_page(
        request,
        form,
        "登记恶意评论",
        save,
        reverse("security:comments"),
        "已登记。",
        intro="发现恶意评论或其他违反法律法规的言论，应及时登记评论者ID、截图保存并处置（规范6.2）。",
        back=reverse("security:comments"),
    )


# --- drills and trainings (R6.1-1, R6.1-3, R3.2.6) -------------------------------------------------------


DRILLS = Listing(
    "应急演练",
    ["演练日期", "单位", "演练场景", "参加人员", "发现的问题", "改进措施", "登记人"],
    lambda d: [
        day(d.on),
        d.unit.name,
        d.scenario,
        d.participants,
        d.findings,
        d.improvements,
        str(d.recorded_by),
    ],
)
TRAININGS = Listing(
    "培训记录",
    ["培训日期", "单位", "培训类别", "培训内容", "授课人", "参训人员", "人数", "登记人"],
    lambda t: [
        day(t.on),
        t.unit.name,
        t.get_topic_display(),
        t.title,
        t.trainer,
        t.attendees,
        t.attendee_count,
        str(t.recorded_by),
    ],
)


def _unit_list(
    request: HttpRequest, model: Any, listing: Listing, new_url: str, new_label: str
) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = model.objects.visible_to(request.user).select_related("unit", "recorded_by").order_by("-on", "-id")
    if unit := filters.value("unit"):
        qs = qs.filter(unit=unit)
    start, end = _period(filters)
    if start:
        qs = qs.filter(on__gte=start)
    if end:
        qs = qs.filter(on__lte=end)
    if model is Training and request.GET.get("topic") in Training.Topic.values:
        qs = qs.filter(topic=request.GET["topic"])
    filters.fields.pop("account")
    user: Any = request.user
    actions = [(new_label, new_url, True)] if user.has_role("unit_admin", "secadmin", "center_staff") else []
    actions.append(("年度汇总", reverse("security:summary"), False))
    return respond(request, listing, qs, Page(filters=filters, actions=actions))


def drills(request: HttpRequest) -> HttpResponse:
    return _unit_list(request, Drill, DRILLS, reverse("security:drill_new"), "登记演练")


def trainings(request: HttpRequest) -> HttpResponse:
    return _unit_list(request, Training, TRAININGS, reverse("security:training_new"), "登记培训")


def drill_new(request: HttpRequest) -> HttpResponse:
    form = DrillForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        "登记应急演练",
        lambda d: record_services.record_drill(request.user, d["unit"], d, request=request),
        reverse("security:drills"),
        "已登记演练。",
        back=reverse("security:drills"),
    )


def training_new(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        "登记培训",
        lambda d: record_services.record_training(request.user, d["unit"], d, request=request),
        reverse("security:trainings"),
        "已登记培训。",
        back=reverse("security:trainings"),
    )


SUMMARY_HEADER = [
    "单位",
    "应急演练（次）",
    *[f"{label}培训（次）" for label in Training.Topic.labels],
    "培训合计（次）",
    "参训人次",
]


def summary(request: HttpRequest) -> HttpResponse:
    """Per-unit summary of drills and trainings for a year (R3.2.6, R6.1-3)."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    rows = record_services.year_summary(request.user, year)
    listing = Listing(
        f"{year}年度演练与培训汇总",
        SUMMARY_HEADER,
        lambda r: [r["unit"].name, r["drills"], *r["topics"], r["trainings"], r["attendance"]],
        flagged=lambda r: r["drills"] == 0 or r["trainings"] == 0,
        per_page=200,
    )
    years = [(str(y), str(y)) for y in range(timezone.localdate().year, timezone.localdate().year - 6, -1)]
    return respond(
        request,
        listing,
        rows,
        Page(
            actions=[(f"{y}年", f"?year={y}", str(year) == y) for y, _ in years],
            intro="未开展演练或培训的单位以红色标出（规范6.1）。",
        ),
    )
