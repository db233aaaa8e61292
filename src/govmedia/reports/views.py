"""统计报表: the period report with its charts, Excel and print views; the inspection table (B-5); the
centre's overview. Thin: parse, gather (a fixed number of queries), render."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govmedia.org.models import Unit, units_visible_to
from govmedia.web.forms import PickOrSearchField
from govmedia.web.markup import day

from . import metrics, periods
from .excel import xlsx_sheets_response
from .facts import inspection as gather_inspection
from .facts import warn_days
from .indicators import FAIL, LINE_LABELS, PASS, STATUS_LABELS, WARN
from .overview import LABELS as OVERVIEW_LABELS
from .overview import overview
from .svg import bar_chart

RESULTS = {"fail": "不合格", "warn": "有预警", "pass": "合格"}


def _period(request: HttpRequest) -> tuple[periods.Period | None, str]:
    try:
        return periods.parse(request.GET), ""
    except periods.BadPeriod as exc:
        return None, str(exc)


def _charts(r: metrics.Report) -> list[Any]:
    rows = r.units
    return [
        bar_chart("各单位发布信息（条）", [(u["label"], u["posts"]) for u in rows]),
        bar_chart("审定后1小时内发布占比", [(u["label"], u["within_hour_rate"]) for u in rows], "%", 100),
        bar_chart("留言按时办理率", [(u["label"], u["messages_on_time_rate"]) for u in rows], "%", 100),
        bar_chart("巡查次数", [(u["label"], u["patrols"]) for u in rows]),
    ]


def _context(request: HttpRequest, period: periods.Period) -> dict[str, Any]:
    r = metrics.build(request.user, period)
    return {
        "period": period,
        "report": r,
        "columns": metrics.COLUMNS,
        "account_columns": [c for c in metrics.COLUMNS if c[0] not in metrics.ACCOUNT_SKIP],
        "charts": _charts(r),
        "query": period.query(),
        "today": day(timezone.localdate()),
    }


def _form_values(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "period": request.GET.get("period", "month"),
        "year": request.GET.get("year", str(today.year)),
        "month": request.GET.get("month", str(today.month)),
        "quarter": request.GET.get("quarter", str((today.month - 1) // 3 + 1)),
        "kinds": periods.KINDS,
        "months": range(1, 13),
        "quarters": range(1, 5),
    }


def report(request: HttpRequest) -> HttpResponse:
    period, error = _period(request)
    if period is None:
        return render(
            request, "reports/report.html", {"error": error, "form": _form_values(request)}, status=400
        )
    if request.GET.get("format") == "xlsx":
        r = metrics.build(request.user, period)
        unit_header = ["单位", *[label for _, label in metrics.COLUMNS]]
        unit_rows = [[u["label"], *[u[k] for k, _ in metrics.COLUMNS]] for u in r.units]
        unit_rows.append(["合计", *[r.total[k] for k, _ in metrics.COLUMNS]])
        cols = [c for c in metrics.COLUMNS if c[0] not in metrics.ACCOUNT_SKIP]
        account_header = ["单位", "账号", "类型", *[label for _, label in cols]]
        account_rows = [
            [a["unit_name"], a["label"], a["type_label"], *[a[k] for k, _ in cols]] for a in r.accounts
        ]
        return xlsx_sheets_response(
            f"统计报表-{period.label}.xlsx",
            [("按单位", unit_header, unit_rows), ("按账号", account_header, account_rows)],
        )
    return render(
        request, "reports/report.html", {**_context(request, period), "form": _form_values(request)}
    )


def print_report(request: HttpRequest) -> HttpResponse:
    """The leaders' monthly report: a page made for printing (any period works, a month by default)."""
    period, error = _period(request)
    if period is None:
        return render(
            request, "reports/report.html", {"error": error, "form": _form_values(request)}, status=400
        )
    ctx = _context(request, period)
    verdicts = gather_inspection(request.user)
    ctx["inspection"] = {
        "total": len(verdicts),
        "failed": [v for v in verdicts if not v.passed],
        "warned": [v for v in verdicts if v.passed and v.warnings],
    }
    ctx["overview"] = overview(request.user)
    user: Any = request.user
    ctx["county_name"] = user.unit.county.name if user.unit_id else ""
    return render(request, "reports/print.html", ctx)


class UnitFilter(forms.Form):
    unit = PickOrSearchField(label="单位", empty_label="全部单位")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PickOrSearchField, self.fields["unit"]).queryset = units_visible_to(user).only("id", "name")


def inspection(request: HttpRequest) -> HttpResponse:
    unit_form = UnitFilter(request.GET, user=request.user)
    result = (request.GET.get("result") or "").strip()
    errors = []
    unit: Any = None
    if not unit_form.is_valid():
        errors.append("所选单位不存在或不在您的查看范围内。")
    else:
        unit = unit_form.cleaned_data["unit"]
        # A name search (when there are too many units for a drop-down) must name a unit one can see.
        if isinstance(unit, str) and not units_visible_to(request.user).filter(name__icontains=unit).exists():
            errors.append("所选单位不存在或不在您的查看范围内。")
    if result and result not in RESULTS:
        errors.append("结论筛选应为合格、不合格或有预警。")
    if errors:
        return render(
            request,
            "reports/inspection.html",
            {"errors": errors, "unit_field": unit_form["unit"], "results": RESULTS},
            status=400,
        )
    unit_id = unit.pk if isinstance(unit, Unit) else None
    unit_name = unit if isinstance(unit, str) else ""
    verdicts = gather_inspection(request.user, unit=unit_id, unit_name=unit_name)
    if result == "fail":
        verdicts = [v for v in verdicts if not v.passed]
    elif result == "pass":
        verdicts = [v for v in verdicts if v.passed]
    elif result == "warn":
        verdicts = [v for v in verdicts if v.warnings]
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        header = [
            "单位",
            "账号",
            "类型",
            "状态",
            "最近更新",
            "结论",
            *LINE_LABELS.values(),
            "不合格原因",
            "预警",
        ]
        rows = [
            [
                v.facts.unit,
                v.facts.name,
                v.facts.type_label,
                v.facts.status_label,
                day(v.facts.last_update) if v.facts.last_update else "无",
                "合格" if v.passed else ("不合格（单项否决）" if v.vetoed else "不合格"),
                *[STATUS_LABELS[line.status] for line in v.lines],
                "；".join(v.reasons),
                "；".join(v.warnings),
            ]
            for v in verdicts
        ]
        from .excel import xlsx_response

        return xlsx_response(f"政务新媒体检查指标-{today:%Y%m%d}.xlsx", "检查指标", header, rows)
    return render(
        request,
        "reports/inspection.html",
        {
            "verdicts": verdicts,
            "line_labels": LINE_LABELS,
            "unit_field": unit_form["unit"],
            "results": RESULTS,
            "unit_query": urlencode({"unit": unit_id or unit_name}) if unit else "",
            "result": result,
            "today": day(today),
            "warn_days": warn_days(),
            "failed": sum(1 for v in verdicts if not v.passed),
            "statuses": {"pass": PASS, "fail": FAIL, "warn": WARN},
        },
    )


def overview_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/overview.html", {**overview(request.user), "labels": OVERVIEW_LABELS})
