"""Every change to a post: drafting, editing, submitting, deciding, publishing (chapter 5, B-2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.calendar.services import meet, open_deadline
from govmedia.compliance.core.media import inspect
from govmedia.compliance.core.quota import mass_send_quota, quota_finding
from govmedia.org.models import Unit, same_county, speaks_for
from govmedia.org.permissions import require, rule
from govmedia.registry.models import Account
from govmedia.web.errors import ContentRejected, InvalidState
from govmedia.web.uploads import store

from .checks import blocking, findings_for
from .content import CONTENT_KEYS, content_hash
from .models import CATEGORIES, Archive, EmergencyEvent, Material, Post, PostVersion, ReviewStep
from .routes import STEP_LABELS, STEP_ROLES, STEP_WORKDAYS, RouteError, StepKind, Target, route

PUBLISH_WITHIN_HOURS = 1
CATEGORY_CODES = {code for code, _ in CATEGORIES}
EDITABLE = {Post.Status.DRAFT, Post.Status.REJECTED, Post.Status.IN_REVIEW, Post.Status.APPROVED}


@rule("publishing.draft")
def _may_draft(user: Any, obj: Any) -> bool:
    return user.has_role("unit_admin", "center_staff")


@rule("publishing.edit")
def _may_edit(user: Any, post: Post) -> bool:
    return user.has_role("unit_admin", "center_staff") and post.unit_id == user.unit_id


@rule("publishing.decide")
def _may_decide(user: Any, step: ReviewStep) -> bool:
    if not user.has_role(step.assignee_role):
        return False
    if step.assignee_unit_id is not None:
        return bool(user.unit_id == step.assignee_unit_id)
    # Held by the county level: the post's own unit, or a county-level unit of the post's county.
    return speaks_for(user.unit, step.post.unit)


@rule("publishing.publish")
def _may_publish(user: Any, post: Post) -> bool:
    """The administrator of the target accounts publishes; the centre publishes its county government's
    accounts."""
    accounts = list(post.accounts.select_related("unit"))
    if user.has_role("center_staff") and all(
        _is_county_unit(a.unit) and same_county(user, a.unit) for a in accounts
    ):
        return True
    return user.has_role("unit_admin") and {a.unit_id for a in accounts} == {user.unit_id}


def _is_county_unit(unit: Unit) -> bool:
    return unit.kind == Unit.Kind.COUNTY_GOV


def allowed_accounts(actor: Any) -> Any:
    """Accounts an author may target: the unit's own and its county government's (R5.4-2, R5.4-3)."""
    if actor.unit_id is None:
        return Account.objects.none()
    return Account.objects.filter(
        unit__kind=Unit.Kind.COUNTY_GOV, unit__county=actor.county_id
    ) | Account.objects.filter(unit=actor.unit_id)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    body = str(data.get("body") or "").strip()
    if not title:
        errors["title"] = ["请填写标题"]
    elif len(title) > 200:
        errors["title"] = ["标题不能超过200字"]
    if not body:
        errors["body"] = ["请填写正文"]
    kind = data.get("kind") or Post.Kind.ORIGINAL
    if kind not in Post.Kind.values:
        errors["kind"] = ["信息来源应为原创、转载或门户网站已发布"]
    if data.get("category") and data["category"] not in CATEGORY_CODES:
        errors["category"] = ["信息类别应为规范5.3的a至j之一"]
    for key in ("repost", "emergency"):
        if data.get(key) is not None and not isinstance(data.get(key), dict):
            errors[key] = ["格式不正确"]
    if errors:
        raise ValidationError(errors)
    return {
        **{k: data.get(k) for k in CONTENT_KEYS},
        "title": title,
        "body": body,
        "kind": kind,
        "category": data.get("category") or "",
        "portal_url": data.get("portal_url") or "",
        "media": data.get("media") or [],
    }


def materials_media(actor: Any, material_ids: list[int]) -> list[dict[str, Any]]:
    """The media entries of a post from the ids of the author's unit's materials (R5.6-3)."""
    found = {m.pk: m for m in Material.objects.filter(unit=actor.unit_id, pk__in=material_ids)}
    if len(found) != len(set(material_ids)):
        raise ValidationError({"materials": ["只能选用本单位素材库中的素材"]})
    return [found[i].as_media() for i in dict.fromkeys(material_ids)]


MAX_MATERIAL_BYTES = 100 * 1024 * 1024  # the largest limit of any platform (Weibo video, 5.6)


def _material_problem(path: Any) -> str | None:
    info = inspect(str(path))
    if info.problem:
        return f"文件{info.problem}，未保存"
    if info.kind is None:
        return "无法识别的文件格式：素材库只接受图片、语音和视频文件（按文件内容判断，而非文件名）"
    return None


def upload_material(actor: Any, uploaded: Any, request: Any = None) -> Material:
    """素材上传: streamed, checked by its bytes, stored under its SHA-256; the same file is stored once."""
    require(actor, "publishing.draft")
    stored = store(uploaded.chunks(), MAX_MATERIAL_BYTES, _material_problem, field="file")
    info = inspect(str(stored.path))
    with transaction.atomic():
        material, created = Material.objects.get_or_create(
            unit_id=actor.unit_id,
            sha256=stored.sha256,
            defaults={
                "name": str(uploaded.name)[:200],
                "kind": info.kind,
                "format": info.format or "",
                "size": stored.size,
                "width": info.width,
                "height": info.height,
                "duration": info.duration,
                "uploaded_by": actor,
            },
        )
        if created:
            record(
                "publishing.material_uploaded",
                actor=actor,
                obj=material,
                request=request,
                after={"sha256": material.sha256, "size": material.size, "format": material.format},
            )
    return material


def _set_accounts(actor: Any, post: Post, account_ids: list[int]) -> None:
    accounts = list(allowed_accounts(actor).filter(pk__in=account_ids).distinct())
    if not account_ids or len(accounts) != len(set(account_ids)):
        raise ValidationError({"accounts": ["请选择本单位或县人民政府的账号"]})
    try:
        route(portal=False, targets=[Target(_is_county_unit(a.unit)) for a in accounts], sensitive=False)
    except RouteError as exc:
        raise ValidationError({"accounts": [str(exc)]}) from exc
    post.accounts.set(accounts)


def open_events(actor: Any) -> Any:
    """Emergency events a post of this person may follow up: the open ones of the person's county."""
    if actor.unit_id is None:
        return EmergencyEvent.objects.none()
    return EmergencyEvent.objects.filter(closed_at__isnull=True, unit__county=actor.county_id)


