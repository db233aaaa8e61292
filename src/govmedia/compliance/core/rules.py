"""Post-level rules: category (R5.3-1), repost attribution (R5.4-6), the five elements of an emergency
post (R5.1-3) and the county portal URL (R5.4-1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from .findings import BLOCK, Finding
from .post import EMERGENCY_FIELDS, REPOST_FIELDS, Post

CATEGORIES = {
    "a": "县人民政府应公开的新通知、公告",
    "b": "县人民政府举办的重大活动信息",
    "c": "县人民政府重大决策类文件",
    "d": "县人民政府批准发布的其他信息",
    "e": "应公开的灾情、疫情、险情类信息",
    "f": "突发事件、重大事件处置及进展情况信息",
    "g": "具有典型性的诉求处置和服务案例信息",
    "h": "对不实报道、不良言论的回应和澄清信息",
    "i": "公众普遍关注的民生服务信息",
    "j": "需要公众广泛知晓或参与的告知类、意见征求类信息",
}
REPOST_LABELS = {
    "source": "信息来源",
    "author": "原作者",
    "original_title": "原标题",
    "reposted_at": "转载时间",
}
EMERGENCY_LABELS = {
    "event": "事件",
    "location": "地点",
    "event_type": "事件类型",
    "situation": "事态简况",
    "measures": "目前采取的措施",
}


def category_findings(post: Post) -> list[Finding]:
    if not post.category:
        return [
            Finding("post.category.required", "5.3", BLOCK, "category", "未选择信息分类（应为a）至j）之一）")
        ]
    if post.category not in CATEGORIES:
        return [
            Finding(
                "post.category.required",
                "5.3",
                BLOCK,
                "category",
                f"信息分类“{post.category}”无效（应为a）至j）之一）",
                value=post.category,
            )
        ]
    return []


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def repost_findings(post: Post) -> list[Finding]:
    if post.kind != "repost":
        return []
    given = post.repost or {}
    found = []
    for name in REPOST_FIELDS:
        value = (given.get(name) or "").strip()
        if not value:
            found.append(
                Finding(
                    "post.repost.attribution",
                    "5.4",
                    BLOCK,
                    f"repost.{name}",
                    f"转载信息未标注{REPOST_LABELS[name]}",
                )
            )
        elif name == "reposted_at" and _parse_time(value) is None:
            found.append(
                Finding(
                    "post.repost.attribution",
                    "5.4",
                    BLOCK,
                    "repost.reposted_at",
                    f"转载时间“{value[:40]}”无法识别（应为如 2026-11-27T10:00:00+08:00 的时间）",
                    value=value[:40],
                )
            )
    return found


def emergency_findings(post: Post) -> list[Finding]:
    if post.emergency is None:
        return []
    return [
        Finding(
            "post.emergency.five_elements",
            "5.1",
            BLOCK,
            f"emergency.{name}",
            f"突发事件信息缺少“五要素”中的{EMERGENCY_LABELS[name]}",
        )
        for name in EMERGENCY_FIELDS
        if not (post.emergency.get(name) or "").strip()
    ]


def on_portal(url: str, domains: Iterable[str]) -> bool:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    for domain in domains:
        domain = domain.strip().lower().rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def portal_findings(post: Post, domains: Iterable[str]) -> list[Finding]:
    if post.kind != "portal":
        return []
    domains = [d for d in domains if d.strip()]
    url = (post.portal_url or "").strip()
    shown = "、".join(domains) or "（未配置）"
    if not url:
        return [Finding("post.portal.url", "5.4", BLOCK, "portal_url", "门户网站已发布的信息未填写原文网址")]
    if not on_portal(url, domains):
        return [
            Finding(
                "post.portal.url",
                "5.4",
                BLOCK,
                "portal_url",
                f"网址不属于县人民政府门户网站（应为{shown}）",
                value=url[:200],
                limit=shown,
            )
        ]
    return []


def post_findings(post: Post, portal_domains: Iterable[str] = ()) -> list[Finding]:
    return [
        *category_findings(post),
        *repost_findings(post),
        *emergency_findings(post),
        *portal_findings(post, portal_domains),
    ]
