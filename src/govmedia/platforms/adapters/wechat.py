"""WeChat official account adapter (B-6, R5.6-1, R5.6-3) over the platform's HTTP API.

Publication: permanent material for the cover and images (`material/add_material`), a draft
(`draft/add`), then either publication (`freepublish/submit` and `freepublish/get` polling) or, for accounts
that use it, a mass send (`message/mass/sendall`). Every call that creates something carries the
`X-Idempotency-Key` header (honoured by the simulator); the worker also keeps each step's result, so a
retry resumes after the last step that succeeded."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

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
    TokenCache,
    Uploaded,
    plain,
)

REFRESH_MARGIN = 300  # seconds before expiry at which a token is fetched afresh
TOKEN_ERRORS = {"40001", "40014", "42001"}
RETRYABLE = {"-1", "45009", "45011", "40001", "40014", "42001", "45047"}

# Platform error codes and what people read (the WeChat global return codes).
MESSAGES = {
    "-1": "微信平台系统繁忙，稍后自动重试",
    "40001": "接口调用凭据（access_token）无效，已重新获取",
    "40003": "不合法的用户标识（OpenID）",
    "40004": "不合法的媒体文件类型",
    "40005": "上传的素材文件格式不对",
    "40006": "上传的素材文件大小超出限制",
    "40007": "不合法的素材ID（素材可能已被删除）",
    "40013": "AppID 不正确，请核对接口凭据",
    "40014": "接口调用凭据（access_token）不合法，已重新获取",
    "40125": "AppSecret 不正确，请重新录入接口凭据",
    "40164": "本系统的IP地址不在公众号的IP白名单中，请在公众平台设置",
    "42001": "接口调用凭据（access_token）已过期，已重新获取",
    "43004": "该用户未关注公众号，无法回复",
    "45002": "消息内容超过长度限制",
    "45003": "标题超过长度限制（64字节）",
    "45004": "摘要超过长度限制",
    "45009": "接口调用次数已达当日上限，稍后自动重试",
    "45011": "接口调用太频繁，稍后自动重试",
    "45015": "用户48小时内未与公众号互动，平台不允许通过接口回复，请人工回复",
    "45028": "群发配额已用完（订阅号每天1条、服务号每月4条）",
    "45047": "客服消息下行条数超过上限，稍后自动重试",
    "48001": "公众号未获得该接口权限（需认证或开通相应功能）",
    "53503": "该草稿未通过平台发布检查",
    "53504": "该草稿需前往公众平台官网使用",
    "53505": "请先在公众平台手动保存草稿后再发表",
    "53600": "文章ID无效（文章可能已删除）",
    "88000": "该文章未开启留言功能",
}
PUBLISH_STATUS = {
    2: ("original_check", "原创声明校验未通过，平台未发布"),
    3: ("publish_failed", "平台发布失败"),
    4: ("rejected", "平台审核未通过，已拒绝发布"),
    5: ("deleted", "文章发布成功后已被删除"),
    6: ("banned", "文章发布成功后已被平台封禁"),
}


def error_for(code: Any, errmsg: str = "") -> PlatformError:
    key = str(code)
    message = MESSAGES.get(key, f"微信平台返回错误：{errmsg or '未知错误'}")
    return PlatformError(f"wechat_{key}", message, key in RETRYABLE, errmsg)


def article_html(body: str, images: list[str]) -> str:
    """The article body as WeChat's rich-text HTML: paragraphs, then the images."""
    paragraphs = [f"<p>{html.escape(line)}</p>" for line in body.splitlines() if line.strip()]
    pictures = [f'<p><img src="{html.escape(url)}"/></p>' for url in images]
    return "".join(paragraphs + pictures)


