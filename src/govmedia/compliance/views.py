"""内容检查 page, its findings panel (htmx, reusable by the post editor), the long-Weibo image, and the
administrators' pages for the lexicon and the platform limits."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from govmedia.org.permissions import require

from . import services
from .core import DEFAULT_PROFILES, MediaRef, Post
from .core.longweibo import NoCjkFont
from .core.profiles import LIMIT_DEFS, MEDIA_KINDS, MEDIA_LABELS
from .forms import CheckForm, LexiconEntryForm, LexiconImportForm, MediaForm, ProfileForm
from .models import LexiconEntry, Severity
from .panel import panel_context

MAX_UPLOAD = 200 * 1024 * 1024


def _run(
    request: HttpRequest, form: CheckForm, media: list[MediaRef] | None = None
) -> tuple[Post, dict[str, Any]]:
    post = form.to_post()
    if media:
        post = Post(**{**post.__dict__, "media": tuple(media)})
    user: Any = request.user
    portal = services.portal_domains(user.county_id)
    findings = services.check_post(post, form.cleaned_data.get("platform") or None, portal)
    return post, panel_context(findings, post)


def check_page(request: HttpRequest) -> HttpResponse:
    """内容检查: everything a machine can know about a post before a reviewer sees it."""
    require(request.user, "compliance.check")
    known = services.profiles()
    form = CheckForm(request.POST or None, profiles=known, initial={"platform": "wechat", "kind": "original"})
    media_form = MediaForm(request.POST or None, request.FILES or None)
    panel = panel_context([], None, checked=False)
    if request.method == "POST" and form.is_valid() and media_form.is_valid():
        with tempfile.TemporaryDirectory(prefix="govmedia-check-") as workdir:
            refs = _save_uploads(media_form, workdir)
            _, panel = _run(request, form, refs)
    return render(request, "compliance/check.html", {"form": form, "media_form": media_form, **panel})


def _save_uploads(media_form: MediaForm, workdir: str) -> list[MediaRef]:
    refs = []
    for kind in MEDIA_KINDS:
        for number, upload in enumerate(media_form.cleaned_data.get(f"media_{kind}") or []):
            if upload.size > MAX_UPLOAD:
                media_form.add_error(f"media_{kind}", f"“{upload.name}”超过200MB，未检查。")
                continue
            path = getattr(upload, "temporary_file_path", None)
            if path is None:  # small uploads stay in memory: give the inspector a file
                target = os.path.join(workdir, f"{kind}-{number}")
                with open(target, "wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                refs.append(MediaRef(path=target, kind=kind, name=upload.name))
            else:
                refs.append(MediaRef(path=path(), kind=kind, name=upload.name))
    return refs


@require_POST
def panel(request: HttpRequest) -> HttpResponse:
    """The findings panel alone, for htmx as the author types (text fields; media are checked on submit)."""
    require(request.user, "compliance.check")
    form = CheckForm(request.POST, profiles=services.profiles())
    if not form.is_valid():
        context = panel_context([], None, checked=False)
        context["form_errors"] = form.errors
        return render(request, "compliance/_findings_panel.html", context)
    _, context = _run(request, form)
    return render(request, "compliance/_findings_panel.html", context)


@require_POST
def long_weibo(request: HttpRequest) -> HttpResponse:
    """The full text as a long-Weibo PNG (R5.6-4), or a clear page when no CJK font is installed."""
    require(request.user, "compliance.check")
    title = request.POST.get("title", "")
    body = request.POST.get("body", "")
    try:
        png = services.long_weibo_png(title, body)
    except (NoCjkFont, ValueError) as exc:
        return render(request, "compliance/long_weibo_error.html", {"message": str(exc)}, status=200)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="long-weibo.png"'
    return response


# ---- lexicon (安全管理员) ----


def lexicon(request: HttpRequest) -> HttpResponse:
    require(request.user, "compliance.manage_lexicon")
    qs = LexiconEntry.objects.all()
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(word__contains=q) | qs.filter(category__contains=q)
    if (severity := request.GET.get("severity", "")) in Severity.values:
        qs = qs.filter(severity=severity)
    page = Paginator(qs.order_by("category", "word"), 50).get_page(request.GET.get("page"))
    return render(request, "compliance/lexicon.html", {"page": page, "severities": Severity.choices})


def lexicon_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "compliance.manage_lexicon")
    entry = get_object_or_404(LexiconEntry, pk=pk) if pk else LexiconEntry()
    form = LexiconEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.save_lexicon_entry(request.user, form.instance, request=request)
        messages.success(request, f"敏感词“{entry.word}”已保存。")
        return redirect("compliance:lexicon")
    categories = sorted(set(LexiconEntry.objects.values_list("category", flat=True)))
    return render(
        request,
        "compliance/lexicon_edit.html",
        {
            "form": form,
            "entry": entry,
            "categories": categories,
            "title": "编辑敏感词" if pk else "新增敏感词",
        },
    )


@require_POST
def lexicon_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "compliance.manage_lexicon")
    entry = get_object_or_404(LexiconEntry, pk=pk)
    services.delete_lexicon_entry(request.user, entry, request=request)
    messages.success(request, f"敏感词“{entry.word}”已删除。")
    return redirect("compliance:lexicon")


def lexicon_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "compliance.manage_lexicon")
    form = LexiconImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_lexicon(
            request.user, form.cleaned_data["text"], replace=form.cleaned_data["replace"], request=request
        )
        if result["created"] or result["updated"] or result["deleted"] or result["unchanged"]:
            messages.success(
                request,
                f"导入完成：新增{result['created']}个，更新{result['updated']}个，"
                f"未变{result['unchanged']}个，删除{result['deleted']}个。",
            )
            if not result["errors"]:
                return redirect("compliance:lexicon")
    return render(request, "compliance/lexicon_import.html", {"form": form, "result": result})


def lexicon_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "compliance.manage_lexicon")
    response = HttpResponse(services.export_lexicon(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lexicon.txt"'
    return response


# ---- platform profiles (系统管理员) ----


def profiles(request: HttpRequest) -> HttpResponse:
    require(request.user, "compliance.manage_profiles")
    rows = []
    for key, profile in services.profiles().items():
        limits = [
            {
                "label": LIMIT_DEFS[name].label,
                "value": limit.value // LIMIT_DEFS[name].scale,
                "unit": LIMIT_DEFS[name].unit,
                "clause": limit.clause,
                "source": limit.source,
            }
            for name, limit in profile.limits.items()
            if limit.value is not None
        ]
        formats = [
            {"label": MEDIA_LABELS[kind], "allowed": "、".join(rule.allowed), "source": rule.source}
            for kind, rule in profile.formats.items()
            if rule.allowed is not None
        ]
        rows.append({"key": key, "profile": profile, "limits": limits, "formats": formats})
    return render(request, "compliance/profiles.html", {"rows": rows})


def profile_edit(request: HttpRequest, key: str) -> HttpResponse:
    require(request.user, "compliance.manage_profiles")
    default = DEFAULT_PROFILES.get(key)
    current = services.profile(key)
    if default is None or current is None:
        from django.http import Http404

        raise Http404
    form = ProfileForm(request.POST or None, profile=current, default=default)
    if request.method == "POST" and form.is_valid():
        services.save_profile(request.user, key, form.limits(), form.formats(), request=request)
        messages.success(request, f"“{current.label}”的平台规则已保存。")
        return redirect("compliance:profiles")
    return render(request, "compliance/profile_edit.html", {"form": form, "profile": current})
