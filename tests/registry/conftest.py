"""Helpers for the register's tests: complete form A.1 data and accounts made through the services."""

from datetime import date
from typing import Any

import pytest

from govmedia.org.models import Unit, User
from govmedia.registry import services
from govmedia.registry.models import Account


def a1_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "wechat",
        "wechat_kind": "subscription",
        "type_other": "",
        "name": "姚安教育体育局资讯",
        "link": "yaoanjiaoyu_news",
        "planned_open_on": date(2025, 10, 9),
        "opened_on": None,
        "leader_name": "陈刚",
        "leader_title": "副局长",
        "leader_mobile": "13908781005",
        "leader_office_phone": "0878-5712101",
        "leader_email": "chengang@yaoan.gov.cn",
        "admin_name": "赵丽",
        "admin_title": "新媒体管理员",
        "admin_mobile": "13908781004",
        "admin_office_phone": "0878-5712102",
        "admin_email": "zhaoli@yaoan.gov.cn",
        "developer": "无",
        "purpose_plan": "发布教育政策与招生信息",
        "introduction": "设教育动态、招生考试、办事指南栏目",
    }
    data.update(overrides)
    return data


@pytest.fixture
def unit_of() -> Any:
    return lambda name: Unit.objects.get(name=name)


@pytest.fixture
def make_account(cast: dict[str, User]) -> Any:
    """make_account(actor="edu_admin", unit="县教育体育局", **a1 overrides) -> Account."""

    def make(actor: str = "edu_admin", unit: str = "县教育体育局", **overrides: Any) -> Account:
        return services.create_account(cast[actor], Unit.objects.get(name=unit), a1_data(**overrides))

    return make
