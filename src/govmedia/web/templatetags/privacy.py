"""Personal data of message senders (phone numbers, ID numbers, platform sender ids) masked in lists for
roles that do not need them. Who needs them is the permission rule `inquiries.see_personal_data`."""

import re
from typing import Any

from django import template

from govmedia.org.permissions import can

register = template.Library()

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Mainland mobile numbers as 138****5678, resident ID numbers as 530***********123X."""
    text = ID_CARD.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def mask_id(value: str) -> str:
    """A platform sender id (openid, uid): the first and last two characters only."""
    value = str(value or "")
    if not value:
        return ""
    return "****" if len(value) <= 6 else f"{value[:2]}****{value[-2:]}"


def may_see(user: Any) -> bool:
    return can(user, "inquiries.see_personal_data")


@register.filter
def personal(text: Any, user: Any) -> str:
    """`{{ inquiry.content|personal:user }}`: the text, with phone and ID numbers masked unless `user`
    needs them."""
    text = "" if text is None else str(text)
    return text if may_see(user) else mask_text(text)


@register.filter
def sender_id(value: Any, user: Any) -> str:
    """`{{ inquiry.sender_id|sender_id:user }}`: the sender id, masked unless `user` needs it."""
    value = "" if value is None else str(value)
    return value if may_see(user) else mask_id(value)
