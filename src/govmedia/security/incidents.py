"""Incident kinds and their playbooks (standard 6.1, 6.3; R6.3-1). Plain data, no Django imports."""

from __future__ import annotations

LEAK = "leak"
INCIDENT_KINDS = [
    (LEAK, "账号信息泄露"),
    ("tampered", "内容被篡改"),
    ("abnormal_signin", "异常登录"),
    ("platform_failure", "平台故障"),
    ("attack", "网络攻击"),
    ("other", "其他"),
]
SEVERITIES = [("general", "一般"), ("major", "较大"), ("severe", "重大")]

_REPORT = ("report", "向安全责任人和主管领导汇报（6.3）")
_REVIEW_CONTENT = ("check_content", "检查发布内容是否被篡改")
_REVIEW_MESSAGES = ("check_messages", "检查留言是否被篡改")
_REVIEW_INTERFACES = ("check_interfaces", "检查程序接口是否被篡改")

PLAYBOOKS: dict[str, list[tuple[str, str]]] = {
    LEAK: [
        ("freeze", "与网络运营商对接，冻结账户（6.3）"),
        ("change_password", "修改平台密码（6.1、6.3）"),
        _REVIEW_CONTENT,
        _REVIEW_MESSAGES,
        _REVIEW_INTERFACES,
        ("coordinate_operator", "协调平台运营商共同处置（6.3）"),
        ("coordinate_developer", "协调程序接口开发商共同处置（6.3）"),
        _REPORT,
    ],
    "tampered": [
        ("preserve", "截图保存被篡改内容"),
        ("restore", "删除或恢复被篡改内容"),
        _REVIEW_CONTENT,
        _REVIEW_MESSAGES,
        _REVIEW_INTERFACES,
        ("change_password", "修改平台密码"),
        ("coordinate_operator", "协调平台运营商共同处置（6.3）"),
        ("coordinate_developer", "协调程序接口开发商共同处置（6.3）"),
        _REPORT,
    ],
    "abnormal_signin": [
        ("verify_signin", "核实登录人员、设备和地点"),
        ("change_password", "修改平台密码"),
        ("check_operators", "清理后台操作人员和授权"),
        _REVIEW_CONTENT,
        _REPORT,
    ],
    "platform_failure": [
        ("contact_operator", "联系平台运营商确认故障情况"),
        ("notice", "必要时通过其他渠道发布告知"),
        ("verify_restore", "故障排除后核实平台恢复正常"),
        _REPORT,
    ],
    "attack": [
        ("contain", "隔离受影响的设备和账号"),
        ("change_password", "修改平台密码"),
        _REVIEW_CONTENT,
        _REVIEW_INTERFACES,
        ("coordinate_operator", "协调平台运营商和网信、公安部门处置"),
        _REPORT,
    ],
    "other": [("handle", "按应急预案处置"), _REPORT],
}

KIND_LABELS = dict(INCIDENT_KINDS)
SEVERITY_LABELS = dict(SEVERITIES)


def playbook(kind: str) -> list[tuple[str, str]]:
    """The checklist of a kind, in order. Raises KeyError for an unknown kind."""
    return list(PLAYBOOKS[kind])
