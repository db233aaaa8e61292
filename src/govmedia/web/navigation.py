"""The navigation by chapter. Apps add their pages here as they arrive."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: everyone signed in


@dataclass
class Section:
    label: str
    links: list[Link] = field(default_factory=list)


SECTIONS: list[Section] = [
    Section("我的待办", [Link("我的待办", "home")]),
    Section("账号台账", []),
    Section("信息发布", []),
    Section("留言处置", []),
    Section("安全管理", [Link("登录记录", "security:signins", frozenset({"secadmin", "sysadmin"}))]),
    Section("统计报表", []),
    Section(
        "系统管理",
        [
            Link("单位", "org:units", frozenset({"sysadmin"})),
            Link("人员与角色", "org:people", frozenset({"sysadmin"})),
            Link("工作日安排", "calendar:schedules", frozenset({"sysadmin"})),
            Link("责任日志", "audit:entries", frozenset({"auditor"})),
        ],
    ),
]


def sections_for(user: Any, path: str) -> list[dict[str, Any]]:
    roles = user.role_codes()
    shown = []
    for section in SECTIONS:
        links = []
        for link in section.links:
            if link.roles and not (roles & link.roles):
                continue
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:
                continue
            active = path == url if url == "/" else path.startswith(url)
            links.append({"label": link.label, "url": url, "active": active})
        if links:
            shown.append({"label": section.label, "links": links})
    return shown
