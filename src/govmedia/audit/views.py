from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.org.permissions import require, rule
from govmedia.reports.excel import xlsx_response
from govmedia.web.forms import DateRangeFilter
from govmedia.web.paging import count_upto, page_of

from .models import Entry
from .services import record
from .watch import alarm_text, check_chain, last_check, walk_under_way


@rule("audit.read")
def _read_audit(user: Any, obj: Any) -> bool:
    return user.has_role("auditor")


class EntryFilter(DateRangeFilter):
    q = forms.CharField(label="关键词", required=False)
    action = forms.CharField(label="事件", required=False)
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def apply(self, qs: QuerySet[Entry]) -> QuerySet[Entry]:
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(actor_name__contains=data["q"]) | qs.filter(object_repr__contains=data["q"])
        if data["action"]:
            qs = qs.filter(action__startswith=data["action"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            qs = qs.filter(at__gte=datetime.combine(data["start"], time.min, tz))
        if data["end"]:
            qs = qs.filter(at__lte=datetime.combine(data["end"], time.max, tz))
        return qs


def entries(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.read")
    form = EntryFilter(request.GET or None)
    qs = form.apply(Entry.objects.all()) if request.GET else Entry.objects.all()
    page = page_of(qs, 50, request.GET.get("page"))
    context = {"form": form, "page": page, "last_check": last_check(), "walk": walk_under_way()}
    return render(request, "audit/entries.html", context)


@require_POST
def verify_now(request: HttpRequest) -> HttpResponse:
    """The auditor checks the hash chain at once (the sweeper does it every hour)."""
    require(request.user, "audit.read")
    entry = check_chain(force=True, actor=request.user, request=request)
    if entry is not None and entry.success:
        messages.success(request, f"责任日志完整，共{(entry.after or {}).get('entries')}条。")
    elif entry is not None:
        messages.error(request, alarm_text(entry))
    elif walk := walk_under_way():
        messages.info(
            request,
            f"校验进行中：共{walk.upto}条，已校验{walk.next_id - 1}条。其余由后台每分钟接着校验，"
            "完成后结果记入责任日志，如有问题将在我的待办告警。",
        )
    else:  # another worker is walking the chain this minute
        messages.info(request, "后台正在校验，完成后结果记入责任日志，如有问题将在我的待办告警。")
    return redirect("audit:entries")


# Entries one export may hold: the workbook is built in memory (~10 s for 100 000 rows), and a province's log
# (ten million entries) would never finish; Excel itself stops at 1 048 576 rows.
EXPORT_LIMIT = 100_000


def export(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.read")
    form = EntryFilter(request.GET or None)
    qs = form.apply(Entry.objects.all()) if request.GET else Entry.objects.all()
    if count_upto(qs, EXPORT_LIMIT) > EXPORT_LIMIT:
        messages.error(
            request, f"符合条件的记录超过{EXPORT_LIMIT}条，请按日期、事件或关键词缩小范围后再导出。"
        )
        return redirect(f"{reverse('audit:entries')}?{request.GET.urlencode()}")
    record("audit.exported", actor=request.user, request=request, after={"filter": request.GET.dict()})
    header = ["序号", "时间", "操作人", "单位", "事件", "成功", "对象", "IP地址", "哈希"]
    rows = (
        [
            e.pk,
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            e.unit_name,
            e.action,
            "是" if e.success else "否",
            e.object_repr,
            e.ip,
            e.hash,
        ]
        for e in qs.order_by("id").iterator(chunk_size=2000)
    )
    return xlsx_response("责任日志.xlsx", "责任日志", header, rows)
