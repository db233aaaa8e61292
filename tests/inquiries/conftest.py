from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govmedia.inquiries import intake
from govmedia.inquiries.models import Inquiry, PetitionChannel
from govmedia.org.models import ApiToken, Unit, User
from govmedia.registry.models import Account

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
APP_ID = "wx5823bf96d3bd56c7"


def make_account(unit_name: str, type_: str, name: str, **extra: Any) -> Account:
    kind = "subscription" if type_ == "wechat" else ""
    return Account.objects.create(
        unit=Unit.objects.get(name=unit_name),
        type=type_,
        wechat_kind=kind,
        name=name,
        link=f"https://example.cn/{name}",
        status="operating",
        **extra,
    )


@pytest.fixture
def account(db: Any) -> Account:
    return make_account("姚安县人民政府", "weibo", "测试姚安发布")


@pytest.fixture
def wechat(db: Any) -> Account:
    return make_account(
        "姚安县人民政府",
        "wechat",
        "测试姚安微信",
        wechat_token="QDG6eK",
        wechat_aes_key=AES_KEY,
        wechat_app_id=APP_ID,
    )


@pytest.fixture
def channel(db: Any) -> PetitionChannel:
    """姚安县's petition channel (the demo county's), replacing the demo's."""
    PetitionChannel.objects.all().delete()
    return PetitionChannel.objects.create(
        county=Unit.objects.get(name="姚安县人民政府").county,
        address="姚安县信访局",
        phone="0878-5712110",
        website="https://xf.example.cn",
        template="{sender}您好：请通过{address}、{phone}、{website}反映。",
    )


@pytest.fixture
def unit(db: Any) -> Callable[[str], Unit]:
    return lambda name: Unit.objects.get(name=name)


_counter = {"n": 0}


@pytest.fixture
def new_inquiry(cast: dict[str, User], account: Account) -> Callable[..., Inquiry]:
    def make(**data: Any) -> Inquiry:
        _counter["n"] += 1
        values = {
            "account": account.pk,
            "platform_message_id": f"t-{_counter['n']}",
            "sender_name": "网友甲",
            "content": "请问秋季学期什么时候开学？",
            "received_at": timezone.now(),
            "kind": "consultation",
            **data,
        }
        return intake.register(cast["center"], values)

    return make


@pytest.fixture
def api(db: Any) -> Callable[[str], Client]:
    def make(username: str) -> Client:
        _, key = ApiToken.issue(User.objects.get(username=username))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return make


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)
