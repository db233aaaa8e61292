from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.org.permissions import require
from govmedia.web.forms import number

from . import resolver as bound
from .forms import ScheduleForm
from .models import Deadline, HolidaySchedule
from .schedules import MAX_YEAR, MIN_YEAR, to_lines, year_overview
from .services import import_schedule

SOURCES = {
    "entered": ("已录入", "ok"),
    "packaged": ("内置数据", ""),
    "assumed": ("未发布，暂按周一至周五", "warn"),
}


def _source(resolver: Any, year: int) -> dict[str, str]:
    code = resolver.source(year)
    label, css = SOURCES[code]
    return {"code": code, "label": label, "css": css}


def schedules(request: HttpRequest) -> HttpResponse:
    require(request.user, "calendar.manage")
    resolver = bound.current()
    form = ScheduleForm(request.POST or None, initial=_initial(request, resolver))
    if request.method == "POST" and form.is_valid():
        try:
            schedule, recomputed = import_schedule(request.user, form.cleaned_data["data"], request=request)
        except ValidationError as exc:  # the form already checked; kept for a race with another import
            form.add_error(None, exc)
        else:
            for warning in form.cleaned_data["warnings"]:
                messages.warning(request, warning)
            messages.success(
                request, f"{schedule.year}年节假日安排已保存；{recomputed}个时限已按新安排重新计算。"
            )
            return redirect("calendar:year", year=schedule.year)
    entered = {s.year: s for s in HolidaySchedule.objects.select_related("entered_by")}
    this_year = timezone.localdate().year
    years = sorted(set(entered) | {this_year - 1, this_year, this_year + 1})
    rows = [{"year": y, "source": _source(resolver, y), "schedule": entered.get(y)} for y in reversed(years)]
    provisional = Deadline.objects.open().filter(provisional=True).count()
    return render(
        request, "calendar/schedules.html", {"rows": rows, "form": form, "provisional": provisional}
    )


def _initial(request: HttpRequest, resolver: Any) -> dict[str, Any]:
    """`?year=2027` prefills the form with what that year has now, for an edit."""
    year = number(request.GET.get("year", ""))
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return {"year": timezone.localdate().year + 1}
    row = HolidaySchedule.objects.filter(year=year).first()
    if row is not None:
        text = to_lines(bound.to_schedule(row))
        return {"year": row.year, "text": text, "source": row.source_note}
    holidays, adjusted = year_overview(resolver, year)
    lines = [f"{h.name} {h.start.isoformat()} {h.end.isoformat()}" for h in holidays]
    if adjusted:
        lines.append("调休上班 " + " ".join(d.isoformat() for d in adjusted))
    return {"year": year, "text": "\n".join(lines)}


def year(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, "calendar.manage")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    resolver = bound.current()
    holidays, adjusted = year_overview(resolver, year)
    context = {
        "year": year,
        "source": _source(resolver, year),
        "schedule": HolidaySchedule.objects.select_related("entered_by").filter(year=year).first(),
        "holidays": [{"h": h, "days": (h.end - h.start).days + 1} for h in holidays],
        "adjusted": adjusted,
    }
    return render(request, "calendar/year.html", context)
