"""Weibo adapter (B-6, R5.6-4): text plus one picture through `statuses/share`; text over 140 Weibo
characters goes out as a summary with the long-Weibo image of the whole post."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from govmedia.compliance.core.text import weibo_count

from . import http
from .base import (
    Checkpoint,
    Comment,
    Credentials,
    MediaFile,
    PlatformError,
    PostPayload,
    Published,
    RemoteItem,
    Uploaded,
    plain,
)

MAX_CHARS = 140
RETRYABLE = {"10001", "10002", "10009", "10022", "10023", "10024", "20016"}
MESSAGES = {
    "10001": "微博平台系统错误，稍后自动重试",
    "10002": "微博服务暂停，稍后自动重试",
    "10009": "微博平台任务过多，稍后自动重试",
    "10014": "应用没有该接口的权限，请在微博开放平台申请",
    "10022": "本系统IP请求频次超过上限，稍后自动重试",
    "10023": "账号请求频次超过上限，稍后自动重试",
    "10024": "账号调用该接口的频次超过上限，稍后自动重试",
    "20003": "微博用户不存在",
    "20005": "不支持的图片类型，仅支持JPG、GIF、PNG",
    "20006": "图片太大",
    "20012": "微博正文超过140字",
    "20016": "发微博太频繁，稍后自动重试",
    "20017": "与已发布的微博内容重复",
    "20018": "正文中包含不被允许的网址",
    "20019": "与已发布的微博内容重复",
    "20020": "正文被平台判定为广告",
    "20021": "正文被平台判定为违规内容，平台拒绝发布",
    "20101": "该微博不存在（可能已被删除）",
    "20111": "短时间内不能发布相同的微博",
    "21301": "微博授权失败，请重新授权",
    "21314": "微博授权已失效，请重新授权",
    "21315": "微博授权已过期，请重新授权",
    "21316": "微博授权已被撤销，请重新授权",
    "21317": "微博授权已被撤销，请重新授权",
    "21327": "微博授权（access_token）已过期，请重新授权",
    "21332": "微博授权（access_token）无效，请重新授权",
}


def error_for(code: Any, message: str = "") -> PlatformError:
    key = str(code)
    zh = MESSAGES.get(key, f"微博平台返回错误：{message or '未知错误'}")
    return PlatformError(f"weibo_{key}", zh, key in RETRYABLE, message)


def compose(title: str, body: str) -> tuple[str, bool]:
    """The status text and whether the long-Weibo image carries the whole post."""
    full = f"【{title}】{body}" if title else body
    if weibo_count(full) <= MAX_CHARS:
        return full, False
    tail = "…（全文见图）"
    head = f"【{title}】" if title else ""
    text = head + tail
    for i in range(len(body), -1, -1):
        text = head + body[:i] + tail
        if weibo_count(text) <= MAX_CHARS:
            break
    if weibo_count(text) > MAX_CHARS:  # a title longer than a status: cut the title itself
        text = "全文见图"
    return text, True


class WeiboAdapter:
    platform = "weibo"

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        long_image: Callable[[str, str], bytes] | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.credentials = credentials
        self.long_image = long_image

    def _call(self, method: str, path: str, key: str = "", **kwargs: Any) -> dict[str, Any]:
        headers = {"X-Idempotency-Key": key} if key else {}
        token = {"access_token": self.credentials.secret}
        if method == "GET":
            kwargs["params"] = {**token, **kwargs.get("params", {})}
        else:
            kwargs["form"] = {**token, **kwargs.get("form", {})}
        answer = http.call(method, f"{self.base}/2/{path}", headers=headers, error_json_ok=True, **kwargs)
        if not isinstance(answer, dict):
            raise PlatformError("bad_json", "平台返回的数据格式错误，稍后自动重试", True)
        if "error_code" in answer:
            raise error_for(answer["error_code"], str(answer.get("error") or ""))
        return answer

    def upload_material(self, media: MediaFile) -> Uploaded:
        raise PlatformError("unsupported", "微博没有素材库，图片随微博一并上传", False)

    def publish(self, payload: PostPayload, state: dict[str, Any], checkpoint: Checkpoint) -> Published:
        text, needs_image = compose(payload.title, payload.body)
        picture: tuple[str, bytes, str] | None = None
        if needs_image:
            if self.long_image is None:
                raise PlatformError("long_image", "正文超过140字，需要长微博图片，但无法生成", False)
            try:
                picture = ("long.png", self.long_image(payload.title, payload.body), "image/png")
            except Exception as exc:  # the font or the length: people must see why
                raise PlatformError("long_image", f"长微博图片生成失败：{exc}", False) from exc
        else:
            images = [m for m in payload.media if m.kind == "image"]
            if images:
                picture = (images[0].name or "image", images[0].read_bytes(), "application/octet-stream")
        files = {"pic": picture} if picture else None
        answer = self._call(
            "POST", "statuses/share.json", key=payload.key, form={"status": text}, files=files
        )
        status_id = str(answer.get("idstr") or answer.get("id") or "")
        if not status_id:
            raise PlatformError("bad_answer", "平台未返回微博ID，稍后自动重试", True)
        uid = str((answer.get("user") or {}).get("idstr") or (answer.get("user") or {}).get("id") or "")
        url = str(answer.get("url") or f"https://weibo.com/{uid}/{status_id}")
        return Published(True, status_id, url, {**state, "long_image": needs_image})

    def read(self, platform_id: str) -> RemoteItem:
        try:
            answer = self._call("GET", "statuses/show.json", params={"id": platform_id})
        except PlatformError as exc:
            if exc.code == "weibo_20101":
                return RemoteItem(platform_id, "", "", deleted=True)
            raise
        return RemoteItem(
            platform_id,
            "",
            plain(str(answer.get("text") or "")),
            str(answer.get("url") or ""),
            bool(answer.get("deleted")),
        )

    def send_reply(
        self, key: str, recipient: str, message_id: str, text: str, context: dict[str, Any]
    ) -> str:
        """Reply to a comment (`comments/reply`): needs the comment id and its Weibo's id."""
        status_id = str(context.get("status_id") or "")
        if not message_id or not status_id:
            raise PlatformError(
                "no_target", "留言缺少微博评论ID或所属微博ID，无法通过接口回复，请人工回复", False
            )
        answer = self._call(
            "POST", "comments/reply.json", key=key, form={"cid": message_id, "id": status_id, "comment": text}
        )
        return str(answer.get("idstr") or answer.get("id") or "")

    def pull_comments(self, platform_id: str) -> list[Comment]:
        answer = self._call("GET", "comments/show.json", params={"id": platform_id, "count": "50"})
        out = []
        for c in answer.get("comments") or []:
            created = None
            if c.get("created_at"):
                try:
                    created = datetime.strptime(str(c["created_at"]), "%a %b %d %H:%M:%S %z %Y")
                except ValueError:
                    created = None
            user = c.get("user") or {}
            out.append(
                Comment(
                    str(c.get("idstr") or c.get("id") or ""),
                    str(user.get("idstr") or ""),
                    str(c.get("text") or ""),
                    created,
                )
            )
        return out

    def expected(self, title: str, body: str) -> tuple[str, str]:
        return "", plain(compose(title, body)[0])