def _link_event(actor: Any, post: Post, event_id: int | None) -> None:
    """An emergency post joins the event it follows up, or opens a new one (R5.1-3)."""
    if not post.emergency:
        post.event = None
        return
    if event_id:
        event = open_events(actor).filter(pk=event_id).first()
        if event is None:
            raise ValidationError({"event": ["所选突发事件不存在或已结束"]})
        post.event = event
    elif post.event_id is None:
        post.event = EmergencyEvent.objects.create(
            name=post.emergency.get("event") or post.title,
            event_type=post.emergency.get("event_type") or "",
            location=post.emergency.get("location") or "",
            unit_id=post.unit_id,
            opened_by=actor,
        )


def create_post(
    actor: Any, data: dict[str, Any], account_ids: list[int], request: Any = None, event_id: int | None = None
) -> Post:
    """信息采集/制作: a draft with its first version."""
    require(actor, "publishing.draft")
    content = _clean(data)
    with transaction.atomic():
        post = Post(
            unit_id=actor.unit_id,
            author=actor,
            sensitive=bool(data.get("sensitive")),
            content_hash=content_hash(content),
            **content,
        )
        _link_event(actor, post, event_id)
        post.save()
        _set_accounts(actor, post, account_ids)
        PostVersion.objects.create(
            post=post, number=1, content=post.content(), content_hash=post.content_hash, created_by=actor
        )
        record(
            "publishing.post_created",
            actor=actor,
            obj=post,
            after={"hash": post.content_hash},
            request=request,
        )
    return post


