"""Registering messages (下载登记): by hand, from the API, from a spreadsheet, from the WeChat push."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.permissions import require
from govmedia.registry.models import Account

from .models import Attachment, Inquiry, Kind, Status, Step, StepKind, StepState
from .rules import STEP_ROLES
from .uploads import StoredImage, remove_unreferenced, store_image

MAX_CONTENT = 5000
MAX_ATTACHMENTS = 9
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass
class Cleaned:
    account: Account
    platform_message_id: str
    sender_id: str
    sender_name: str
    content: str
    received_at: datetime
    kind: str
    extra: dict[str, Any] = field(default_factory=dict)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def clean(
    data: dict[str, Any], accounts: Any, now: datetime | None = None
) -> tuple[Cleaned | None, dict[str, list[str]]]:
    """Validate one message; returns (cleaned, {}) or (None, errors by field in Chinese)."""
    errors: dict[str, list[str]] = {}
    now = now or timezone.now()
    account = data.get("account")
    if not isinstance(account, Account):
        try:
            account = accounts.filter(pk=int(str(account))).first() if account not in (None, "") else None
        except (TypeError, ValueError):
            account = None
        if account is None:
            errors["account"] = ["请选择正确的账号"]
    message_id = _text(data, "platform_message_id")
    if len(message_id) > 100:
        errors["platform_message_id"] = ["平台消息ID不能超过100个字符"]
    sender_id, sender_name = _text(data, "sender_id"), _text(data, "sender_name") or _text(data, "sender")
    if len(sender_id) > 100 or len(sender_name) > 100:
        errors["sender_name"] = ["发送者ID和昵称均不能超过100个字符"]
    content = _text(data, "content")
    if not content:
        errors["content"] = ["请填写留言内容"]
    elif len(content) > MAX_CONTENT:
        errors["content"] = [f"留言内容不能超过{MAX_CONTENT}字"]
    received = data.get("received_at")
    if isinstance(received, str):
        try:
            received = datetime.fromisoformat(received.strip())
        except ValueError:
            received = None
    if not isinstance(received, datetime):
        errors["received_at"] = ["请填写正确的收到时间，如 2026-11-27 10:00"]
    else:
        if timezone.is_naive(received):
            received = timezone.make_aware(received)
        if received > now + FUTURE_TOLERANCE:
            errors["received_at"] = ["收到时间不能晚于当前时间"]
    kind = _text(data, "kind") or Kind.OTHER
    if kind not in Kind.values:
        errors["kind"] = ["类别应为咨询、求助、情况反映、投诉、建议、信访、恶意/违法或其他"]
    if errors:
        return None, errors
    assert isinstance(account, Account) and isinstance(received, datetime)
    return Cleaned(account, message_id, sender_id, sender_name, content, received, kind), {}


def duplicate_of(account: Account, message_id: str) -> Inquiry | None:
    if not message_id:
        return None
    return Inquiry.objects.filter(account=account, platform_message_id=message_id).first()


def _duplicate_error(existing: Inquiry) -> ValidationError:
    return ValidationError({"platform_message_id": [f"该平台消息已登记（{existing.number}），不能重复登记"]})


def _create(actor: Any, c: Cleaned, source: str, now: datetime, status: str = Status.REGISTERED) -> Inquiry:
    inquiry = Inquiry.objects.create(
        account=c.account,
        platform=c.account.type,
        platform_message_id=c.platform_message_id,
        sender_id=c.sender_id,
        sender_name=c.sender_name,
        content=c.content,
        received_at=c.received_at,
        kind=c.kind,
        source=source,
        status=status,
        **c.extra,
        registered_by=actor if status == Status.REGISTERED else None,
        registered_at=now if status == Status.REGISTERED else None,
    )
    county = c.account.unit.county_id
    register = Step(
        inquiry=inquiry,
        county_id=county,
        kind=StepKind.REGISTER,
        assignee_role=STEP_ROLES[StepKind.REGISTER],
        received_at=c.received_at,
    )
    if status == Status.REGISTERED:
        register.state, register.decided_by, register.decided_at = StepState.DONE, actor, now
        register.decision = c.kind
        Step.objects.bulk_create(
            [
                register,
                Step(
                    inquiry=inquiry,
                    county_id=county,
                    kind=StepKind.INSTRUCT,
                    received_at=now,
                    assignee_role=STEP_ROLES[StepKind.INSTRUCT],
                ),
            ]
        )
    else:
        register.save()
    return inquiry


def _store_all(files: Iterable[UploadedFile]) -> list[StoredImage]:
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"截图最多{MAX_ATTACHMENTS}张"]})
    stored: list[StoredImage] = []
    try:
        for f in files:
            stored.append(store_image(f.chunks(), f.name or "截图"))
    except ValidationError as exc:
        remove_unreferenced(s.path for s in stored)
        raise ValidationError({"attachments": exc.messages}) from None
    return stored


def attach(actor: Any, inquiry: Inquiry, stored: list[StoredImage]) -> None:
    Attachment.objects.bulk_create(
        [
            Attachment(
                inquiry=inquiry,
                sha256=s.sha256,
                path=s.path,
                size=s.size,
                image_format=s.image_format,
                width=s.width,
                height=s.height,
                original_name=s.original_name,
                uploaded_by=actor,
            )
            for s in stored
        ]
    )


def register(
    actor: Any,
    data: dict[str, Any],
    files: Iterable[UploadedFile] = (),
    source: str = "manual",
    request: Any = None,
) -> Inquiry:
    """Manual or API registration: the message goes straight to the leader for instruction (R7-1)."""
    require(actor, "inquiries.create")
    if isinstance(data.get("account"), Account):  # looked up again among the accounts this person sees
        data = {**data, "account": data["account"].pk}
    cleaned, errors = clean(data, Account.objects.visible_to(actor))
    if errors:
        raise ValidationError(errors)
    assert cleaned is not None
    if existing := duplicate_of(cleaned.account, cleaned.platform_message_id):
        raise _duplicate_error(existing)
    stored = _store_all(files)
    try:
        with transaction.atomic():
            inquiry = _create(actor, cleaned, source, timezone.now())
            attach(actor, inquiry, stored)
            record(
                "inquiries.registered",
                actor=actor,
                obj=inquiry,
                request=request,
                after={
                    "kind": inquiry.kind,
                    "account": inquiry.account_id,
                    "source": source,
                    "platform_message_id": inquiry.platform_message_id,
                    "attachments": [s.sha256 for s in stored],
                },
            )
    except IntegrityError:
        remove_unreferenced(s.path for s in stored)
        existing = duplicate_of(cleaned.account, cleaned.platform_message_id)
        if existing:
            raise _duplicate_error(existing) from None
        raise
    except BaseException:
        remove_unreferenced(s.path for s in stored)
        raise
    return inquiry


def register_many(actor: Any, rows: list[tuple[int, dict[str, Any]]], request: Any = None) -> list[Inquiry]:
    """Spreadsheet import, all or nothing: every row is checked first; errors come back by row number."""
    require(actor, "inquiries.create")
    accounts = Account.objects.visible_to(actor)
    given = {d["account"].pk for _, d in rows if isinstance(d.get("account"), Account)}
    mine = set(accounts.filter(pk__in=given).values_list("pk", flat=True)) if given else set()
    rows = [  # an account of another county is refused like an unknown one
        (line, {**d, "account": ""})
        if isinstance(d.get("account"), Account) and d["account"].pk not in mine
        else (line, d)
        for line, d in rows
    ]
    problems: list[str] = []
    good: list[Cleaned] = []
    seen: dict[tuple[int, str], int] = {}
    now = timezone.now()
    for line, data in rows:
        cleaned, errors = clean(data, accounts, now)
        if errors:
            problems += [f"第{line}行：{m}" for messages in errors.values() for m in messages]
            continue
        assert cleaned is not None
        key = (cleaned.account.pk, cleaned.platform_message_id)
        if cleaned.platform_message_id:
            if key in seen:
                problems.append(f"第{line}行：平台消息ID与第{seen[key]}行重复")
                continue
            seen[key] = line
            if existing := duplicate_of(cleaned.account, cleaned.platform_message_id):
                problems.append(f"第{line}行：该平台消息已登记（{existing.number}）")
                continue
        good.append(cleaned)
    if not rows:
        problems.append("文件中没有留言数据")
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            created = [_create(actor, c, "import", now) for c in good]
            record(
                "inquiries.imported",
                actor=actor,
                obj=None,
                request=request,
                after={"count": len(created), "ids": [i.pk for i in created][:500]},
            )
    except IntegrityError:
        raise ValidationError(["导入期间有留言被重复登记，请重新导入"]) from None
    return created


def receive_push(account: Account, fields: dict[str, Any]) -> tuple[Inquiry, bool]:
    """A message pushed by WeChat: recorded at once (待登记), handled later. Deduplicated by MsgId."""
    message_id = str(fields.get("platform_message_id") or "")
    if existing := duplicate_of(account, message_id):
        return existing, False
    c = Cleaned(
        account,
        message_id,
        str(fields.get("sender_id") or "")[:100],
        "",
        str(fields.get("content") or "")[:MAX_CONTENT] or "（空消息）",
        fields["received_at"],
        Kind.OTHER,
        extra={"msg_type": fields.get("msg_type", "text"), "media_ref": fields.get("media_ref") or {}},
    )
    try:
        with transaction.atomic():
            inquiry = _create(None, c, "wechat", timezone.now(), status=Status.RECEIVED)
            record(
                "inquiries.received",
                actor=None,
                obj=inquiry,
                after={
                    "account": account.pk,
                    "platform_message_id": message_id,
                    "msg_type": inquiry.msg_type,
                },
            )
    except IntegrityError:
        existing = duplicate_of(account, message_id)
        if existing is None:
            raise
        return existing, False
    return inquiry, True


def add_attachments(actor: Any, inquiry: Inquiry, files: Iterable[UploadedFile], request: Any = None) -> int:
    """Screenshots added after registration (by the centre of the message's county)."""
    require(actor, "inquiries.create", inquiry)
    stored = _store_all(files)
    if not stored:
        raise ValidationError({"attachments": ["请选择截图"]})
    try:
        with transaction.atomic():
            locked = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
            if locked.attachments.count() + len(stored) > MAX_ATTACHMENTS:
                raise ValidationError({"attachments": [f"截图最多{MAX_ATTACHMENTS}张"]})
            attach(actor, locked, stored)
            record(
                "inquiries.attachments_added",
                actor=actor,
                obj=locked,
                request=request,
                after={"attachments": [s.sha256 for s in stored]},
            )
    except BaseException:
        remove_unreferenced(s.path for s in stored)
        raise
    return len(stored)
