"""The navigation by chapter. Apps add their pages here as they arrive."""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, reverse

from govmedia.org.models import confined_to_audit_log

from .middleware import auditor_may_open


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
    Section("我的待办", [Link("我的待办", "home"), Link("通知", "notifications:inbox")]),
    Section(
        "账号台账",
        [
            Link("账号台账", "registry:ledger"),
            Link("备案审核", "registry:filings"),
            Link("授权复核", "registry:grants", frozenset({"center_staff", "unit_admin"})),
            Link("名称禁用词", "registry:words", frozenset({"sysadmin", "center_staff"})),
        ],
    ),
    Section(
        "信息发布",
        [
            Link("稿件与审核", "publishing:list"),
            Link("素材库", "publishing:materials"),
            Link("信息存档", "publishing:archive"),
            Link("联动任务", "publishing:tasks"),
            Link(
                "平台发布任务",
                "deliveries:list",
                frozenset({"sysadmin", "secadmin", "center_staff", "duty_officer", "auditor"}),
            ),
            Link("内容检查", "compliance:check"),
        ],
    ),
    Section(
        "留言处置",
        [
            Link("留言办理", "inquiries:list"),
            Link("登记留言", "inquiries:new", frozenset({"center_staff"})),
            Link("信访登记", "inquiries:petitions"),
            Link("留言统计", "inquiries:stats"),
        ],
    ),
    Section(
        "安全管理",
        [
            Link("账号安全", "security:accounts"),
            Link("值班巡查", "security:patrols"),
            Link("值班表", "security:roster"),
            Link("安全事件", "security:incidents"),
            Link("密码更换", "security:rotation"),
            Link("恶意评论", "security:comments"),
            Link("应急预案", "security:plans"),
            Link("应急演练", "security:drills"),
            Link("培训记录", "security:trainings"),
            Link("登录记录", "security:signins", frozenset({"secadmin", "sysadmin"})),
            Link("安全管理设置", "security:settings", frozenset({"secadmin"})),
            Link("两步验证", "security:two_factor", frozenset({"secadmin"})),
        ],
    ),
    Section(
        "统计报表",
        [
            Link("统计报表", "reports:index"),
            Link("检查指标", "reports:inspection"),
            Link("工作概览", "reports:overview"),
        ],
    ),
    Section(
        "系统管理",
        [
            Link("单位", "org:units", frozenset({"sysadmin"})),
            Link("人员与角色", "org:people", frozenset({"sysadmin"})),
            Link("工作日安排", "calendar:schedules", frozenset({"sysadmin"})),
            Link("敏感词库", "compliance:lexicon", frozenset({"secadmin"})),
            Link("平台规则", "compliance:profiles", frozenset({"sysadmin"})),
            Link("责任日志", "audit:entries", frozenset({"auditor"})),
            Link("群机器人", "notifications:webhooks", frozenset({"sysadmin", "center_staff", "unit_admin"})),
            Link(
                "通知发送记录",
                "notifications:deliveries",
                frozenset({"sysadmin", "center_staff", "unit_admin", "secadmin"}),
            ),
        ],
    ),
]


def sections_for(user: Any, path: str) -> list[dict[str, Any]]:
    shown = []
    for label, links in _allowed(
        frozenset(user.role_codes()), confined_to_audit_log(user), get_script_prefix()
    ):
        marked = [
            {"label": text, "url": url, "active": path == url if url == "/" else path.startswith(url)}
            for text, url in links
        ]
        shown.append({"label": label, "links": marked})
    return shown


@cache
def _allowed(roles: frozenset[str], confined: bool, prefix: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections and (label, url) links a person with these roles sees: reversed once per process and
    role set rather than some 35 times on every page. The script prefix is in the key as it is in each url."""
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
            if confined and not auditor_may_open(url):
                continue
            links.append((link.label, url))
        if links:
            shown.append((section.label, links))
    return shown
