"""`posts` with their versions and steps (CONTRACT.md REST API)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from govmedia.api.params import Id, window

from . import services
from .models import Post

router = Router(tags=["信息发布"])


class StepOut(Schema):
    id: int
    round: int
    order: int
    kind: str
    label: str
    assignee_role: str
    due_at: datetime | None
    provisional: bool
    received_at: datetime | None
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    decided_hash: str
    comment: str
    important: bool


class VersionOut(Schema):
    number: int
    content_hash: str
    created_at: datetime
    content: dict[str, Any]


class PostOut(Schema):
    id: int
    status: str
    content_hash: str
    version: int
    unit: int
    accounts: list[int]
    title: str
    body: str
    category: str
    kind: str
    repost: dict[str, Any] | None
    portal_url: str
    emergency: dict[str, Any] | None
    media: list[dict[str, Any]]
    sensitive: bool
    publish_due_at: datetime | None
    published_at: datetime | None
    published_url: str
    steps: list[StepOut]


class PostIn(Schema):
    accounts: list[Id]
    materials: list[Id] | None = None
    title: str = ""
    body: str = ""
    category: str | None = None
    kind: str = "original"
    repost: dict[str, Any] | None = None
    portal_url: str | None = None
    emergency: dict[str, Any] | None = None
    sensitive: bool = False


class PostPatch(Schema):
    accounts: list[Id] | None = None
    materials: list[Id] | None = None
    title: str | None = None
    body: str | None = None
    category: str | None = None
    kind: str | None = None
    repost: dict[str, Any] | None = None
    portal_url: str | None = None
    emergency: dict[str, Any] | None = None
    sensitive: bool | None = None


class DecisionIn(Schema):
    decision: str
    comment: str = ""
    important: bool = False
    acknowledge_warnings: bool = False


class PublishIn(Schema):
    url: str = ""


def _out(post: Post) -> dict[str, Any]:
    steps = post.steps.select_related("decided_by", "deadline").order_by("round", "order")
    return {
        "id": post.pk,
        "status": post.status,
        "content_hash": post.content_hash,
        "version": post.version,
        "unit": post.unit_id,
        "accounts": sorted(a.pk for a in post.accounts.all()),
        **{
            k: getattr(post, k)
            for k in (
                "title",
                "body",
                "category",
                "kind",
                "repost",
                "portal_url",
                "emergency",
                "media",
                "sensitive",
                "published_at",
                "published_url",
            )
        },
        "publish_due_at": post.publish_deadline.due_at if post.publish_deadline else None,
        "steps": [
            {
                "id": s.pk,
                "round": s.round,
                "order": s.order,
                "kind": s.kind,
                "label": s.label,
                "assignee_role": s.assignee_role,
                "due_at": s.deadline.due_at if s.deadline else None,
                "provisional": bool(s.deadline and s.deadline.provisional),
                "received_at": s.received_at,
                "decision": s.decision,
                "decided_by": s.decided_by.username if s.decided_by else None,
                "decided_at": s.decided_at,
                "decided_hash": s.decided_hash,
                "comment": s.comment,
                "important": s.important,
            }
            for s in steps
        ],
    }


def _post(request: HttpRequest, post_id: int) -> Post:
    return get_object_or_404(
        Post.objects.visible_to(request.user).select_related("publish_deadline"), pk=post_id
    )


@router.get("", summary="稿件列表")
def list_posts(
    request: HttpRequest, status: str | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    qs = Post.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    lo, hi = window(limit, offset)
    page = qs.order_by("-id")[lo:hi]
    return {
        "items": [
            {"id": p.pk, "title": p.title, "status": p.status, "content_hash": p.content_hash} for p in page
        ],
        "count": qs.count(),
    }


@router.post("", response={201: PostOut}, summary="新建稿件")
def create(request: HttpRequest, payload: PostIn) -> Status:
    data = payload.dict()
    data["media"] = services.materials_media(request.user, data.pop("materials") or [])
    post = services.create_post(request.user, data, data.pop("accounts"), request=request)
    return Status(201, _out(post))


@router.get("/{post_id}", response=PostOut, summary="稿件详情")
def detail(request: HttpRequest, post_id: int) -> dict[str, Any]:
    return _out(_post(request, post_id))


@router.patch("/{post_id}", response=PostOut, summary="修改稿件（内容变化即生成新版本并作废原审核意见）")
def patch(request: HttpRequest, post_id: int, payload: PostPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    accounts = data.pop("accounts", None)
    if "materials" in data:
        data["media"] = services.materials_media(request.user, data.pop("materials") or [])
    post = services.update_post(request.user, _post(request, post_id), data, accounts, request=request)
    return _out(post)


@router.get("/{post_id}/versions", response=list[VersionOut], summary="版本")
def versions(request: HttpRequest, post_id: int) -> Any:
    return _post(request, post_id).versions.order_by("number")


@router.get("/{post_id}/steps", response=list[StepOut], summary="审核环节")
def steps(request: HttpRequest, post_id: int) -> Any:
    return _out(_post(request, post_id))["steps"]


@router.post("/{post_id}/submit", response=PostOut, summary="送审")
def submit(request: HttpRequest, post_id: int) -> dict[str, Any]:
    return _out(services.submit(request.user, _post(request, post_id), request=request))


@router.post("/{post_id}/steps/{step_id}/decision", response=PostOut, summary="审核意见")
def decision(request: HttpRequest, post_id: int, step_id: int, payload: DecisionIn) -> dict[str, Any]:
    post = services.decide(
        request.user,
        _post(request, post_id),
        step_id,
        payload.decision,
        payload.comment,
        payload.important,
        payload.acknowledge_warnings,
        request=request,
    )
    return _out(post)


@router.post("/{post_id}/publish", response=PostOut, summary="发布（须当前内容已获全部审核同意）")
def publish(request: HttpRequest, post_id: int, payload: PublishIn) -> dict[str, Any]:
    return _out(services.publish(request.user, _post(request, post_id), payload.url, request=request))
