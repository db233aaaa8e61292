"""The Django side of compliance: the cached lexicon and profiles, the check as the product runs it,
and every change administrators make to the lexicon or the platform limits (audited)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.permissions import require, rule

from .core import DEFAULT_PROFILES, Finding, Lexicon, Post, Profile, check, lexiconfile
from .core import LexiconEntry as CoreEntry
from .core.longweibo import find_cjk_font, render_long_weibo
from .core.profiles import LIMIT_DEFS, MEDIA_KINDS
from .models import LexiconEntry, PlatformProfile, RulesetVersion

STARTER_LEXICON = Path(__file__).resolve().parent / "data" / "starter_lexicon.txt"
MAX_LONG_WEIBO_CHARS = 20000


@rule("compliance.check")
def _may_check(user: Any, obj: Any) -> bool:
    return True


@rule("compliance.manage_lexicon")
def _may_manage_lexicon(user: Any, obj: Any) -> bool:
    return user.has_role("secadmin")


@rule("compliance.manage_profiles")
def _may_manage_profiles(user: Any, obj: Any) -> bool:
    return user.has_role("sysadmin")


# ---- the caches: one per process, rebuilt when the version row in the database moves ----

_lock = threading.Lock()
_cache: dict[str, tuple[Any, Any]] = {}


def _version_key(kind: str) -> Any:
    row = RulesetVersion.objects.filter(pk=1).values_list(kind, "changed_at").first()
    return row or (0, None)


def _bump(kind: str) -> None:
    """Inside the caller's transaction: a new version for every process to notice."""
    version, _ = RulesetVersion.objects.select_for_update().get_or_create(pk=1)
    setattr(version, kind, getattr(version, kind) + 1)
    version.changed_at = timezone.now()
    version.save()


def lexicon() -> Lexicon:
    """The administrators' lexicon as an automaton, built once per change."""
    key = _version_key("lexicon")
    cached = _cache.get("lexicon")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    with _lock:
        entries = [
            CoreEntry(e.word, e.category, e.severity, e.suggestion, e.note)
            for e in LexiconEntry.objects.order_by("id").iterator()
        ]
        built = Lexicon(entries, version=key[0])
        _cache["lexicon"] = (key, built)
    return built


def starter_lexicon() -> Lexicon:
    """For commands run before the database exists."""
    entries, _ = lexiconfile.parse(STARTER_LEXICON.read_text(encoding="utf-8"))
    return Lexicon(entries)


def profiles() -> dict[str, Profile]:
    """Every platform profile with the administrators' overrides applied."""
    key = _version_key("profiles")
    cached = _cache.get("profiles")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    overrides = {p.key: p for p in PlatformProfile.objects.all()}
    built = {}
    for name, default in DEFAULT_PROFILES.items():
        found = overrides.get(name)
        built[name] = default.with_overrides(found.limits, found.formats) if found else default
    _cache["profiles"] = (key, built)
    return built


def profile(key: str) -> Profile | None:
    return profiles().get(key)


def portal_domains(county_id: int | None = None) -> list[str]:
    """The county government portal's domains: the county's own when its sysadmin has set them, else the
    instance's `COUNTY_PORTAL_DOMAINS`."""
    if county_id is not None:
        from govmedia.org.models import County

        own = County.objects.filter(pk=county_id).values_list("portal_domains", flat=True).first()
        if own:
            return own.split(",")
    return [d.strip() for d in getattr(settings, "COUNTY_PORTAL_DOMAINS", []) if d.strip()]


def check_post(post: Post, platform: str | None, portal: list[str] | None = None) -> list[Finding]:
    """The check as the product runs it: the lexicon, the platform's limits and the county's portal
    (`portal_domains(county)`, looked up once by the caller; the instance's setting when not given)."""
    chosen = profile(platform) if platform else None
    domains = portal_domains() if portal is None else portal
    return check(post, chosen, lexicon=lexicon(), portal_domains=domains)


def unprocessable(findings: list[Finding], message: str = "内容检查未通过，请按提示修改。") -> Exception:
    """The API's 422 with findings in the check format, for submission and publication."""
    from govmedia.api.errors import Unprocessable

    return Unprocessable(message, findings=[f.to_dict() for f in findings])


def long_weibo_png(title: str, body: str) -> bytes:
    """The long-Weibo image (R5.6-4). Raises NoCjkFont with a Chinese message when no font exists."""
    if len(title) + len(body) > MAX_LONG_WEIBO_CHARS:
        raise ValueError(f"文字超过{MAX_LONG_WEIBO_CHARS}字，无法生成长微博图片")
    font = find_cjk_font(getattr(settings, "CJK_FONT_PATH", "") or None)
    return render_long_weibo(body, font, title=title)


# ---- the lexicon ----

ENTRY_FIELDS = ("word", "category", "severity", "suggestion", "note")


