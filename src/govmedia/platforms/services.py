"""Platform work: queueing publications and replies, claiming due rows, running one delivery with the
re-checks of invariant 3, and the tamper check (R3.2.4, R6.3-1, B-6).

A delivery runs in three short transactions with the platform calls between them, never inside one:
claim (lock, mark running with a lease, log the attempt), re-check (approvals of the queued hash, account
status, permission, quota), then record the result. A worker that dies holding a row loses it when the
lease ends; the next claimant resumes from the stored intermediate state and the same idempotency key."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

import govmedia.inquiries.rules
import govmedia.publishing.services  # noqa: F401 (registers the publishing.* permission rules)
from govmedia.audit.services import record
from govmedia.org.permissions import can, require
from govmedia.publishing.models import Archive, Post, PostVersion
from govmedia.registry.models import Account
from govmedia.web.errors import InvalidState

from . import crypto
from .adapters.base import Adapter, Credentials, MediaFile, PlatformError, PostPayload, Published
from .adapters.wechat import WechatAdapter
from .adapters.weibo import WeiboAdapter
from .models import AccessToken, Delivery, DeliveryAttempt, PlatformCredential, RemoteMaterial

log = logging.getLogger(__name__)

SUPPORTED = {"wechat": "微信公众号", "weibo": "微博"}
LATE_AFTER = timedelta(hours=1)  # R5.4-5
Outcome = DeliveryAttempt.Outcome
Status = Delivery.Status


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lease() -> timedelta:
    return timedelta(seconds=_setting("PLATFORM_LEASE_SECONDS", 300))


def backoff(failures: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at one hour."""
    base = _setting("PLATFORM_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(0, failures - 1), 3600))


# ---- credentials and adapters -------------------------------------------------------------------------


class DbTokenCache:
    """Access tokens shared by every worker, encrypted like the secrets they come from."""

    def get(self, key: str) -> str | None:
        row = AccessToken.objects.filter(key=key, expires_at__gt=timezone.now()).first()
        if row is None:
            return None
        try:
            return crypto.decrypt(row.token_encrypted)
        except crypto.SecretUnreadable:
            return None

    def put(self, key: str, token: str, expires_in: int) -> None:
        AccessToken.objects.update_or_create(
            key=key,
            defaults={
                "token_encrypted": crypto.encrypt(token),
                "expires_at": timezone.now() + timedelta(seconds=expires_in),
            },
        )

    def drop(self, key: str) -> None:
        AccessToken.objects.filter(key=key).delete()


def _env_name(*parts: str) -> str:
    return "_".join(p.upper().replace("-", "_") for p in parts)


def credentials_for(account: Account) -> Credentials | None:
    """Stored (encrypted) credentials first, then the environment, then — only with the simulator on —
    the simulator's demo credentials. None when the account has none."""
    stored = PlatformCredential.objects.filter(account=account).first()
    if stored is not None:
        return Credentials(
            stored.app_id or account.wechat_app_id,
            crypto.decrypt(stored.secret_encrypted),
            stored.wechat_mode,
        )
    if account.type == "wechat" and account.wechat_app_id:
        secret = os.environ.get(_env_name("GOVMEDIA_WECHAT_SECRET", account.wechat_app_id), "")
        if secret:
            mode = os.environ.get(_env_name("GOVMEDIA_WECHAT_MODE", account.wechat_app_id), "publish")
            return Credentials(account.wechat_app_id, secret, mode)
    if account.type == "weibo":
        token = os.environ.get(_env_name("GOVMEDIA_WEIBO_TOKEN", str(account.pk)), "")
        if token:
            return Credentials(str(account.pk), token)
    if getattr(settings, "SIMULATOR_ENABLED", False) and getattr(
        settings, "PLATFORM_DEMO_CREDENTIALS", False
    ):
        if account.type == "wechat":
            return Credentials(
                account.wechat_app_id or f"wxsim{account.pk:08d}", settings.SIMULATOR_APP_SECRET
            )
        if account.type == "weibo":
            return Credentials(str(account.pk), f"sim-weibo-{account.pk}")
    return None


def _long_image(title: str, body: str) -> bytes:
    from govmedia.compliance.services import long_weibo_png

    return long_weibo_png(title, body)


def adapter_for(account: Account) -> Adapter:
    if account.type not in SUPPORTED:
        raise PlatformError(
            "no_adapter", f"{account.get_type_display()}没有平台接口，请人工发布后登记", False
        )
    creds = credentials_for(account)
    if creds is None:
        raise PlatformError("no_credentials", "该账号未配置平台接口凭据，请录入凭据或人工发布后登记", False)
    if account.type == "wechat":
        return WechatAdapter(settings.WECHAT_API_BASE, creds, DbTokenCache())
    return WeiboAdapter(settings.WEIBO_API_BASE, creds, _long_image)


def has_adapter(account: Account) -> bool:
    return account.type in SUPPORTED and credentials_for(account) is not None


def save_credential(
    actor: Any, account: Account, app_id: str, secret: str, wechat_mode: str = "publish", request: Any = None
) -> PlatformCredential:
    """Enter an account's API credentials; the secret is encrypted and never shown again."""
    require(actor, "platforms.manage_credentials", account)
    secret = (secret or "").strip()
    errors: dict[str, list[str]] = {}
    if account.type not in SUPPORTED:
        errors["account"] = ["只有微信公众号和微博账号可以配置接口凭据"]
    if not secret:
        errors["secret"] = ["请填写 AppSecret 或访问令牌"]
    if account.type == "wechat" and not (app_id or account.wechat_app_id):
        errors["app_id"] = ["请填写微信公众号的 AppID"]
    if wechat_mode not in {"publish", "mass"}:
        errors["wechat_mode"] = ["发布方式应为发布或群发"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cred, _ = PlatformCredential.objects.update_or_create(
            account=account,
            defaults={
                "app_id": (app_id or account.wechat_app_id).strip(),
                "secret_encrypted": crypto.encrypt(secret),
                "wechat_mode": wechat_mode,
                "updated_by": actor,
            },
        )
        AccessToken.objects.filter(key__endswith=f":{cred.app_id}").delete()
        record(
            "platforms.credential_saved",
            actor=actor,
            obj=account,
            request=request,
            after={"app_id": cred.app_id, "wechat_mode": wechat_mode},  # never the secret
        )
    return cred


# ---- queueing ------------------------------------------------------------------------------------------


def publication_key(post: Post, account: Account) -> str:
    """The idempotency key: one post version on one account is published once, however often it is tried."""
    return f"post-{post.pk}-{post.content_hash[:24]}-account-{account.pk}"


def schedule_problems(post: Post) -> list[str]:
    """Why the system cannot publish this post by itself (then it is published by hand and registered)."""
    problems = []
    for account in post.accounts.all():
        if account.type not in SUPPORTED:
            problems.append(f"“{account.name}”（{account.get_type_display()}）没有平台接口")
        elif credentials_for(account) is None:
            problems.append(f"“{account.name}”未配置平台接口凭据")
    return problems


def schedule_publication(
    actor: Any, post: Post, at: datetime | None = None, request: Any = None
) -> list[Delivery]:
    """由系统发布 / 定时发布: queue the approved version on every account of the post (R5.4-5, B-6).

    A time more than one hour after approval is allowed but flagged late, on the rows and in the audit."""
    now = timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        require(actor, "publishing.publish", post)
        from govmedia.publishing.services import approvals_missing

        missing = approvals_missing(post)
        if post.status != Post.Status.APPROVED or missing or post.round == 0:
            raise InvalidState(
                "未经审核同意的信息不得发布"
                + (f"：{'、'.join(missing)}尚未同意当前内容。" if missing else "。")
            )
        if at is not None and at < now - timedelta(minutes=5):
            raise ValidationError({"at": ["定时发布时间不能早于现在"]})
        at = max(at or now, now)
        if problems := schedule_problems(post):
            raise InvalidState("；".join(problems) + "。请人工发布后登记发布链接。")
        if Delivery.objects.filter(
            post=post, kind=Delivery.Kind.PUBLISH, status__in=Delivery.ACTIVE
        ).exists():
            raise InvalidState("该信息已安排由系统发布，请勿重复安排。")
        late = bool(post.approved_at and at > post.approved_at + LATE_AFTER)
        rows = []
        for account in post.accounts.order_by("pk"):
            key = publication_key(post, account)
            fields = {
                "kind": Delivery.Kind.PUBLISH,
                "account": account,
                "post": post,
                "content_hash": post.content_hash,
                "requested_by": actor,
                "status": Status.QUEUED,
                "scheduled_at": at,
                "next_attempt_at": at,
                "late": late,
                "last_error": "",
                "last_error_code": "",
                "finished_at": None,
            }
            existing = Delivery.objects.select_for_update().filter(idempotency_key=key).first()
            if existing and existing.status == Status.DONE:
                rows.append(existing)  # already on the platform: never again
                continue
            if existing:  # stopped, failed or cancelled earlier: the same key, so no double publication
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.save()
                rows.append(existing)
            else:
                rows.append(Delivery.objects.create(idempotency_key=key, **fields))
        record(
            "platforms.publication_scheduled",
            actor=actor,
            obj=post,
            request=request,
            after={
                "hash": post.content_hash,
                "at": at.isoformat(),
                "late": late,
                "accounts": [d.account_id for d in rows],
            },
        )
    return rows


def cancel_publication(actor: Any, post: Post, request: Any = None) -> int:
    """撤销: queued rows only; a row already running finishes (its platform call may be under way)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        require(actor, "publishing.publish", post)
        n = Delivery.objects.filter(post=post, kind=Delivery.Kind.PUBLISH, status=Status.QUEUED).update(
            status=Status.CANCELLED, finished_at=timezone.now(), last_error="已由发起人撤销"
        )
        if not n:
            raise InvalidState("没有可撤销的系统发布任务（正在执行的任务不能撤销）。")
        record("platforms.publication_cancelled", actor=actor, obj=post, request=request, after={"rows": n})
    return n


def queue_reply(inquiry_id: int, account: Account, text: str, requested_by: Any) -> Delivery:
    """Queue the approved reply to a message (R7-4): sent through the adapter where the platform allows,
    otherwise the row is marked for manual posting at once. Queuing the same text twice returns the row."""
    from govmedia.inquiries.models import Inquiry

    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["回复内容不能为空"]})
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
        problem = _reply_problem(inquiry, account, text, requested_by)
        if problem:
            raise InvalidState(problem)
        key = f"reply-{inquiry.pk}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"
        existing = Delivery.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        now = timezone.now()
        manual = ""
        if account.type not in SUPPORTED:
            manual = f"{account.get_type_display()}不支持接口回复，请人工回复后登记"
        elif credentials_for(account) is None:
            manual = "该账号未配置平台接口凭据，请人工回复后登记"
        delivery = Delivery.objects.create(
            kind=Delivery.Kind.REPLY,
            account=account,
            inquiry=inquiry,
            text=text,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            requested_by=requested_by,
            status=Status.MANUAL if manual else Status.QUEUED,
            scheduled_at=now,
            next_attempt_at=now,
            idempotency_key=key,
            last_error=manual,
            last_error_code="manual" if manual else "",
        )
        record(
            "platforms.reply_queued",
            actor=requested_by,
            obj=inquiry,
            after={"delivery": delivery.pk, "manual": bool(manual)},
        )
    return delivery


def retry(actor: Any, delivery: Delivery, request: Any = None) -> Delivery:
    """Try a stopped or failed row again now, with the same idempotency key."""
    with transaction.atomic():
        d = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if d.kind == Delivery.Kind.PUBLISH:
            assert d.post is not None
            require(actor, "publishing.publish", d.post)
        elif d.requested_by_id != actor.pk:
            require(actor, "platforms.manage_credentials", d.account)
        if d.status not in {Status.FAILED, Status.STOPPED}:
            raise InvalidState("只有失败或已停止的任务可以重试。")
        d.status, d.next_attempt_at, d.finished_at = Status.QUEUED, timezone.now(), None
        d.max_attempts = _failures(d) + 3
        d.save()
        record("platforms.delivery_retried", actor=actor, obj=d, request=request)
    return d


# ---- claiming and running ------------------------------------------------------------------------------


def claim(worker: str, now: datetime | None = None) -> Delivery | None:
    """Take one due row: queued and due, or running with an expired lease (its worker died).

    PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so workers never wait for or take each other's rows.
    SQLite: the transaction is IMMEDIATE (settings), which serialises claimers."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(
            Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(status=Status.RUNNING, locked_until__lt=now)
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        d = due.first()
        if d is None:
            return None
        if d.status == Status.RUNNING:
            DeliveryAttempt.objects.filter(delivery=d, outcome=Outcome.RUNNING).update(
                outcome=Outcome.INTERRUPTED,
                finished_at=now,
                message="执行中断（工作进程退出或超时），已由其他工作进程按同一幂等键续做，不会重复发布",
            )
        d.status = Status.RUNNING
        d.locked_until = now + lease()
        d.claim_token = uuid.uuid4().hex
        d.attempts += 1
        d.save(update_fields=["status", "locked_until", "claim_token", "attempts"])
        DeliveryAttempt.objects.create(delivery=d, number=d.attempts, worker=worker[:100])
    return d


class LostClaim(Exception):
    """Another worker took the row over (our lease ended); stop touching it."""


def _failures(d: Delivery) -> int:
    return d.attempt_log.filter(outcome__in=[Outcome.RETRY, Outcome.INTERRUPTED]).count()


def _attempt(d: Delivery) -> DeliveryAttempt | None:
    return d.attempt_log.filter(number=d.attempts).order_by("-id").first()


def _locked_mine(d: Delivery) -> Delivery:
    locked = Delivery.objects.select_for_update().get(pk=d.pk)
    if locked.claim_token != d.claim_token or locked.status != Status.RUNNING:
        raise LostClaim()
    return locked


def _close_attempt(d: Delivery, outcome: str, message: str = "", code: str = "") -> None:
    DeliveryAttempt.objects.filter(delivery=d, number=d.attempts, outcome=Outcome.RUNNING).update(
        outcome=outcome, finished_at=timezone.now(), message=message, error_code=code[:40]
    )


def run_due(worker: str, limit: int = 20) -> int:
    """Claim and run due rows one at a time; returns how many ran."""
    ran = 0
    while ran < limit:
        d = claim(worker)
        if d is None:
            break
        execute(d)
        ran += 1
    return ran


def execute(d: Delivery) -> str:
    """Run one claimed row. Never raises: every failure ends up on the row, in Chinese."""
    try:
        with transaction.atomic():
            problem = _recheck(d)
        if problem:
            _stop(d, Outcome.REFUSED, problem, "recheck")
            return Status.STOPPED
        adapter = adapter_for(d.account)
        if d.kind == Delivery.Kind.PUBLISH:
            return _run_publication(d, adapter)
        return _run_reply(d, adapter)
    except LostClaim:
        return "lost"
    except PlatformError as exc:
        return _failed(d, exc)
    except Exception as exc:  # a bug or an unexpected answer: recorded and retried, never a dead worker
        log.exception("delivery %s failed", d.pk)
        return _failed(
            d, PlatformError("internal", f"系统内部错误（{type(exc).__name__}），稍后自动重试", True)
        )


def _recheck(d: Delivery) -> str:
    """Invariant 3: what was true when the work was queued must still be true now."""
    account = Account.objects.get(pk=d.account_id)
    if account.status != "operating":
        return f"账号“{account.name}”当前状态为“{account.get_status_display()}”，只有运营中的账号可以发布"
    if d.kind == Delivery.Kind.REPLY:
        from govmedia.inquiries.models import Inquiry

        inquiry = Inquiry.objects.select_for_update().get(pk=d.inquiry_id or 0)
        return _reply_problem(inquiry, account, d.text, d.requested_by)
    post = Post.objects.select_for_update().get(pk=d.post_id)
    from govmedia.publishing.services import approvals_missing, check_mass_send_quota

    if post.status == Post.Status.PUBLISHED:
        return "该信息已登记发布，系统不再重复发布"
    if post.content_hash != d.content_hash:
        return "安排发布后内容已修改，须重新审核后再发布"
    missing = approvals_missing(post)
    if post.status != Post.Status.APPROVED or missing:
        return "未经审核同意的信息不得发布" + (f"：{'、'.join(missing)}尚未同意当前内容" if missing else "")
    if not post.accounts.filter(pk=account.pk).exists():
        return f"账号“{account.name}”已不在该信息的发布账号中"
    if not can(d.requested_by, "publishing.publish", post):
        return f"发起人{d.requested_by}已无发布该信息的权限"
    try:
        check_mass_send_quota(post, timezone.now(), only=[account])
    except InvalidState as exc:
        return str(exc).rstrip("。")
    return ""


def _reply_problem(inquiry: Any, account: Account, text: str, actor: Any) -> str:
    from govmedia.inquiries.models import Status as InquiryStatus
    from govmedia.inquiries.models import StepKind, StepState

    if inquiry.account_id != account.pk:
        return "回复账号与留言所在账号不一致"
    if inquiry.status != InquiryStatus.TO_REPLY:
        return f"留言当前状态为“{inquiry.get_status_display()}”，不能回复"
    if text.strip() != (inquiry.compiled_text or "").strip():
        return "回复内容与领导审核同意的答复不一致，须重新审核"
    step = inquiry.steps.filter(kind=StepKind.REPLY, state=StepState.OPEN).first()
    if step is None or not can(actor, "inquiries.reply", step):
        return f"{actor}没有回复该留言的权限"
    return ""


def _checkpoint(d: Delivery) -> Any:
    def save(state: dict[str, Any]) -> None:
        with transaction.atomic():
            locked = _locked_mine(d)
            locked.state = state
            locked.save(update_fields=["state"])
        d.state = state

    return save


def _material(d: Delivery, adapter: Adapter, media: MediaFile) -> tuple[str, str]:
    """A permanent material uploaded once per account and file, reused afterwards (R5.6-3)."""
    known = RemoteMaterial.objects.filter(account=d.account_id, sha256=media.sha256).first()
    if known:
        return known.media_id, known.url
    uploaded = adapter.upload_material(media)
    RemoteMaterial.objects.get_or_create(
        account_id=d.account_id,
        sha256=media.sha256,
        defaults={"media_id": uploaded.media_id, "url": uploaded.url},
    )
    return uploaded.media_id, uploaded.url


def _cover(title: str) -> MediaFile:
    """A cover for a WeChat article without images (the platform requires one)."""
    png = _long_image(title, " ")
    return MediaFile(hashlib.sha256(png).hexdigest(), "image", "cover.png", content=png)


def _payload(d: Delivery) -> PostPayload:
    from govmedia.web.uploads import path_for

    version = (
        PostVersion.objects.filter(post=d.post_id, content_hash=d.content_hash).order_by("-number").first()
    )
    if version is None:
        raise PlatformError("no_version", "找不到安排发布的内容版本", False)
    content = version.content
    media = tuple(
        MediaFile(m["sha256"], m.get("kind", "image"), m.get("name", ""), str(path_for(m["sha256"])))
        for m in content.get("media") or []
    )
    return PostPayload(
        d.idempotency_key, content["title"], content["body"], media, content.get("portal_url") or ""
    )


def _run_publication(d: Delivery, adapter: Adapter) -> str:
    payload = _payload(d)
    state = dict(d.state)
    checkpoint = _checkpoint(d)
    if adapter.platform == "wechat" and "thumb_media_id" not in state:
        images = [m for m in payload.media if m.kind == "image"]
        try:
            cover = images[0] if images else _cover(payload.title)
        except Exception as exc:
            raise PlatformError("cover", f"无法生成封面图片：{exc}", False) from exc
        thumb, _ = _material(d, adapter, cover)
        urls = [_material(d, adapter, m)[1] for m in images]
        state.update(thumb_media_id=thumb, image_urls=[u for u in urls if u])
        checkpoint(state)
    result = adapter.publish(payload, state, checkpoint)
    if not result.done:
        _pending(d, result)
        return Status.QUEUED
    return _succeeded(d, result)


def _run_reply(d: Delivery, adapter: Adapter) -> str:
    inquiry = d.inquiry
    assert inquiry is not None
    context = dict(inquiry.media_ref or {})
    platform_id = adapter.send_reply(
        d.idempotency_key, inquiry.sender_id, inquiry.platform_message_id, d.text, context
    )
    return _succeeded(d, Published(True, platform_id, "", d.state))


def _pending(d: Delivery, result: Published) -> None:
    with transaction.atomic():
        locked = _locked_mine(d)
        locked.state = result.state
        locked.status = Status.QUEUED
        locked.next_attempt_at = timezone.now() + timedelta(seconds=_setting("PLATFORM_POLL_SECONDS", 10))
        locked.locked_until = None
        locked.save()
        _close_attempt(locked, Outcome.PENDING, "平台正在处理，稍后查询发布结果")


def _succeeded(d: Delivery, result: Published) -> str:
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_mine(d)
        locked.status = Status.DONE
        locked.platform_id = result.platform_id[:100]
        locked.platform_url = result.url[:500]
        locked.state = result.state
        locked.finished_at = now
        locked.locked_until = None
        locked.last_error = locked.last_error_code = ""
        if (
            locked.kind == Delivery.Kind.PUBLISH
            and result.platform_id
            and not result.platform_id.startswith("mass:")
        ):
            locked.next_check_at = now + timedelta(seconds=_setting("PLATFORM_TAMPER_INTERVAL", 600))
        locked.save()
        note = f"平台ID：{locked.platform_id}" + (
            f"，链接：{locked.platform_url}" if locked.platform_url else ""
        )
        try:
            with transaction.atomic():
                if locked.kind == Delivery.Kind.PUBLISH:
                    extra = _finish_post(locked)
                else:
                    extra = _finish_reply(locked)
        except (InvalidState, ValidationError) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            extra = f"；已在平台完成，但系统登记失败：{text}，请人工登记"
            locked.last_error = extra.lstrip("；")
            locked.save(update_fields=["last_error"])
        _close_attempt(locked, Outcome.OK, note + extra)
        record(
            f"platforms.{locked.kind}_delivered",
            actor=locked.requested_by,
            obj=locked,
            after={"platform_id": locked.platform_id, "url": locked.platform_url, "late": locked.late},
        )
    return Status.DONE


def _finish_post(d: Delivery) -> str:
    """When every account of the post has its row done, the post is published (archive, deadline met)."""
    from govmedia.publishing.services import publish

    post = Post.objects.select_for_update().get(pk=d.post_id)
    rows = {
        r.account_id: r
        for r in Delivery.objects.filter(post=post, content_hash=d.content_hash, kind="publish")
    }
    accounts = list(post.accounts.order_by("pk").values_list("pk", flat=True))
    if not all(a in rows and rows[a].status == Status.DONE for a in accounts):
        return "；其他账号尚在发布中"
    if post.status == Post.Status.PUBLISHED:
        return ""
    url = next((rows[a].platform_url for a in accounts if rows[a].platform_url), "")
    publish(d.requested_by, post, url if len(url) <= 200 else "", via="worker")
    late = "（晚于审定后1小时，已记为超时发布）" if any(rows[a].late for a in accounts) else ""
    return "；已登记发布并存档" + late


def _finish_reply(d: Delivery) -> str:
    from govmedia.inquiries.services import reply

    assert d.inquiry is not None
    reply(
        d.requested_by, d.inquiry, text=d.text, comment=f"已通过平台接口发送（平台消息ID：{d.platform_id}）"
    )
    return "；留言已办结"


def _failed(d: Delivery, exc: PlatformError) -> str:
    try:
        with transaction.atomic():
            locked = _locked_mine(d)
            failures = _failures(locked) + 1
            message = str(exc)
            locked.last_error, locked.last_error_code = message, exc.code[:40]
            locked.locked_until = None
            if exc.retryable and failures < locked.max_attempts:
                locked.status = Status.QUEUED
                locked.next_attempt_at = timezone.now() + backoff(failures)
                outcome = Outcome.RETRY
                when = timezone.localtime(locked.next_attempt_at).strftime("%H:%M:%S")
                message = f"{message}；将于{when}重试"
            else:
                manual = locked.kind == Delivery.Kind.REPLY and not exc.retryable
                locked.status = (
                    Status.MANUAL if manual else (Status.FAILED if exc.retryable else Status.STOPPED)
                )
                locked.finished_at = timezone.now()
                outcome = Outcome.STOPPED
                if exc.retryable:
                    message = f"{message}；已重试{failures}次仍失败，已停止"
                if manual:
                    message = f"{message}；请人工回复后登记"
            locked.save()
            _close_attempt(locked, outcome, message, exc.code)
            return locked.status
    except LostClaim:
        return "lost"


def _stop(d: Delivery, outcome: str, message: str, code: str) -> None:
    with transaction.atomic():
        locked = _locked_mine(d)
        locked.status = Status.STOPPED
        locked.last_error, locked.last_error_code = message, code
        locked.finished_at, locked.locked_until = timezone.now(), None
        locked.save()
        _close_attempt(locked, outcome, message, code)


# ---- tamper check (R3.2.4, R6.3-1) ---------------------------------------------------------------------


def claim_check(now: datetime | None = None) -> Delivery | None:
    """Take one published item whose check is due; its next check moves forward at once."""
    now = now or timezone.now()
    since = now - timedelta(days=_setting("PLATFORM_TAMPER_DAYS", 30))
    with transaction.atomic():
        due = Delivery.objects.filter(
            kind=Delivery.Kind.PUBLISH, status=Status.DONE, next_check_at__lte=now, finished_at__gte=since
        ).order_by("next_check_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        d = due.first()
        if d is None:
            return None
        d.next_check_at = now + timedelta(seconds=_setting("PLATFORM_TAMPER_INTERVAL", 600))
        d.save(update_fields=["next_check_at"])
    return d


def run_checks(limit: int = 50) -> int:
    n = 0
    while n < limit:
        d = claim_check()
        if d is None:
            break
        try:
            check_item(d)
        except Exception:  # one bad item must not stop the others
            log.exception("tamper check of delivery %s failed", d.pk)
        n += 1
    return n


def approved_content(d: Delivery) -> dict[str, Any]:
    archive = Archive.objects.filter(post=d.post_id).first()
    if archive is not None and archive.content_hash == d.content_hash:
        return dict(archive.content)
    version = (
        PostVersion.objects.filter(post=d.post_id, content_hash=d.content_hash).order_by("-number").first()
    )
    return dict(version.content) if version else {}


def check_item(d: Delivery) -> str:
    """Read the item back and compare it with the archive; a difference opens a content-tampered incident
    with both versions (once per observed difference)."""
    content = approved_content(d)
    now = timezone.now()
    try:
        adapter = adapter_for(d.account)
        item = adapter.read(d.platform_id)
    except PlatformError as exc:
        Delivery.objects.filter(pk=d.pk).update(checked_at=now, check_result=f"核对失败：{exc}"[:200])
        return "error"
    want_title, want_text = adapter.expected(content.get("title", ""), content.get("body", ""))
    differences = []
    if item.deleted:
        differences.append("平台上的内容已被删除或封禁")
    else:
        if want_title and item.title != want_title:
            differences.append("标题与存档不一致")
        if item.text != want_text:
            differences.append("正文与存档不一致")
    if not differences:
        Delivery.objects.filter(pk=d.pk).update(checked_at=now, check_result="与存档一致", tampered_digest="")
        return "ok"
    digest = hashlib.sha256(
        json.dumps([item.title, item.text, item.deleted], ensure_ascii=False).encode()
    ).hexdigest()
    result = "；".join(differences)
    if digest == d.tampered_digest:  # this difference was reported already
        Delivery.objects.filter(pk=d.pk).update(checked_at=now, check_result=result)
        return "tampered"
    incident_id = _open_tamper_incident(d, content, item, differences)
    Delivery.objects.filter(pk=d.pk).update(
        checked_at=now, check_result=result, tampered_digest=digest, incident_id=incident_id
    )
    return "tampered"


def _incident_actor(account: Account) -> Any:
    """Who opens an incident the system found on an account: its county's person on duty today, else a duty
    officer or security administrator of its county (an incident needs a person responsible for it, and
    nobody acts on another county's accounts)."""
    from govmedia.org.models import Unit, role_holders

    county = Unit.objects.filter(pk=account.unit_id).values_list("county_id", flat=True).first()
    if county is None:
        return None
    try:
        from govmedia.security.patrol_services import on_duty

        shift = on_duty(timezone.localdate(), county)
        if shift is not None and shift.user.is_active:
            return shift.user
    except Exception:  # the roster is optional here
        log.exception("duty roster unavailable")
    for role in ("duty_officer", "secadmin"):
        user = role_holders(role, county=county).order_by("pk").first()
        if user is not None:
            return user
    return None


def _open_tamper_incident(
    d: Delivery, content: dict[str, Any], item: Any, differences: list[str]
) -> int | None:
    import govmedia.security.rules  # noqa: F401 (registers security.open_incident)
    from govmedia.security.incident_services import open_incident

    actor = _incident_actor(d.account)
    if actor is None:
        log.error("no duty officer to open a tamper incident for delivery %s", d.pk)
        return None
    live = "（已被删除或封禁）" if item.deleted else f"标题：{item.title or '（无）'}\n正文：{item.text}"
    description = (
        f"系统巡查发现平台上的内容与存档不一致：{'；'.join(differences)}。\n"
        f"账号：{d.account.name}；平台ID：{d.platform_id}；链接：{d.platform_url or item.url or '无'}\n\n"
        f"【存档版本】（内容哈希 {d.content_hash}）\n"
        f"标题：{content.get('title', '')}\n正文：{content.get('body', '')}\n\n"
        f"【平台当前版本】（{timezone.localtime().strftime('%Y年%m月%d日 %H:%M')}读取）\n{live}"
    )[:10000]
    incident = open_incident(
        actor,
        {
            "kind": "tampered",
            "severity": "major",
            "title": f"内容被篡改：{content.get('title', '')[:60]}（{d.account.name}）"[:200],
            "description": description,
            "occurred_at": timezone.now(),
        },
        [d.account_id],
    )
    return int(incident.pk)


# ---- what people see -----------------------------------------------------------------------------------


def deliveries_for_post(post: Post) -> list[Delivery]:
    return list(
        Delivery.objects.filter(post=post)
        .select_related("account", "requested_by")
        .prefetch_related("attempt_log")
        .order_by("-created_at", "account_id")
    )
