"""Demo messages on 姚安县人民政府's accounts, one or more in every state; safe to run again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from govmedia.calendar.models import Deadline
from govmedia.calendar.services import deadline_fields
from govmedia.org.models import Unit, User
from govmedia.registry.models import Account

from . import intake, services
from .models import Inquiry, PetitionChannel, Step, StepKind
from .supervision import supervise

CHANNEL = {
    "address": "姚安县栋川镇人民路1号 姚安县信访局来访接待室",
    "phone": "0878-5712110",
    "website": "https://www.yaoan.gov.cn/xfxx",
    "template": "{sender}您好：您反映的问题属于信访事项，请通过以下渠道依法反映：来信来访地址：{address}；"
    "信访电话：{phone}；网上信访：{website}。感谢您的理解与支持。",
}

Story = Callable[[Inquiry], Any]


def _stories(u: dict[str, User], edu: Unit, town: Unit) -> list[tuple[str, str, str, str, Story | None]]:
    """(id, account type, kind, content, what happens after registration)."""
    c, o = u["center"], u["office_leader"]
    to_edu = [edu.pk]

    def transfer_to(units: list[int]) -> Story:
        return lambda i: services.transfer(
            c, services.instruct(o, i, "transfer", "请县教育体育局办理。", units)
        )

    def drafted(i: Inquiry) -> Any:
        return services.draft_reply(
            u["edu_admin"], transfer_to(to_edu)(i), "经核实，秋季学期开学时间为9月1日。"
        )

    def signed(i: Inquiry) -> Any:
        return services.sign_off(u["edu_leader"], drafted(i), "同意")

    def compiled(i: Inquiry) -> Any:
        return services.compile_reply(c, signed(i), "您好！经县教育体育局核实，秋季学期开学时间为9月1日。")

    def reviewed(i: Inquiry) -> Any:
        return services.review(o, compiled(i), "同意回复")

    def overdue(i: Inquiry) -> Any:
        i = transfer_to([town.pk])(i)
        # Demo only: handled within the hour it came, days ago, so the township's clock has run out and the
        # message is supervised.
        assert i.registered_at is not None
        back = i.registered_at - (i.received_at + timedelta(hours=1))
        Inquiry.objects.filter(pk=i.pk).update(registered_at=F("registered_at") - back)
        steps = Step.objects.filter(inquiry=i)
        steps.filter(received_at__gt=i.received_at).update(received_at=F("received_at") - back)
        steps.update(decided_at=F("decided_at") - back)
        step = Step.objects.get(inquiry=i, kind=StepKind.DRAFT_REPLY)
        assert step.received_at is not None and step.deadline_id is not None
        Deadline.objects.filter(pk=step.deadline_id).update(
            **deadline_fields(
                "after_workdays", step.received_at, services.UNIT_REPLY_WORKDAYS, services.CLAUSE
            )
        )
        return i

    return [
        ("demo-received", "wechat", "other", "县城东门的路灯坏了好几天了，晚上很黑，请尽快修一下。", "push"),  # type: ignore[list-item]
        ("demo-registered", "weibo", "consultation", "请问今年城乡居民医保缴费截止到什么时候？", None),
        (
            "demo-to-transfer",
            "weibo",
            "request",
            "孩子转学需要准备哪些材料？",
            lambda i: services.instruct(o, i, "transfer", "转县教育体育局办理。", to_edu),
        ),
        ("demo-transferred", "wechat", "consultation", "请问秋季学期什么时候开学？", transfer_to(to_edu)),
        ("demo-overdue", "weibo", "complaint", "栋川镇某小区门口垃圾长期无人清运，气味很大。", overdue),
        ("demo-signing", "wechat", "consultation", "今年中考体育考试项目有哪些？", drafted),
        (
            "demo-compiling-direct",
            "weibo",
            "suggestion",
            "建议在县城增设几个公共停车场。",
            lambda i: services.instruct(o, i, "direct", "由县电子政务中心直接答复。"),
        ),
        ("demo-compiling", "wechat", "consultation", "学校课后服务怎么收费？", signed),
        ("demo-reviewing", "weibo", "consultation", "县城小学划片范围在哪里查？", compiled),
        ("demo-to-reply", "wechat", "consultation", "今年教师招聘什么时候报名？", reviewed),
        (
            "demo-closed",
            "weibo",
            "consultation",
            "请问秋季学期的开学时间？",
            lambda i: services.reply(c, reviewed(i)),
        ),
        (
            "demo-to-petition",
            "weibo",
            "petition",
            "我家的土地征收补偿一直没有落实，要求处理。",
            lambda i: services.instruct(o, i, "petition", "属信访事项，告知信访渠道。"),
        ),
        (
            "demo-petition",
            "wechat",
            "petition",
            "多次反映宅基地纠纷无人处理，要求上访。",
            lambda i: services.petition(c, i),
        ),
        (
            "demo-abusive",
            "weibo",
            "abusive",
            "（含辱骂和不实信息的留言，已截图留存）",
            lambda i: services.dispose(
                c,
                services.instruct(o, i, "no_action", "恶意留言，不予回复，按规定处置。"),
                "已截图留存并屏蔽，报县委网信办备案。",
            ),
        ),
    ]


def build(ctx: dict[str, Any]) -> None:
    users = {
        x.username: x
        for x in User.objects.filter(
            username__in=["center", "office_leader", "edu_admin", "edu_leader", "town_admin", "town_leader"]
        )
    }
    county = Unit.objects.filter(name="姚安县人民政府").first()
    edu, town = Unit.objects.filter(name="县教育体育局").first(), Unit.objects.filter(name="栋川镇").first()
    if len(users) < 6 or county is None or edu is None or town is None:
        return
    PetitionChannel.objects.get_or_create(county_id=county.county_id, defaults=CHANNEL)  # 姚安县's
    accounts = {
        a.type: a for a in Account.objects.filter(unit=county, type__in=["weibo", "wechat"]).order_by("id")
    }
    now = timezone.now()
    for n, (message_id, kind_of_account, kind, content, story) in enumerate(_stories(users, edu, town)):
        account = accounts.get(kind_of_account)
        if (
            account is None
            or Inquiry.objects.filter(account=account, platform_message_id=message_id).exists()
        ):
            continue
        received = now - timedelta(days=14 - n // 2, hours=n)
        if story == "push":
            intake.receive_push(
                account,
                {
                    "platform_message_id": message_id,
                    "sender_id": "oDemoUser0001",
                    "content": content,
                    "received_at": received,
                    "msg_type": "text",
                },
            )
            continue
        data = {
            "account": account,
            "platform_message_id": message_id,
            "sender_id": f"u{100000 + n}",
            "sender_name": f"网友{n + 1:02d}",
            "content": content,
            "received_at": received,
            "kind": kind,
        }
        inquiry = intake.register(users["center"], data)
        if story is not None:
            story(inquiry)
    supervise()
