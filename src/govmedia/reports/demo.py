"""Demo rows that make every inspection line crossed by some account (B-5); safe to run again.

The other apps' demo data already leave accounts without updates (2 weeks, and over a year: 僵尸号
candidates), without any interaction and with filings missing or late. This adds, on 姚安文旅: a message
unanswered for more than 3 months (no handling steps, so it lands in nobody's 我的待办) and an expired
verification (which the centre's 我的待办 rightly shows as 认证延期)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from govmedia.inquiries.models import Inquiry, Kind, Status
from govmedia.registry.models import Account

MARKER = "demo-inspection-unanswered"


def build(ctx: dict[str, Any]) -> None:
    account = Account.objects.filter(name="姚安文旅").first()
    if account is None:
        return
    today = timezone.localdate()
    if not Inquiry.objects.filter(account=account, platform_message_id=MARKER).exists():  # first build only
        Account.objects.filter(pk=account.pk).update(
            verified=True,
            verified_by=account.verified_by or "抖音",
            verified_on=today - timedelta(days=400),
            verification_expires_on=today - timedelta(days=35),
        )
        Inquiry.objects.create(
            account=account,
            platform="other",
            platform_message_id=MARKER,
            sender_name="游客小王",
            content="请问光禄古镇景区的门票优惠政策是什么？",
            received_at=timezone.now() - timedelta(days=100),
            kind=Kind.CONSULTATION,
            status=Status.RECEIVED,
        )
