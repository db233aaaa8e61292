"""A local stand-in for the WeChat and Weibo APIs (B-6): the subset the adapters use, with tokens, quotas,
error codes, a store of published items, idempotency keys, injectable faults, and a page to tamper with
a published item. Served only when settings.SIMULATOR_ENABLED; never a production dependency."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from govmedia.compliance.core.text import gb18030_bytes, weibo_count

from ..models import SimulatedItem

WECHAT, WEIBO = "wechat", "weibo"
TOKEN_SECONDS = 7200
# Faults a test or a demonstrator can inject: platform -> name -> (wechat errcode | weibo error_code).
FAULTS = {
    "expired_token": ("42001", "21327"),
    "quota": ("45028", "10023"),
    "length": ("45002", "20012"),
    "title_length": ("45003", "20012"),
    "reject": ("", "20021"),
    "busy": ("-1", "10001"),
    "reply_window": ("45015", ""),
    "timeout": ("", ""),
    "5xx": ("", ""),
    "malformed": ("", ""),
    "publishing": ("", ""),
}
FAULT_LABELS = {
    "expired_token": "令牌过期",
    "quota": "配额用完/频次超限",
    "length": "正文超长",
    "title_length": "标题超长",
    "reject": "平台审核拒绝",
    "busy": "系统繁忙",
    "reply_window": "超过48小时回复时限（微信）",
    "timeout": "超时不响应",
    "5xx": "服务器错误（HTTP 502）",
    "malformed": "返回非JSON",
    "publishing": "发布处理中（微信，查询一次返回“发布中”）",
}


def _enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "SIMULATOR_ENABLED", False):
            raise Http404()
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_not_required(csrf_exempt(wrapped))


def _wx(errcode: str | int, errmsg: str = "error", status: int = 200) -> JsonResponse:
    return JsonResponse({"errcode": int(errcode), "errmsg": errmsg}, status=status)


def _wb(code: str | int, error: str, request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": error, "error_code": int(code), "request": request.path}, status=400)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(8)


def _take_fault(platform: str, op: str) -> str:
    """Consume one injected fault matching this operation (or any operation)."""
    with transaction.atomic():
        for fault in (
            SimulatedItem.objects.select_for_update().filter(platform=platform, kind="fault").order_by("id")
        ):
            if fault.data.get("op") not in ("*", op):
                continue
            left = int(fault.data.get("times", 1)) - 1
            if left <= 0:
                fault.delete()
            else:
                fault.data = {**fault.data, "times": left}
                fault.save(update_fields=["data", "updated_at"])
            return str(fault.data.get("error", ""))
    return ""


def _transport_fault(name: str) -> HttpResponse | None:
    if name == "timeout":
        time.sleep(float(getattr(settings, "SIMULATOR_TIMEOUT_SECONDS", 3)))
        return HttpResponse("late", status=504)
    if name == "5xx":
        return HttpResponse("<html>502 Bad Gateway</html>", status=502)
    if name == "malformed":
        return HttpResponse("<html>这不是JSON", content_type="text/html")
    return None


def _idempotent(platform: str, app: str, op: str, key: str, work: Callable[[], JsonResponse]) -> JsonResponse:
    """A repeated X-Idempotency-Key returns the first answer and does nothing else."""
    if not key:
        return work()
    ikey = f"{app}:{op}:{key}"[:200]
    stored = SimulatedItem.objects.filter(platform=platform, kind="idem", key=ikey).first()
    if stored is not None:
        return JsonResponse(stored.data)
    try:
        with transaction.atomic():
            response = work()
            if response.status_code == 200:
                payload = json.loads(response.content)
                if payload.get("errcode", 0) == 0 and "error_code" not in payload:
                    SimulatedItem.objects.create(
                        platform=platform, kind="idem", key=ikey, app=app, data=payload
                    )
            return response
    except IntegrityError:  # a concurrent request with the same key won: answer as it did
        stored = SimulatedItem.objects.get(platform=platform, kind="idem", key=ikey)
        return JsonResponse(stored.data)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(f"simulator:{name}", args=args))


# ---- WeChat --------------------------------------------------------------------------------------------


@_enabled
def wechat_token(request: HttpRequest) -> HttpResponse:
    appid, secret = request.GET.get("appid", ""), request.GET.get("secret", "")
    if request.GET.get("grant_type") != "client_credential":
        return _wx(40002, "invalid grant_type")
    if not appid:
        return _wx(40013, "invalid appid")
    app = SimulatedItem.objects.filter(platform=WECHAT, kind="app", key=appid).first()
    expected = app.data.get("secret") if app else settings.SIMULATOR_APP_SECRET
    if secret != expected:
        return _wx(40125, "invalid appsecret")
    if fault := _transport_fault(_take_fault(WECHAT, "token")):
        return fault
    token = _new_id("simtoken-")
    SimulatedItem.objects.create(
        platform=WECHAT, kind="token", key=token, app=appid, data={"expires": time.time() + TOKEN_SECONDS}
    )
    return JsonResponse({"access_token": token, "expires_in": TOKEN_SECONDS})


def _wechat_app(request: HttpRequest) -> tuple[str, JsonResponse | None]:
    token = SimulatedItem.objects.filter(
        platform=WECHAT, kind="token", key=request.GET.get("access_token", "")
    ).first()
    if token is None:
        return "", _wx(40014, "invalid access_token")
    if float(token.data.get("expires", 0)) < time.time():
        return "", _wx(42001, "access_token expired")
    return token.app, None


def _wechat_api(op: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., HttpResponse]]:
    """Token check, injected faults, then the operation."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
        def wrapped(request: HttpRequest) -> HttpResponse:
            if request.method != "POST":
                return _wx(43002, "require POST method")
            app, problem = _wechat_app(request)
            if problem is not None:
                return problem
            fault = _take_fault(WECHAT, op)
            if transport := _transport_fault(fault):
                return transport
            if fault == "expired_token":
                SimulatedItem.objects.filter(
                    platform=WECHAT, kind="token", key=request.GET["access_token"]
                ).delete()
                return _wx(42001, "access_token expired")
            if fault and FAULTS.get(fault, ("",))[0]:
                return _wx(FAULTS[fault][0], f"simulated {fault}")
            key = request.headers.get("X-Idempotency-Key", "")
            return _idempotent(WECHAT, app, op, key, lambda: view(request, app, fault))

        wrapped.__name__ = view.__name__
        return _enabled(wrapped)

    return decorate