def _entry_snapshot(entry: LexiconEntry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in ENTRY_FIELDS}


def save_lexicon_entry(actor: Any, entry: LexiconEntry, request: Any = None) -> LexiconEntry:
    require(actor, "compliance.manage_lexicon", entry)
    with transaction.atomic():
        before = None
        if entry.pk:
            before = _entry_snapshot(LexiconEntry.objects.select_for_update().get(pk=entry.pk))
        entry.word = entry.word.strip()
        entry.updated_by = actor
        entry.save()
        _bump("lexicon")
        record(
            "compliance.lexicon_saved",
            actor=actor,
            obj=entry,
            before=before,
            after=_entry_snapshot(entry),
            request=request,
        )
    return entry


def delete_lexicon_entry(actor: Any, entry: LexiconEntry, request: Any = None) -> None:
    require(actor, "compliance.manage_lexicon", entry)
    with transaction.atomic():
        locked = LexiconEntry.objects.select_for_update().get(pk=entry.pk)
        record(
            "compliance.lexicon_deleted",
            actor=actor,
            obj=locked,
            before=_entry_snapshot(locked),
            request=request,
        )
        locked.delete()
        _bump("lexicon")


def import_lexicon(actor: Any, text: str, *, replace: bool = False, request: Any = None) -> dict[str, Any]:
    """Add or update the words of `text`; with `replace`, words not in it are removed. Lines in error are
    reported and skipped; nothing is written when no line is usable."""
    require(actor, "compliance.manage_lexicon")
    entries, errors = lexiconfile.parse(text)
    result: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "errors": errors}
    if not entries:
        return result
    latest = {e.word.strip(): e for e in entries}
    with transaction.atomic():
        existing = {e.word: e for e in LexiconEntry.objects.select_for_update()}
        to_create = []
        for word, new in latest.items():
            old = existing.get(word)
            values = {
                "category": new.category,
                "severity": new.severity,
                "suggestion": new.suggestion,
                "note": new.note,
            }
            if old is None:
                to_create.append(LexiconEntry(word=word, updated_by=actor, **values))
            elif any(getattr(old, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(old, k, v)
                old.updated_by = actor
                old.save()
                result["updated"] += 1
            else:
                result["unchanged"] += 1
        LexiconEntry.objects.bulk_create(to_create, batch_size=1000)
        result["created"] = len(to_create)
        if replace:
            gone = [pk for word, e in existing.items() if word not in latest for pk in [e.pk]]
            for start in range(0, len(gone), 500):
                LexiconEntry.objects.filter(pk__in=gone[start : start + 500]).delete()
            result["deleted"] = len(gone)
        _bump("lexicon")
        summary = {k: v for k, v in result.items() if k != "errors"}
        record(
            "compliance.lexicon_imported", actor=actor, after={**summary, "replace": replace}, request=request
        )
    return result


def export_lexicon() -> str:
    return lexiconfile.dump(
        CoreEntry(e.word, e.category, e.severity, e.suggestion, e.note)
        for e in LexiconEntry.objects.order_by("category", "word").iterator()
    )


# ---- platform profiles ----


def save_profile(
    actor: Any,
    key: str,
    limits: Mapping[str, int | None],
    formats: Mapping[str, Iterable[str] | None],
    request: Any = None,
) -> PlatformProfile:
    """Store the values that differ from the shipped defaults (R5.6-5); the change is audited."""
    require(actor, "compliance.manage_profiles")
    default = DEFAULT_PROFILES[key]
    limit_overrides = {
        name: value
        for name, value in limits.items()
        if name in LIMIT_DEFS and value != (default.limits[name].value if name in default.limits else None)
    }
    format_overrides: dict[str, list[str] | None] = {}
    for kind, allowed in formats.items():
        if kind not in MEDIA_KINDS:
            continue
        value = None if allowed is None else list(allowed)
        shipped = default.formats.get(kind)
        shipped_value = None if shipped is None or shipped.allowed is None else list(shipped.allowed)
        if value != shipped_value:
            format_overrides[kind] = value
    with transaction.atomic():
        row, _ = PlatformProfile.objects.select_for_update().get_or_create(key=key)
        before = {"limits": row.limits, "formats": row.formats}
        row.limits, row.formats, row.updated_by = limit_overrides, format_overrides, actor
        row.save()
        _bump("profiles")
        record(
            "compliance.profile_saved",
            actor=actor,
            obj=row,
            before=before,
            after={"limits": row.limits, "formats": row.formats},
            request=request,
        )
    return row


def safe_lexicon() -> tuple[Lexicon, str]:
    """The database lexicon, or the starter one with a warning when the database is not ready."""
    try:
        return lexicon(), ""
    except DatabaseError:
        return starter_lexicon(), "数据库不可用，已改用内置起步词库检查。"
