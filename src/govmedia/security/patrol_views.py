"""Pages of the duty roster, heightened periods and patrols (R6.2-2, R6.2-4)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.calendar.services import day_info
from govmedia.org.permissions import can, require
from govmedia.registry.models import Account, AccountStatus
from govmedia.web.forms import parse_id
from govmedia.web.markup import day, moment

from . import patrol_services
from .forms import FilterForm, PatrolForm, PeriodForm, RosterForm, ShiftForm, SwapForm, add_errors, error_text
from .models import DutyChange, Patrol
from .tables import Listing, Page, badge, link, respond
from .views import form_page

CHECK_LABELS = {
    "front_content_ok": "发布内容",
    "front_comments_ok": "评论留言",
    "back_operators_ok": "操作人员",
    "back_signins_ok": "登录记录",
    "back_interfaces_ok": "绑定接口",
}


def _failed(p: Patrol) -> str:
    return "、".join(label for key, label in CHECK_LABELS.items() if not getattr(p, key)) or "—"


PATROLS = Listing(
    "巡查记录",
    ["巡查时间", "账号", "单位", "巡查人", "结果", "异常项", "情况说明", "加强监测期", "截图"],
    lambda p: [
        link(moment(p.at), reverse("security:patrol", args=[p.pk])),
        p.account.name,
        p.account.unit.name,
        str(p.by),
        badge("异常", "danger") if p.result == "anomaly" else badge("正常", "ok"),
        _failed(p),
        p.notes[:200],
        p.heightened,
        f"{len(p.screenshots.all())}张",
    ],
    flagged=lambda p: p.result == "anomaly",
)


def patrols(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None, user=request.user)
    qs = (
        Patrol.objects.visible_to(request.user)
        .select_related("account__unit", "by")
        .prefetch_related("screenshots")
        .order_by("-at", "-id")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(account__unit=unit)
    if acc := filters.value("account"):
        qs = qs.filter(account=acc)
    start, end = filters.value("start"), filters.value("end")
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    if request.GET.get("result") in Patrol.Result.values:
        qs = qs.filter(result=request.GET["result"])
    user: Any = request.user
    visible = Account.objects.visible_to(user).filter(status=AccountStatus.OPERATING).select_related("unit")
    window, pending = patrol_services.due_now(list(visible), user.county_id)
    actions = [
        ("仅看异常", "?result=anomaly", False),
        ("漏巡", reverse("security:missed"), False),
        ("值班表", reverse("security:roster"), False),
        ("加强监测期", reverse("security:periods"), False),
    ]
    if user.has_role("duty_officer", "unit_admin"):
        actions.insert(0, ("登记巡查", reverse("security:patrol_new"), True))
    duty = patrol_services.on_duty(timezone.localdate(), user.county_id)
    return respond(
        request,
        PATROLS,
        qs,
        Page(
            filters=filters,
            actions=actions,
            above="security/_due.html",
            extra={"window": window, "pending": pending[:100], "duty": duty},
        ),
    )


def patrol_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if raw := request.GET.get("account", ""):
        initial["account"] = parse_id(raw)
    form = PatrolForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)

    def save(d: dict[str, Any]) -> Patrol:
        return patrol_services.record_patrol(
            request.user, d["account"], d, d.get("screenshots") or [], request=request
        )

    return form_page(
        request,
        form,
        "登记巡查",
        save,
        "/security/patrols/{result.pk}/",
        "已登记巡查。",
        intro="对账号前台（发布内容、评论留言）和后台（操作人员、登录记录、绑定接口）逐项检查（规范6.2）。巡查时间按提交时刻记录。",
        back=reverse("security:patrols"),
    )


def patrol(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(
        Patrol.objects.visible_to(request.user).select_related("account__unit", "by"), pk=pk
    )
    checks = [
        (label, getattr(p, key))
        for key, label in (
            ("front_content_ok", "前台：发布内容完整、未被篡改"),
            ("front_comments_ok", "前台：评论、留言无异常"),
            ("back_operators_ok", "后台：操作人员无异常"),
            ("back_signins_ok", "后台：登录记录无异常"),
            ("back_interfaces_ok", "后台：绑定接口无异常"),
        )
    ]
    return render(
        request,
        "security/patrol.html",
        {
            "patrol": p,
            "checks": checks,
            "screenshots": p.screenshots.all(),
            "incidents": p.incidents.all(),
            "may_open_incident": p.result == "anomaly"
            and can(request.user, "security.open_incident", p.account),
        },
    )


def _missed_row(pair: Any) -> list[Any]:
    account, window = pair
    return [
        moment(window.start),
        moment(window.end),
        link(account.name, reverse("security:account", args=[account.pk])),
        account.unit.name,
        badge(window.heightened, "danger") if window.heightened else "平常",
    ]


MISSED = Listing(
    "漏巡",
    ["时段开始", "时段结束", "账号", "单位", "加强监测期"],
    _missed_row,
    flagged=lambda pair: bool(pair[1].heightened),
    per_page=100,
)


def missed(request: HttpRequest) -> HttpResponse:
    """Patrol windows that ended with no patrol of the account, computed for the period (R6.2-4)."""
    filters = FilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    start = filters.value("start") or today - timedelta(days=6)
    end = filters.value("end") or today
    if end < start:
        start, end = end, start
    if (end - start).days > 92:
        start = end - timedelta(days=92)
        messages.warning(request, "一次最多查看93天，已从结束日期往前截取。")
    qs = (
        Account.objects.visible_to(request.user).filter(status=AccountStatus.OPERATING).select_related("unit")
    )
    if unit := filters.value("unit"):
        qs = qs.filter(unit=unit)
    if acc := filters.value("account"):
        qs = qs.filter(pk=acc.pk)
    found = patrol_services.missed_between(list(qs), start, end)
    if request.GET.get("heightened") == "1":
        found = [pair for pair in found if pair[1].heightened]
    heightened = sum(1 for _, w in found if w.heightened)
    return respond(
        request,
        MISSED,
        found,
        Page(
            filters=filters,
            actions=[
                ("仅看加强监测期", f"?{_keep(request, heightened='1')}", False),
                ("巡查规则", reverse("security:settings"), False),
            ],
            intro=f"{day(start)}至{day(end)}：漏巡{len(found)}次，其中加强监测期间{heightened}次。"
            "加强监测期为国家法定节假日和登记的重要会议、活动期间。",
        ),
    )


def _keep(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for k, v in changes.items():
        query[k] = v
    return str(query.urlencode())


# --- roster --------------------------------------------------------------------------------------------


def roster(request: HttpRequest) -> HttpResponse:
    """值班表: a month of the county's roster, with generating, reassigning and swapping (R6.2-2)."""
    user: Any = request.user
    county = user.county_id
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", f"{today.year}-{today.month}").split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        first = today.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    may = can(request.user, "security.manage_roster")
    form = RosterForm(request.POST or None, county_id=county, initial={"first": first, "last": last})
    if request.method == "POST":
        require(request.user, "security.manage_roster")
        if form.is_valid():
            d = form.cleaned_data
            try:
                n = patrol_services.generate_roster(
                    request.user,
                    list(d["people"]),
                    d["first"],
                    d["last"],
                    d["workdays_only"],
                    d["replace"],
                    request=request,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已排班{n}天。")
                return redirect(f"{reverse('security:roster')}?month={d['first'].year}-{d['first'].month}")
    shifts = {
        s.on: s
        for s in patrol_services.shifts_of(county).filter(on__gte=first, on__lte=last).select_related("user")
    }
    heightened = dict(patrol_services.heightened_days(first, last, county))
    days: list[dict[str, Any]] = [
        {
            "on": first + timedelta(days=i),
            "shift": shifts.get(first + timedelta(days=i)),
            "heightened": heightened.get(first + timedelta(days=i), ""),
        }
        for i in range((last - first).days + 1)
    ]
    if request.GET.get("format") == "xlsx":
        from govmedia.reports.excel import xlsx_response

        return xlsx_response(
            f"值班表{first:%Y%m}.xlsx",
            "值班表",
            ["日期", "星期", "值班人", "加强监测期", "备注"],
            [
                [
                    day(d["on"]),
                    "一二三四五六日"[d["on"].weekday()],
                    str(d["shift"].user) if d["shift"] else "",
                    d["heightened"],
                    d["shift"].note if d["shift"] else "",
                ]
                for d in days
            ],
        )
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    changes = (
        DutyChange.objects.filter(
            shift__in=patrol_services.shifts_of(county).filter(on__gte=first, on__lte=last).values("pk")
        )
        .exclude(kind=DutyChange.Kind.GENERATED)
        .select_related("shift", "before", "after", "by")[:100]
    )
    return render(
        request,
        "security/roster.html",
        {
            "days": days,
            "first": first,
            "prev": f"{prev_month.year}-{prev_month.month}",
            "next": f"{next_month.year}-{next_month.month}",
            "form": form,
            "may": may,
            "changes": changes,
            "shift_form": ShiftForm(county_id=county),
            "swap_form": SwapForm(),
            "today": today,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    shift = get_object_or_404(patrol_services.shifts_of(user.county_id), pk=pk)
    action = request.POST.get("action")
    back = f"{reverse('security:roster')}?month={shift.on.year}-{shift.on.month}"
    try:
        if action == "swap":
            swap = SwapForm(request.POST)
            if not swap.is_valid():
                raise ValidationError({"other": ["请填写换班日期和原因"]})
            other = patrol_services.shifts_of(user.county_id).filter(on=swap.cleaned_data["other"]).first()
            if other is None:
                raise ValidationError({"other": ["该日尚未排班"]})
            patrol_services.swap_shifts(
                request.user, shift, other, swap.cleaned_data["reason"], request=request
            )
        else:
            form = ShiftForm(request.POST, county_id=user.county_id)
            if not form.is_valid():
                raise ValidationError({"user": ["请选择值班人员并填写原因"]})
            patrol_services.reassign_shift(
                request.user, shift, form.cleaned_data["user"], form.cleaned_data["reason"], request=request
            )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "值班安排已调整。")
    return redirect(back)


# --- heightened periods ---------------------------------------------------------------------------------


PERIODS = Listing(
    "加强监测期",
    ["名称", "开始日期", "结束日期", "来源", ""],
    lambda p: [p["name"], day(p["start"]), day(p["end"]), p["source"], p["action"]],
    per_page=100,
)


def periods(request: HttpRequest) -> HttpResponse:
    """Important meetings and events the county enters, and the national holidays of the coming months."""
    user: Any = request.user
    today = timezone.localdate()
    may = can(user, "security.manage_periods")
    rows: list[dict[str, Any]] = [
        {
            "name": p.name,
            "start": p.start,
            "end": p.end,
            "source": "重要会议、活动",
            "action": link("删除", reverse("security:period_remove", args=[p.pk]))
            if can(user, "security.manage_periods", p)
            else "",
        }
        for p in patrol_services.periods_of(user.county_id)
        .filter(end__gte=today - timedelta(days=365))
        .order_by("-start")
    ]
    holidays: dict[str, list[date]] = {}
    for i in range(181):
        info = day_info(today + timedelta(days=i))
        if info.kind == "holiday":
            holidays.setdefault(info.holiday or "法定节假日", []).append(info.date)
    rows += [
        {"name": name, "start": ds[0], "end": ds[-1], "source": "国家法定节假日（工作日安排）", "action": ""}
        for name, ds in holidays.items()
    ]
    actions = [("登记重要会议或活动", reverse("security:period_new"), True)] if may else []
    return respond(
        request,
        PERIODS,
        rows,
        Page(
            actions=actions,
            intro="国家重大节日及重要会议、活动期间加强监测，巡查频次按“安全管理设置”执行（规范6.2）。",
        ),
    )


def period_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "security.manage_periods")
    form = PeriodForm(request.POST or None)
    return form_page(
        request,
        form,
        "登记重要会议或活动",
        lambda d: patrol_services.add_period(request.user, d["name"], d["start"], d["end"], request=request),
        reverse("security:periods"),
        "已登记加强监测期。",
        back=reverse("security:periods"),
    )


def period_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    period = get_object_or_404(patrol_services.periods_of(user.county_id), pk=pk)
    require(user, "security.manage_periods", period)
    if request.method == "POST":
        patrol_services.remove_period(request.user, period, request=request)
        messages.success(request, "已删除。")
        return redirect("security:periods")
    return render(
        request,
        "security/confirm.html",
        {"title": f"删除加强监测期：{period.name}", "back": reverse("security:periods")},
    )