@_wechat_api("material/add_material")
def wechat_add_material(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    upload = request.FILES.get("media")
    if upload is None:
        return _wx(41005, "media data missing")
    if (upload.size or 0) > 10 * 1024 * 1024:
        return _wx(40006, "invalid file size")
    media_id = _new_id("simmedia-")
    SimulatedItem.objects.create(
        platform=WECHAT,
        kind="material",
        key=media_id,
        app=app,
        data={"name": upload.name, "size": upload.size},
    )
    return JsonResponse({"media_id": media_id, "url": _absolute(request, "wechat_material", media_id)})


@_wechat_api("draft/add")
def wechat_draft_add(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    articles = _body(request).get("articles") or []
    if not articles or not isinstance(articles, list):
        return _wx(40007, "invalid articles")
    for article in articles:
        if gb18030_bytes(str(article.get("title") or "")) > 64:
            return _wx(45003, "title size out of limit")
        if len(str(article.get("content") or "")) > 20000:
            return _wx(45002, "content size out of limit")
        if not article.get("thumb_media_id"):
            return _wx(40007, "invalid media_id")
    media_id = _new_id("simdraft-")
    SimulatedItem.objects.create(
        platform=WECHAT, kind="draft", key=media_id, app=app, data={"articles": articles}
    )
    return JsonResponse({"media_id": media_id})


@_wechat_api("freepublish/submit")
def wechat_submit(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    draft = SimulatedItem.objects.filter(
        platform=WECHAT, kind="draft", key=_body(request).get("media_id", ""), app=app
    ).first()
    if draft is None:
        return _wx(40007, "invalid media_id")
    publish_id = str(int(time.time() * 1000)) + secrets.token_hex(2)
    article_id = _new_id("simarticle-")
    article = draft.data["articles"][0]
    status = 4 if fault == "reject" else 0
    SimulatedItem.objects.create(
        platform=WECHAT,
        kind="publish",
        key=publish_id,
        app=app,
        data={"article_id": article_id, "status": status, "pending_polls": 1 if fault == "publishing" else 0},
    )
    if status == 0:
        SimulatedItem.objects.create(
            platform=WECHAT,
            kind="article",
            key=article_id,
            app=app,
            data={
                "title": article.get("title", ""),
                "content": article.get("content", ""),
                "digest": article.get("digest", ""),
                "url": _absolute(request, "item", WECHAT, article_id),
                "deleted": False,
                "original": {"title": article.get("title", ""), "content": article.get("content", "")},
            },
        )
    return JsonResponse({"errcode": 0, "errmsg": "ok", "publish_id": publish_id, "msg_data_id": article_id})


@_wechat_api("freepublish/get")
def wechat_publish_get(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    job = SimulatedItem.objects.filter(
        platform=WECHAT, kind="publish", key=str(_body(request).get("publish_id", "")), app=app
    ).first()
    if job is None:
        return _wx(40007, "invalid publish_id")
    if job.data.get("pending_polls"):
        job.data = {**job.data, "pending_polls": job.data["pending_polls"] - 1}
        job.save(update_fields=["data", "updated_at"])
        return JsonResponse({"publish_id": job.key, "publish_status": 1})
    article = SimulatedItem.objects.filter(
        platform=WECHAT, kind="article", key=job.data["article_id"]
    ).first()
    status = int(job.data["status"])
    if article is not None and article.data.get("deleted"):
        status = 5
    answer: dict[str, Any] = {"publish_id": job.key, "publish_status": status}
    if status == 0 and article is not None:
        answer["article_id"] = article.key
        answer["article_detail"] = {"count": 1, "item": [{"idx": 1, "article_url": article.data["url"]}]}
    if status in (2, 3, 4):
        answer["fail_idx"] = [1]
    return JsonResponse(answer)


@_wechat_api("freepublish/getarticle")
def wechat_get_article(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    article = SimulatedItem.objects.filter(
        platform=WECHAT, kind="article", key=_body(request).get("article_id", ""), app=app
    ).first()
    if article is None:
        return _wx(53600, "invalid article_id")
    d = article.data
    return JsonResponse(
        {
            "news_item": [
                {
                    "title": d["title"],
                    "content": d["content"],
                    "digest": d.get("digest", ""),
                    "url": d["url"],
                    "is_deleted": bool(d.get("deleted")),
                }
            ]
        }
    )


@_wechat_api("message/mass/sendall")
def wechat_mass_send(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    body = _body(request)
    draft = SimulatedItem.objects.filter(
        platform=WECHAT, kind="draft", key=(body.get("mpnews") or {}).get("media_id", ""), app=app
    ).first()
    if draft is None:
        return _wx(40007, "invalid media_id")
    registered = SimulatedItem.objects.filter(platform=WECHAT, kind="app", key=app).first()
    service = bool(registered and registered.data.get("kind") == "service")
    now = timezone.localtime()
    start = now.replace(day=1) if service else now
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    used = SimulatedItem.objects.filter(platform=WECHAT, kind="mass", app=app, created_at__gte=start).count()
    if used >= (4 if service else 1):
        return _wx(45028, "has no masssend quota")
    msg_id = str(int(time.time() * 1000))
    article = draft.data["articles"][0]
    SimulatedItem.objects.create(
        platform=WECHAT, kind="mass", key=msg_id, app=app, data={"title": article.get("title", "")}
    )
    return JsonResponse(
        {"errcode": 0, "errmsg": "send job submission success", "msg_id": msg_id, "msg_data_id": msg_id}
    )


@_wechat_api("message/custom/send")
def wechat_custom_send(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    body = _body(request)
    if not body.get("touser"):
        return _wx(40003, "invalid openid")
    text = str((body.get("text") or {}).get("content") or "")
    if not text:
        return _wx(44004, "empty content")
    if len(text.encode()) > 2048:
        return _wx(45002, "content size out of limit")
    msgid = _new_id("simmsg-")
    SimulatedItem.objects.create(
        platform=WECHAT, kind="reply", key=msgid, app=app, data={"to": body["touser"], "text": text}
    )
    return JsonResponse({"errcode": 0, "errmsg": "ok", "msgid": msgid})


@_wechat_api("comment/list")
def wechat_comments(request: HttpRequest, app: str, fault: str) -> JsonResponse:
    article_id = str(_body(request).get("msg_data_id", ""))
    rows = SimulatedItem.objects.filter(platform=WECHAT, kind="comment", data__article=article_id).order_by(
        "id"
    )
    comments = [
        {
            "user_comment_id": c.key,
            "openid": c.data.get("user", ""),
            "content": c.data.get("text", ""),
            "create_time": int(c.created_at.timestamp()),
        }
        for c in rows
    ]
    return JsonResponse({"errcode": 0, "errmsg": "ok", "total": len(comments), "comment": comments})


@_enabled
def wechat_material(request: HttpRequest, media_id: str) -> HttpResponse:
    if not SimulatedItem.objects.filter(platform=WECHAT, kind="material", key=media_id).exists():
        raise Http404()
    return HttpResponse(b"", content_type="image/png")


# ---- Weibo ---------------------------------------------------------------------------------------------


def _weibo_api(op: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
        def wrapped(request: HttpRequest) -> HttpResponse:
            params = request.POST if request.method == "POST" else request.GET
            token = params.get("access_token", "")
            known = SimulatedItem.objects.filter(platform=WEIBO, kind="token", key=token).first()
            if not token or (known is None and not token.startswith("sim-")):
                return _wb(21332, "invalid_access_token", request)
            if known is not None and known.data.get("revoked"):
                return _wb(21327, "expired_token", request)
            fault = _take_fault(WEIBO, op)
            if transport := _transport_fault(fault):
                return transport
            if fault and FAULTS.get(fault, ("", ""))[1]:
                return _wb(FAULTS[fault][1], f"simulated {fault}", request)
            uid = token.removeprefix("sim-weibo-") if known is None else str(known.data.get("uid", token))
            key = request.headers.get("X-Idempotency-Key", "")
            return _idempotent(WEIBO, uid, op, key, lambda: view(request, uid, params))

        wrapped.__name__ = view.__name__
        return _enabled(wrapped)

    return decorate


@_weibo_api("statuses/share")
def weibo_share(request: HttpRequest, uid: str, params: Any) -> JsonResponse:
    if request.method != "POST":
        return _wb(10021, "HTTP method is not suported for this request", request)
    text = str(params.get("status", ""))
    if not text.strip():
        return _wb(10016, "miss required parameter (status)", request)
    if weibo_count(text) > 140:
        return _wb(20012, "Text too long, please input text less than 140 characters!", request)
    pic = request.FILES.get("pic")
    status_id = str(int(time.time() * 1000000))[-16:]
    url = _absolute(request, "item", WEIBO, status_id)
    SimulatedItem.objects.create(
        platform=WEIBO,
        kind="status",
        key=status_id,
        app=uid,
        data={
            "text": text,
            "pic": bool(pic),
            "pic_size": pic.size if pic else 0,
            "url": url,
            "deleted": False,
            "original": {"text": text},
        },
    )
    return JsonResponse(
        {
            "id": int(status_id),
            "idstr": status_id,
            "text": text,
            "user": {"id": uid, "idstr": uid},
            "url": url,
        }
    )


@_weibo_api("statuses/show")
def weibo_show(request: HttpRequest, uid: str, params: Any) -> JsonResponse:
    item = SimulatedItem.objects.filter(platform=WEIBO, kind="status", key=params.get("id", "")).first()
    if item is None or item.data.get("deleted"):
        return _wb(20101, "Target weibo does not exist!", request)
    return JsonResponse(
        {"id": int(item.key), "idstr": item.key, "text": item.data["text"], "url": item.data["url"]}
    )


@_weibo_api("comments/reply")
def weibo_reply(request: HttpRequest, uid: str, params: Any) -> JsonResponse:
    if request.method != "POST":
        return _wb(10021, "HTTP method is not suported for this request", request)
    text = str(params.get("comment", ""))
    if not text or weibo_count(text) > 140:
        return _wb(20012, "Text too long, please input text less than 140 characters!", request)
    reply_id = str(int(time.time() * 1000000))[-16:]
    SimulatedItem.objects.create(
        platform=WEIBO,
        kind="reply",
        key=reply_id,
        app=uid,
        data={"cid": params.get("cid", ""), "id": params.get("id", ""), "text": text},
    )
    return JsonResponse({"id": int(reply_id), "idstr": reply_id, "text": text})


@_weibo_api("comments/show")
def weibo_comments(request: HttpRequest, uid: str, params: Any) -> JsonResponse:
    rows = SimulatedItem.objects.filter(
        platform=WEIBO, kind="comment", data__status=params.get("id", "")
    ).order_by("id")
    comments = [
        {
            "idstr": c.key,
            "text": c.data.get("text", ""),
            "user": {"idstr": c.data.get("user", "")},
            "created_at": c.created_at.strftime("%a %b %d %H:%M:%S %z %Y"),
        }
        for c in rows
    ]
    return JsonResponse({"comments": comments, "total_number": len(comments)})


# ---- pages: the store, one item, tampering, faults ----------------------------------------------------


def _items() -> list[SimulatedItem]:
    return list(SimulatedItem.objects.filter(kind__in=["article", "status"]).order_by("-created_at")[:100])


@_enabled
def index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # inject a fault
        platform, error = request.POST.get("platform", ""), request.POST.get("error", "")
        if platform in (WECHAT, WEIBO) and error in FAULTS:
            SimulatedItem.objects.create(
                platform=platform,
                kind="fault",
                key=_new_id("fault-"),
                data={
                    "op": request.POST.get("op") or "*",
                    "error": error,
                    "times": max(1, int(request.POST.get("times") or 1)),
                },
            )
        return redirect("simulator:index")
    context = {
        "items": _items(),
        "replies": SimulatedItem.objects.filter(kind="reply").order_by("-created_at")[:50],
        "faults": SimulatedItem.objects.filter(kind="fault").order_by("id"),
        "fault_labels": FAULT_LABELS,
    }
    return render(request, "platforms/simulator/index.html", context)


@_enabled
def item(request: HttpRequest, platform: str, key: str) -> HttpResponse:
    """The public page of a published item, and the form to tamper with it."""
    kind = "article" if platform == WECHAT else "status"
    obj = SimulatedItem.objects.filter(platform=platform, kind=kind, key=key).first()
    if obj is None:
        raise Http404()
    if request.method == "POST":
        data = dict(obj.data)
        if platform == WECHAT:
            data["title"] = request.POST.get("title", data["title"])
            data["content"] = request.POST.get("content", data["content"])
        else:
            data["text"] = request.POST.get("text", data["text"])
        data["deleted"] = request.POST.get("deleted") == "1"
        data["tampered_at"] = timezone.now().isoformat()
        obj.data = data
        obj.save(update_fields=["data", "updated_at"])
        return redirect("simulator:item", platform, key)
    return render(request, "platforms/simulator/item.html", {"obj": obj, "platform": platform})


@_enabled
def control(request: HttpRequest) -> HttpResponse:
    """Machine control for tests and scripts: POST {"action": "fault", "platform", "error", "op", "times"}
    or {"action": "app", "appid", "secret", "kind"} or {"action": "expire_tokens"} or {"action": "reset"}."""
    if request.method != "POST":
        return JsonResponse({"items": len(_items())})
    body = _body(request)
    action = body.get("action")
    if action == "fault" and body.get("error") in FAULTS and body.get("platform") in (WECHAT, WEIBO):
        SimulatedItem.objects.create(
            platform=body["platform"],
            kind="fault",
            key=_new_id("fault-"),
            data={"op": body.get("op") or "*", "error": body["error"], "times": int(body.get("times") or 1)},
        )
    elif action == "app" and body.get("appid"):
        SimulatedItem.objects.update_or_create(
            platform=WECHAT,
            kind="app",
            key=body["appid"],
            defaults={"data": {"secret": body.get("secret", ""), "kind": body.get("kind", "subscription")}},
        )
    elif action == "expire_tokens":
        past = time.time() - 1
        for token in SimulatedItem.objects.filter(platform=WECHAT, kind="token"):
            token.data = {**token.data, "expires": past}
            token.save(update_fields=["data", "updated_at"])
    elif action == "reset":
        SimulatedItem.objects.all().delete()
    else:
        return JsonResponse({"ok": False, "error": "未知的操作"}, status=400)
    return JsonResponse({"ok": True})


def token_lifetime() -> timedelta:
    return timedelta(seconds=TOKEN_SECONDS)