def update_post(
    actor: Any,
    post: Post,
    data: dict[str, Any],
    account_ids: list[int] | None = None,
    request: Any = None,
    event_id: int | None = None,
) -> Post:
    """Edit content. A change of hash makes a new version and voids every decision on the old one (B-2); so
    does a change of accounts or of the sensitive flag that changes the route of a submitted post (R5.4)."""
    require(actor, "publishing.edit", post)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status not in EDITABLE:
            raise InvalidState("已发布的信息不能修改。")
        content = _clean({**post.content(), **{k: v for k, v in data.items() if k in CONTENT_KEYS}})
        submitted = post.status in {Post.Status.IN_REVIEW, Post.Status.APPROVED}
        route_may_change = submitted and ("sensitive" in data or account_ids is not None)
        old_route = _route_of(post) if route_may_change else []
        if "sensitive" in data:
            post.sensitive = bool(data["sensitive"])
        if account_ids is not None:
            _set_accounts(actor, post, account_ids)
        new_route = _route_of(post) if route_may_change else []
        if new_route != old_route:
            voided = _void_round(post)
            record(
                "publishing.route_changed",
                actor=actor,
                obj=post,
                request=request,
                before={"steps": [k.value for k in old_route]},
                after={"steps": [k.value for k in new_route], "voided": voided},
            )
        new_hash = content_hash(content)
        changed = new_hash != post.content_hash
        if changed:
            before = post.content_hash
            for key, value in content.items():
                setattr(post, key, value)
            post.content_hash = new_hash
            post.version += 1
            PostVersion.objects.create(
                post=post,
                number=post.version,
                content=post.content(),
                content_hash=new_hash,
                created_by=actor,
            )
            voided = _void_round(post)
            record(
                "publishing.post_edited",
                actor=actor,
                obj=post,
                request=request,
                before={"hash": before},
                after={"hash": new_hash, "version": post.version, "voided": voided},
            )
        _link_event(actor, post, event_id)
        post.save()
    return post


def _void_round(post: Post) -> int:
    """Void the decisions and open steps of the current round; the post must be submitted again."""
    voided = (
        ReviewStep.objects.filter(post=post, round=post.round)
        .exclude(decision__in=[ReviewStep.Decision.VOID, ReviewStep.Decision.REJECT])
        .update(decision=ReviewStep.Decision.VOID)
    )
    if post.status in {Post.Status.IN_REVIEW, Post.Status.APPROVED}:
        post.status = Post.Status.DRAFT
        post.approved_at = None
        post.publish_deadline = None
    return voided


def submit(actor: Any, post: Post, request: Any = None) -> Post:
    """送审: blocking findings stop it; otherwise the route's steps are laid out and the first one starts."""
    require(actor, "publishing.edit", post)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status not in {Post.Status.DRAFT, Post.Status.REJECTED}:
            raise InvalidState("只有草稿或退回的信息可以送审。")
        accounts = list(post.accounts.select_related("unit"))
        findings = findings_for(post, accounts)
        if blocking(findings):
            raise ContentRejected("内容检查未通过，请按提示修改后再送审。", findings)
        steps = _route_of(post, accounts)
        now = timezone.now()
        post.round += 1
        post.submitted_at = now
        for order, kind in enumerate(steps, start=1):
            ReviewStep.objects.create(
                post=post,
                round=post.round,
                order=order,
                kind=kind,
                assignee_role=STEP_ROLES[kind],
                assignee_unit=post.unit if kind == StepKind.UNIT_APPROVAL else None,
            )
        post.status = Post.Status.IN_REVIEW
        if steps:
            _start(_steps(post)[0], now)
        else:
            _approve(post, now)
        post.save()
        record(
            "publishing.post_submitted",
            actor=actor,
            obj=post,
            request=request,
            after={"hash": post.content_hash, "steps": [s.value for s in steps]},
        )
    return post


