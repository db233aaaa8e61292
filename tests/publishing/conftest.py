from typing import Any

import pytest

from govmedia.org.models import Unit
from govmedia.registry.models import Account


def _account(unit_name: str, type_: str, name: str, wechat_kind: str = "") -> Account:
    return Account.objects.create(
        unit=Unit.objects.get(name=unit_name),
        type=type_,
        wechat_kind=wechat_kind,
        name=name,
        link=f"https://example.cn/{name}",
        status="operating",
    )


@pytest.fixture
def accounts(db: Any) -> dict[str, Account]:
    return {
        "county_weibo": _account("姚安县人民政府", "weibo", "测试姚安发布"),
        "edu_wechat": _account("县教育体育局", "wechat", "测试姚安教育", "subscription"),
        "town_wechat": _account("栋川镇", "wechat", "测试姚安栋川", "subscription"),
    }


GOOD = {
    "title": "关于2026年秋季学期开学安排的通知",
    "body": "各位家长：秋季学期将于9月1日开学，请做好准备。",
    "category": "i",
    "kind": "original",
}