class WechatAdapter:
    platform = "wechat"

    def __init__(self, base_url: str, credentials: Credentials, tokens: TokenCache) -> None:
        self.base = base_url.rstrip("/")
        self.credentials = credentials
        self.tokens = tokens

    # ---- tokens ----
    @property
    def _token_key(self) -> str:
        return f"wechat:{self.base}:{self.credentials.app_id}"

    def access_token(self) -> str:
        if token := self.tokens.get(self._token_key):
            return token
        answer = http.call(
            "GET",
            f"{self.base}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.credentials.app_id,
                "secret": self.credentials.secret,
            },
        )
        if not isinstance(answer, dict) or "access_token" not in answer:
            code = answer.get("errcode", "") if isinstance(answer, dict) else ""
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            if str(code) in {"40001", "40125"}:  # at token fetch, 40001 means a wrong AppSecret
                raise PlatformError(f"wechat_{code}", "AppSecret 不正确，请重新录入接口凭据", False)
            raise error_for(code or "-1", errmsg)
        expires_in = int(answer.get("expires_in") or 7200)
        self.tokens.put(self._token_key, str(answer["access_token"]), max(60, expires_in - REFRESH_MARGIN))
        return str(answer["access_token"])

    def _api(self, path: str, body: Any = None, key: str = "", files: Any = None, params: Any = None) -> Any:
        """POST to the API; a token error drops the cached token and tries once more with a new one."""
        for attempt in (1, 2):
            query = {"access_token": self.access_token(), **(params or {})}
            headers = {"X-Idempotency-Key": key} if key else {}
            answer = http.call(
                "POST",
                f"{self.base}/cgi-bin/{path}",
                params=query,
                json_body=body if files is None else None,
                files=files,
                headers=headers,
            )
            if not isinstance(answer, dict):
                raise PlatformError("bad_json", "平台返回的数据格式错误，稍后自动重试", True)
            code = str(answer.get("errcode", 0))
            if code == "0":
                return answer
            if code in TOKEN_ERRORS and attempt == 1:
                self.tokens.drop(self._token_key)
                continue
            raise error_for(code, str(answer.get("errmsg", "")))
        raise AssertionError("unreachable")

    # ---- the adapter interface ----
    def upload_material(self, media: MediaFile) -> Uploaded:
        kind = {"image": "image", "voice": "voice", "video": "video"}.get(media.kind, "image")
        ctype = {"image": "image/png", "voice": "audio/mpeg", "video": "video/mp4"}[kind]
        answer = self._api(
            "material/add_material",
            key=f"material:{media.sha256}",
            params={"type": kind},
            files={"media": (media.name or f"{media.sha256[:12]}", media.read_bytes(), ctype)},
        )
        if not answer.get("media_id"):
            raise PlatformError("bad_answer", "平台未返回素材ID，稍后自动重试", True)
        return Uploaded(str(answer["media_id"]), str(answer.get("url") or ""))

    def publish(self, payload: PostPayload, state: dict[str, Any], checkpoint: Checkpoint) -> Published:
        state = dict(state)
        if not state.get("media_id"):
            article = {
                "title": payload.title,
                "author": "",
                "digest": payload.body[:54],
                "content": article_html(payload.body, list(state.get("image_urls") or [])),
                "content_source_url": payload.source_url,
                "thumb_media_id": state.get("thumb_media_id", ""),
                "need_open_comment": 1,
                "only_fans_can_comment": 0,
            }
            answer = self._api("draft/add", {"articles": [article]}, key=f"{payload.key}:draft")
            state["media_id"] = str(answer.get("media_id") or "")
            if not state["media_id"]:
                raise PlatformError("bad_answer", "平台未返回草稿ID，稍后自动重试", True)
            checkpoint(state)
        if self.credentials.wechat_mode == "mass":
            if not state.get("msg_id"):
                answer = self._api(
                    "message/mass/sendall",
                    {
                        "filter": {"is_to_all": True},
                        "mpnews": {"media_id": state["media_id"]},
                        "msgtype": "mpnews",
                        "send_ignore_reprint": 0,
                    },
                    key=f"{payload.key}:mass",
                )
                state["msg_id"] = str(answer.get("msg_id") or "")
                state["msg_data_id"] = str(answer.get("msg_data_id") or "")
                checkpoint(state)
            return Published(True, f"mass:{state['msg_id']}", str(state.get("url") or ""), state)
        if not state.get("publish_id"):
            answer = self._api(
                "freepublish/submit", {"media_id": state["media_id"]}, key=f"{payload.key}:submit"
            )
            state["publish_id"] = str(answer.get("publish_id") or "")
            if not state["publish_id"]:
                raise PlatformError("bad_answer", "平台未返回发布任务ID，稍后自动重试", True)
            checkpoint(state)
        return self.publish_status(state)

    def publish_status(self, state: dict[str, Any]) -> Published:
        answer = self._api("freepublish/get", {"publish_id": state["publish_id"]})
        status = int(answer.get("publish_status", -1))
        if status == 1:
            return Published(False, state=state)
        if status == 0:
            items = (answer.get("article_detail") or {}).get("item") or []
            url = str(items[0].get("article_url") or "") if items else ""
            return Published(True, str(answer.get("article_id") or ""), url, state)
        code, message = PUBLISH_STATUS.get(status, ("publish_unknown", f"平台返回未知的发布状态（{status}）"))
        raise PlatformError(f"wechat_publish_{code}", message, False)

    def read(self, platform_id: str) -> RemoteItem:
        if platform_id.startswith("mass:"):
            raise PlatformError("unsupported", "群发消息无法通过接口读取原文，请人工核对", False)
        answer = self._api("freepublish/getarticle", {"article_id": platform_id})
        items = answer.get("news_item") or []
        if not items:
            return RemoteItem(platform_id, "", "", deleted=True)
        item = items[0]
        return RemoteItem(
            platform_id,
            str(item.get("title") or ""),
            plain(str(item.get("content") or "")),
            str(item.get("url") or ""),
            bool(item.get("is_deleted")),
        )

    def send_reply(
        self, key: str, recipient: str, message_id: str, text: str, context: dict[str, Any]
    ) -> str:
        """A customer-service text message (allowed within 48 hours of the user's last message)."""
        if not recipient:
            raise PlatformError("no_recipient", "留言没有发送者OpenID，无法通过接口回复，请人工回复", False)
        answer = self._api(
            "message/custom/send",
            {"touser": recipient, "msgtype": "text", "text": {"content": text}},
            key=key,
        )
        return str(answer.get("msgid") or answer.get("msg_id") or key)

    def pull_comments(self, platform_id: str) -> list[Comment]:
        answer = self._api(
            "comment/list", {"msg_data_id": platform_id, "index": 0, "begin": 0, "count": 50, "type": 0}
        )
        return [
            Comment(
                str(c.get("user_comment_id") or ""),
                str(c.get("openid") or ""),
                str(c.get("content") or ""),
                datetime.fromtimestamp(int(c["create_time"]), UTC) if c.get("create_time") else None,
            )
            for c in answer.get("comment") or []
        ]

    def expected(self, title: str, body: str) -> tuple[str, str]:
        return title, plain(article_html(body, []))