def _route_of(post: Post, accounts: list[Account] | None = None) -> list[StepKind]:
    """The review steps the post needs as it is now: its kind, its accounts and its sensitive flag."""
    accounts = accounts if accounts is not None else list(post.accounts.select_related("unit"))
    return route(
        portal=post.kind == Post.Kind.PORTAL,
        targets=[Target(_is_county_unit(a.unit)) for a in accounts],
        sensitive=post.sensitive,
    )


def _steps(post: Post) -> list[ReviewStep]:
    return list(ReviewStep.objects.filter(post=post, round=post.round).order_by("order"))


def _start(step: ReviewStep, now: Any) -> None:
    step.received_at = now
    if days := STEP_WORKDAYS.get(StepKind(step.kind)):
        step.deadline = open_deadline("after_workdays", now, days, "5.4", started_at=now)
    step.save()


def _approve(post: Post, now: Any) -> None:
    post.status = Post.Status.APPROVED
    post.approved_at = now
    post.publish_deadline = open_deadline("after_hours", now, PUBLISH_WITHIN_HOURS, "5.4", started_at=now)


def decide(
    actor: Any,
    post: Post,
    step_id: int,
    decision: str,
    comment: str = "",
    important: bool = False,
    acknowledge_warnings: bool = False,
    request: Any = None,
) -> Post:
    """A reviewer's or leader's decision on the open step; it binds to the content hash it saw (B-2)."""
    if decision not in {"approve", "reject"}:
        raise ValidationError({"decision": ["意见应为同意（approve）或退回（reject）"]})
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        step = ReviewStep.objects.select_for_update().filter(post=post, pk=step_id).first()
        if step is None:
            raise InvalidState("该审核环节不存在。")
        require(actor, "publishing.decide", step)
        if post.status != Post.Status.IN_REVIEW or step.round != post.round or not step.is_open:
            raise InvalidState("该环节当前不需要您审核（可能已由他人办理或内容已修改）。")
        if decision == "reject" and not comment.strip():
            raise ValidationError({"comment": ["退回须填写理由"]})
        if decision == "approve" and not acknowledge_warnings:
            warnings = [
                f
                for f in findings_for(post, list(post.accounts.select_related("unit")))
                if f["severity"] == "warn"
            ]
            if warnings:
                raise ContentRejected("内容有提示项，请逐项确认后再同意。", warnings)
        now = timezone.now()
        step.decision = decision
        step.decided_by = actor
        step.decided_at = now
        step.decided_hash = post.content_hash
        step.comment = comment.strip()
        step.acknowledged_warnings = acknowledge_warnings
        if step.kind == StepKind.CENTER_PROPOSAL:
            step.important = important
        step.save()
        if step.deadline:
            meet(step.deadline, now)
        if decision == "reject":
            post.status = Post.Status.REJECTED
        else:
            following = [s for s in _steps(post) if s.order > step.order]
            if following:
                nxt = following[0]
                if step.kind == StepKind.CENTER_PROPOSAL and important:
                    nxt.kind, nxt.assignee_role = (
                        StepKind.COUNTY_APPROVAL,
                        STEP_ROLES[StepKind.COUNTY_APPROVAL],
                    )
                _start(nxt, now)
            else:
                _approve(post, now)
        post.save()
        record(
            f"publishing.step_{decision}",
            actor=actor,
            obj=post,
            request=request,
            after={
                "step": step.kind,
                "hash": post.content_hash,
                "comment": step.comment,
                "important": important,
            },
        )
    return post


