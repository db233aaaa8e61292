"""notify(): the one call other apps use to tell people something; deliver_pending(): the outbox worker.

Idempotent on `key`: a person gets one notice per key however often a caller or the sweep runs. Each notice
is copied to the person's e-mail (when set) and to the group robots of the person's unit; a robot gets a
key once even when several people of its unit get the notice. Deliveries are claimed with a compare-and-swap
update, so several workers can run, and retried with backoff until they give up after `MAX_ATTEMPTS`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.permissions import require
from govmedia.web.markup import moment

from . import webhooks
from .models import NoticeDelivery, Notification, WebhookTarget

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)  # a claimed delivery is left alone this long by other workers
BATCH = 100
ALERT_KINDS = {Notification.Kind.OVERDUE, Notification.Kind.SUPERVISION, Notification.Kind.URGENT}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    url: str = "",
    key: str,
    urgent: bool = False,
    now: datetime | None = None,
) -> list[Notification]:
    """Create the notice for each person who does not have `key` yet; returns the new ones. Urgent notices
    are sent out as soon as the caller's transaction commits."""
    people = {u.pk: u for u in users if getattr(u, "is_active", True)}
    if not people:
        return []
    key = key[:200]
    have = set(Notification.objects.filter(user__in=list(people), key=key).values_list("user_id", flat=True))
    fresh = [u for pk, u in people.items() if pk not in have]
    if not fresh:
        return []
    now = now or timezone.now()
    units = {u.unit_id for u in fresh if u.unit_id}
    targets: dict[int, list[WebhookTarget]] = {}
    for t in WebhookTarget.objects.filter(unit__in=units, active=True):
        targets.setdefault(t.unit_id, []).append(t)
    created: list[Notification] = []
    deliveries: list[NoticeDelivery] = []
    for user in fresh:
        try:
            with transaction.atomic():
                n = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:300],
                    url=url[:300],
                    urgent=urgent,
                    key=key,
                    created_at=now,
                )
        except IntegrityError:  # another sweep got there first
            continue
        created.append(n)
        if user.email and getattr(settings, "NOTIFY_BY_EMAIL", True):
            deliveries.append(
                NoticeDelivery(
                    notification=n,
                    channel=NoticeDelivery.Channel.EMAIL,
                    address=user.email,
                    dedupe=f"email:{n.pk}",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        for t in targets.get(user.unit_id, []):
            if t.urgent_only and not (urgent or kind in ALERT_KINDS):
                continue
            deliveries.append(
                NoticeDelivery(
                    notification=n,
                    channel=t.kind,
                    target=t,
                    dedupe=f"hook:{t.pk}:{_digest(key)}",
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    NoticeDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if urgent and created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: deliver_pending(Q(notification__in=ids)))
    return created


def site_link(url: str) -> str:
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def message_text(n: Notification) -> str:
    flag = "【紧急】" if n.urgent else ""
    lines = [f"### {flag}{n.title}", "", f"> {n.get_kind_display()} · {moment(n.created_at)}"]
    if n.url:
        lines += ["", f"[打开办理]({site_link(n.url)})"]
    lines += ["", "政务公开新媒体管理平台"]
    return "\n".join(lines)


def _send(d: NoticeDelivery) -> None:
    n = d.notification
    if d.channel == NoticeDelivery.Channel.EMAIL:
        body = f"{n.title}\n\n类别：{n.get_kind_display()}\n时间：{moment(n.created_at)}\n"
        if n.url:
            body += f"办理地址：{site_link(n.url)}\n"
        body += "\n（政务公开新媒体管理平台自动发送，请勿回复）"
        subject = f"【政务新媒体】{'【紧急】' if n.urgent else ''}{n.title}"[:200]
        try:
            send_mail(subject, body, None, [d.address], fail_silently=False)
        except Exception as exc:  # any backend error is a failed attempt, kept for the next retry
            raise webhooks.DeliveryError(f"邮件发送失败：{exc}"[:400]) from exc
        return
    t = d.target
    if t is None or not t.active:
        raise webhooks.DeliveryError("群机器人已删除或停用")
    webhooks.send(t.kind, t.url, t.secret, n.title, message_text(n))


def _claim(d: NoticeDelivery, now: datetime) -> bool:
    return bool(
        NoticeDelivery.objects.filter(
            pk=d.pk, status=NoticeDelivery.Status.PENDING, next_attempt_at=d.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
    )


def deliver_pending(only: Q | None = None, now: datetime | None = None, limit: int = BATCH) -> int:
    """Send the deliveries that are due; returns how many arrived. Failures are retried with backoff."""
    now = now or timezone.now()
    due = NoticeDelivery.objects.filter(status=NoticeDelivery.Status.PENDING, next_attempt_at__lte=now)
    if only is not None:
        due = due.filter(only)
    sent = 0
    for d in list(due.select_related("notification", "target").order_by("next_attempt_at", "id")[:limit]):
        if not _claim(d, now):
            continue
        attempts = d.attempts + 1
        try:
            _send(d)
        except webhooks.DeliveryError as exc:
            gave_up = attempts >= MAX_ATTEMPTS
            NoticeDelivery.objects.filter(pk=d.pk).update(
                attempts=attempts,
                last_error=str(exc)[:500],
                status=NoticeDelivery.Status.FAILED if gave_up else NoticeDelivery.Status.PENDING,
                next_attempt_at=now + BACKOFF[min(attempts, len(BACKOFF)) - 1],
            )
            continue
        NoticeDelivery.objects.filter(pk=d.pk).update(
            attempts=attempts, status=NoticeDelivery.Status.SENT, sent_at=timezone.now(), last_error=""
        )
        sent += 1
    return sent


def retry(actor: Any, delivery: NoticeDelivery, request: Any = None) -> NoticeDelivery:
    """Put a delivery that gave up back in the queue (after the robot address was fixed)."""
    require(actor, "notifications.manage_webhooks", delivery.target.unit if delivery.target else None)
    with transaction.atomic():
        d = NoticeDelivery.objects.select_for_update().get(pk=delivery.pk)
        d.status = NoticeDelivery.Status.PENDING
        d.next_attempt_at = timezone.now()
        d.attempts = 0
        d.save(update_fields=["status", "next_attempt_at", "attempts"])
        record("notifications.delivery_retried", actor=actor, obj=d, request=request)
    return d


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def unread_count(user: Any) -> int:
    return unread(user).count()


# --- group robots -------------------------------------------------------------------------------------


def _clean_target(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in WebhookTarget.Kind.values:
        errors["kind"] = ["请选择机器人类型"]
    url = str(data.get("url") or "").strip()
    if not url:
        errors["url"] = ["请填写机器人地址"]
    elif len(url) > 500:
        errors["url"] = ["机器人地址过长（最多500个字符）"]
    elif reason := webhooks.check_url(url):
        errors["url"] = [reason]
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写名称"]
    secret = str(data.get("secret") or "").strip()
    if len(secret) > 200:
        errors["secret"] = ["加签密钥过长"]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "url": url,
        "name": name[:50],
        "secret": secret,
        "active": bool(data.get("active", True)),
        "urgent_only": bool(data.get("urgent_only", False)),
    }


def _public(t: WebhookTarget) -> dict[str, Any]:
    """What the audit log keeps: never the secret, never the robot's key."""
    return {"unit": t.unit_id, "kind": t.kind, "name": t.name, "host": urlsplit(t.url).hostname}


def save_target(
    actor: Any, unit: Any, data: dict[str, Any], target: WebhookTarget | None = None, request: Any = None
) -> WebhookTarget:
    """Add or change a unit's group robot. A blank secret on change keeps the stored one."""
    require(actor, "notifications.manage_webhooks", unit)
    clean = _clean_target(data)
    with transaction.atomic():
        if target is None:
            t = WebhookTarget.objects.create(unit=unit, **clean)
            record("notifications.webhook_added", actor=actor, obj=t, request=request, after=_public(t))
            return t
        t = WebhookTarget.objects.select_for_update().get(pk=target.pk)
        require(actor, "notifications.manage_webhooks", t.unit)
        before = _public(t)
        if not clean["secret"] and not data.get("clear_secret"):
            clean["secret"] = t.secret
        for field, value in clean.items():
            setattr(t, field, value)
        t.save()
        record(
            "notifications.webhook_changed",
            actor=actor,
            obj=t,
            request=request,
            before=before,
            after=_public(t),
        )
    return t


def delete_target(actor: Any, target: WebhookTarget, request: Any = None) -> None:
    require(actor, "notifications.manage_webhooks", target.unit)
    with transaction.atomic():
        t = WebhookTarget.objects.select_for_update().get(pk=target.pk)
        before = _public(t)
        t.delete()
        record("notifications.webhook_removed", actor=actor, request=request, before=before)


def test_target(actor: Any, target: WebhookTarget) -> str | None:
    """Send a test message now; returns the Chinese error, or None when the robot accepted it."""
    require(actor, "notifications.manage_webhooks", target.unit)
    title = "测试消息"
    text = f"### 测试消息\n\n{target.unit}的群机器人已接入政务公开新媒体管理平台。"
    try:
        webhooks.send(target.kind, target.url, target.secret, title, text)
    except webhooks.DeliveryError as exc:
        return str(exc)
    return None
