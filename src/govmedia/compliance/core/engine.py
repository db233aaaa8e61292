"""`check(post, profile)`: every finding a machine can know about a post, in a stable order."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable

from .content import EMPTY_LEXICON, Lexicon, scan_text
from .findings import BLOCK, WARN, Finding
from .media import EXTENSIONS, FORMAT_LABELS, MediaInfo, inspect
from .post import MediaRef, Post
from .profiles import MEDIA_LABELS, MIB, Profile
from .rules import post_findings
from .text import char_count, gb18030_bytes, weibo_count


def check(
    post: Post,
    profile: Profile | None = None,
    *,
    lexicon: Lexicon = EMPTY_LEXICON,
    portal_domains: Iterable[str] = (),
) -> list[Finding]:
    """Post rules, text limits, content and media. Without a profile no platform limit applies."""
    findings = post_findings(post, portal_domains)
    if profile is not None:
        findings += title_limits(post.title, profile)
    findings += scan_text(post.title, "title", lexicon)
    if profile is not None:
        findings += body_limits(post.body, profile)
    findings += scan_text(post.body, "body", lexicon)
    for index, ref in enumerate(post.media):
        findings += media_findings(ref, f"media[{index}]", profile)
    return findings


def _over(profile: Profile, key: str, measured: int | float) -> int | None:
    limit = profile.limit(key)
    return limit.value if limit is not None and limit.value is not None and measured > limit.value else None


def _finding(profile: Profile, key: str, field: str, message: str, value: object, limit: object) -> Finding:
    found = profile.limits.get(key)
    return Finding(
        f"{profile.key}.{key}", found.clause if found else "5.6", BLOCK, field, message, value, limit
    )


def title_limits(title: str, profile: Profile) -> list[Finding]:
    found = []
    size = gb18030_bytes(title)
    if (limit := _over(profile, "title.max_bytes", size)) is not None:
        found.append(
            _finding(
                profile, "title.max_bytes", "title", f"标题超过{limit}字节（当前{size}字节）", size, limit
            )
        )
    chars = char_count(title)
    if (limit := _over(profile, "title.max_chars", chars)) is not None:
        found.append(
            _finding(profile, "title.max_chars", "title", f"标题超过{limit}字（当前{chars}字）", chars, limit)
        )
    return found


def body_limits(body: str, profile: Profile) -> list[Finding]:
    found = []
    chars = char_count(body)
    if (limit := _over(profile, "body.max_chars", chars)) is not None:
        found.append(
            _finding(profile, "body.max_chars", "body", f"正文超过{limit}字（当前{chars}字）", chars, limit)
        )
    if profile.limit("text.max_chars") is not None:
        count = weibo_count(body)
        if (limit := _over(profile, "text.max_chars", count)) is not None:
            message = f"微博正文超过{limit}字（当前{count}字），可转为长微博图片发布"
            found.append(_finding(profile, "text.max_chars", "body", message, count, limit))
    return found


def format_mib(size: int) -> str:
    """5 MiB as "5MB"; anything over a limit rounds up, so 5 MiB + 1 byte never reads as "5MB"."""
    value = math.ceil(size / MIB * 100) / 100
    return f"{value:.2f}".rstrip("0").rstrip(".") + "MB"


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def media_findings(ref: MediaRef, field: str, profile: Profile | None) -> list[Finding]:
    name = ref.display_name
    try:
        info = inspect(ref.path)
    except OSError:
        return [Finding("media.unreadable", "5.6", BLOCK, field, f"无法读取文件“{name}”")]
    kind = ref.kind or info.kind or "image"
    label = MEDIA_LABELS[kind]
    found: list[Finding] = []
    if info.problem:
        found.append(
            Finding("media.corrupt", "5.6", BLOCK, field, f"{label}“{name}”{info.problem}", info.format)
        )
    found += _format_findings(ref, info, kind, field, profile)
    if profile is None:
        return found
    if (limit := _over(profile, f"{kind}.max_bytes", info.size)) is not None:
        message = f"{label}“{name}”超过{format_mib(limit)}（当前{format_mib(info.size)}）"
        found.append(_finding(profile, f"{kind}.max_bytes", field, message, info.size, limit))
    if kind == "voice" and info.duration is not None and info.kind == "voice":
        seconds = round(info.duration, 1)
        if (limit := _over(profile, "voice.max_seconds", seconds)) is not None:
            message = f"语音“{name}”超过{limit}秒（当前{_seconds(seconds)}秒）"
            found.append(_finding(profile, "voice.max_seconds", field, message, seconds, limit))
    if info.format == "gif" and kind == "image":
        found += _gif_findings(name, info, field, profile)
    return found


def _format_findings(
    ref: MediaRef, info: MediaInfo, kind: str, field: str, profile: Profile | None
) -> list[Finding]:
    name = ref.display_name
    label = MEDIA_LABELS[kind]
    rule_key = f"{profile.key if profile else 'media'}.{kind}.format"
    rule = profile.formats.get(kind) if profile else None
    clause = rule.clause if rule else "5.6"
    allowed = "、".join(a.upper() for a in rule.allowed) if rule and rule.allowed is not None else None
    if info.format is None:
        if info.size == 0:
            return []  # the empty file is already a finding
        message = f"{label}“{name}”的格式无法识别" + (f"（支持{allowed}）" if allowed else "")
        return [Finding(rule_key, clause, BLOCK, field, message, None, allowed)]
    if info.kind != kind:
        message = f"{label}“{name}”实际为{info.label}，不是{label}"
        return [Finding(rule_key, clause, BLOCK, field, message, info.format, allowed)]
    found = []
    if rule is not None and not rule.permits(info.format):
        platform = profile.label if profile else ""
        message = f"{label}“{name}”为{FORMAT_LABELS[info.format]}，{platform}仅支持{allowed}格式"
        found.append(Finding(rule_key, clause, BLOCK, field, message, info.format, allowed))
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension and extension not in EXTENSIONS.get(info.format, set()):
        message = f"文件“{name}”的扩展名为.{extension}，实际为{info.label}"
        found.append(Finding("media.extension_mismatch", "5.6", WARN, field, message, info.format, None))
    return found


def _gif_findings(name: str, info: MediaInfo, field: str, profile: Profile) -> list[Finding]:
    limit = profile.limit("gif.frame_size")
    if limit is None or limit.value is None:
        return []
    side = limit.value
    shown = f"{side}x{side}"
    over = [(i, w, h) for i, (w, h) in enumerate(info.frames, start=1) if w > side or h > side]
    if over:
        index, w, h = over[0]
        more = f"，共{len(over)}帧超限" if len(over) > 1 else ""
        message = f"GIF“{name}”第{index}帧为{w}×{h}像素，超过{side}×{side}像素{more}"
        return [_finding(profile, "gif.frame_size", field, message, f"{w}x{h}", shown)]
    w, h = info.width or 0, info.height or 0
    if w > side or h > side:
        message = f"GIF“{name}”画面为{w}×{h}像素，超过{side}×{side}像素"
        return [_finding(profile, "gif.frame_size", field, message, f"{w}x{h}", shown)]
    return []