def approvals_missing(post: Post) -> list[str]:
    """Steps the post needs as it is now that did not approve its current content hash in this round. When
    the centre marked the item important, a county government leader approves it instead of an office
    leader (R5.4-4)."""
    approvals = [
        s
        for s in _steps(post)
        if s.decision == ReviewStep.Decision.APPROVE and s.decided_hash == post.content_hash
    ]
    approved = {s.kind for s in approvals}
    important = any(s.kind == StepKind.CENTER_PROPOSAL and s.important for s in approvals)
    needed = [
        StepKind.COUNTY_APPROVAL if kind == StepKind.OFFICE_APPROVAL and important else kind
        for kind in _route_of(post)
    ]
    return [STEP_LABELS[kind] for kind in needed if kind not in approved]


def publish(actor: Any, post: Post, url: str = "", request: Any = None, via: str = "manual") -> Post:
    """信息发布: refused unless every required step approved exactly this content (R5.1-1, B-2).

    `via`: "manual" when a person registers a publication made by hand, "worker" when the platform
    adapters published it (govmedia.platforms)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        require(actor, "publishing.publish", post)
        if post.status == Post.Status.PUBLISHED:
            raise InvalidState("该信息已发布。")
        missing = approvals_missing(post)
        if post.status != Post.Status.APPROVED or missing or post.round == 0:
            raise InvalidState(
                "未经审核同意的信息不得发布"
                + (f"：{'、'.join(missing)}尚未同意当前内容。" if missing else "。")
            )
        if url and not url.startswith(("http://", "https://")):
            raise ValidationError({"url": ["发布链接应以 http:// 或 https:// 开头"]})
        now = timezone.now()
        check_mass_send_quota(post, now)
        post.status = Post.Status.PUBLISHED
        post.published_at = now
        post.published_by = actor
        post.published_url = url
        if post.publish_deadline:
            meet(post.publish_deadline, now)
        post.save()
        post.accounts.update(last_published_at=now)
        _archive(post)
        late = bool(post.publish_deadline and post.publish_deadline.due_at < now)
        record(
            "publishing.post_published",
            actor=actor,
            obj=post,
            request=request,
            after={"hash": post.content_hash, "url": url, "late": late, "via": via},
        )
    return post


def check_mass_send_quota(post: Post, now: Any, only: list[Account] | None = None) -> None:
    """WeChat mass sends: 订阅号 one a day, 服务号 four a month (R5.6-1), counted from published posts.
    `only`: check these accounts of the post (the worker re-checks one account at a time)."""
    wechat = [a for a in (only or post.accounts.all()) if a.type == "wechat" and a.wechat_kind]
    if not wechat:
        return
    sent: dict[int, list[Any]] = {a.pk: [] for a in wechat}
    history = Post.objects.filter(
        status=Post.Status.PUBLISHED, accounts__in=wechat, published_at__gte=now - timedelta(days=32)
    )
    for account_id, at in history.values_list("accounts", "published_at"):
        if account_id in sent:
            sent[account_id].append(at)
    for account in wechat:
        quota = mass_send_quota(account.wechat_kind, sent[account.pk], now)
        if finding := quota_finding(account.wechat_kind, quota):
            raise InvalidState(f"“{account.name}”：{finding.message}。", findings=[finding.to_dict()])


def _archive(post: Post) -> Archive:
    steps = (
        ReviewStep.objects.filter(post=post, round=post.round).select_related("decided_by").order_by("order")
    )
    return Archive.objects.create(
        post=post,
        unit_name=str(post.unit),
        content=post.content(),
        content_hash=post.content_hash,
        approvals=[
            {
                "step": s.label,
                "decision": s.get_decision_display(),
                "by": str(s.decided_by or ""),
                "at": s.decided_at.isoformat() if s.decided_at else None,
                "hash": s.decided_hash,
                "comment": s.comment,
            }
            for s in steps
        ],
        accounts=[
            {"id": a.pk, "unit": str(a.unit), "type": a.get_type_display(), "name": a.name}
            for a in post.accounts.select_related("unit")
        ],
        url=post.published_url,
        published_at=post.published_at or timezone.now(),
        published_by=str(post.published_by),
    )
