"""One description of a list serves the page and its Excel export, so both always show the same columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.reports.excel import xlsx_response
from govmedia.web.paging import count_upto

MAX_EXPORT_ROWS = 20000


def link(text: str, url: str) -> dict[str, str]:
    return {"text": text, "url": url}


def badge(text: str, css: str = "") -> dict[str, str]:
    return {"text": text, "badge": css or "plain"}


def plain(cell: Any) -> Any:
    if isinstance(cell, dict):
        return cell["text"]
    if isinstance(cell, list):
        return "；".join(str(plain(c)) for c in cell)
    return cell


@dataclass
class Listing:
    title: str
    header: Sequence[str]
    row: Callable[[Any], list[Any]]
    flagged: Callable[[Any], bool] = lambda _: False
    per_page: int = 30


@dataclass
class Page:
    filters: Any = None
    actions: list[tuple[str, str, bool]] = field(default_factory=list)  # label, url, primary
    intro: str = ""
    above: str = ""  # a template included above the table
    extra: dict[str, Any] = field(default_factory=dict)


def respond(request: HttpRequest, listing: Listing, items: Any, page: Page | None = None) -> HttpResponse:
    """The list page, or its Excel file when `?format=xlsx`."""
    page = page or Page()
    if request.GET.get("format") == "xlsx":
        if count_upto(items, MAX_EXPORT_ROWS) > MAX_EXPORT_ROWS:  # a cut-off file reads as the whole record
            query = request.GET.copy()
            query.pop("format")
            messages.error(request, f"符合条件的记录超过{MAX_EXPORT_ROWS}条，请缩小筛选范围后再导出。")
            return redirect(f"{request.path}?{query.urlencode()}")
        stamp = timezone.localdate().strftime("%Y%m%d")
        rows: Iterable[list[Any]] = ([plain(c) for c in listing.row(o)] for o in items[:MAX_EXPORT_ROWS])
        return xlsx_response(f"{listing.title}{stamp}.xlsx", listing.title, listing.header, rows)
    paged = Paginator(items, listing.per_page).get_page(request.GET.get("page"))
    rows_out = [
        {"cells": list(zip(listing.header, listing.row(o), strict=False)), "flagged": listing.flagged(o)}
        for o in paged
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(
        request,
        "security/list.html",
        {
            "title": listing.title,
            "header": listing.header,
            "rows": rows_out,
            "page": paged,
            "filters": page.filters,
            "actions": page.actions,
            "intro": page.intro,
            "above": page.above,
            "export_query": query.urlencode(),
            **page.extra,
        },
    )
