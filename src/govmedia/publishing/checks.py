"""A post through the compliance engine, once per target platform (5.2, 5.6, B-4)."""

from dataclasses import replace
from typing import Any

from govmedia.compliance.core import Finding, MediaRef, parse_post
from govmedia.compliance.core import Post as CheckedPost
from govmedia.compliance.services import check_post, portal_domains
from govmedia.web.uploads import path_for

from .models import Post


def platform_of(account: Any) -> str:
    """Every account type has a platform profile of the same key (R5.6-5)."""
    return str(account.type)


def as_checked(post: Post) -> CheckedPost:
    """The post as the compliance engine reads it, its media pointing at the stored bytes."""
    parsed = parse_post({**post.content(), "media": []}, allow_media=False)
    media = tuple(
        MediaRef(path=str(path_for(m["sha256"])), kind=m["kind"], name=m["name"]) for m in post.media or []
    )
    return replace(parsed, media=media)


def check(post: Post, accounts: list[Any]) -> list[Finding]:
    """Every finding for every target platform, each once even when several platforms report it."""
    checked = as_checked(post)
    portal = portal_domains(post.unit.county_id if post.unit_id else None)  # the editor checks unsaved drafts
    seen: dict[tuple[Any, ...], Finding] = {}
    for platform in sorted({platform_of(a) for a in accounts}) or ["app"]:
        for finding in check_post(checked, platform, portal):
            seen.setdefault((finding.rule, finding.field, finding.span), finding)
    return list(seen.values())


def findings_for(post: Post, accounts: list[Any]) -> list[dict[str, Any]]:
    """Findings in the `govmedia check` format."""
    return [f.to_dict() for f in check(post, accounts)]


def blocking(findings: list[dict[str, Any]]) -> bool:
    return any(f["severity"] == "block" for f in findings)
