"""Group-robot messages: WeCom (企业微信) and DingTalk (钉钉, with its 加签 secret).
Plain `urllib` with a short timeout and no Django imports, so the signing is tested alone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus, urlsplit

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    """A message that did not arrive; the message is kept as the delivery's last error."""


def check_url(url: str) -> str | None:
    """A Chinese reason the robot address is unusable, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return "机器人地址须以 https:// 或 http:// 开头。"
    if not parts.hostname:
        return "机器人地址缺少主机名。"
    if parts.username or parts.password:
        return "机器人地址不能包含用户名或密码。"
    if any(c.isspace() for c in url.strip()):
        return "机器人地址不能包含空格。"
    return None


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, base64 (not URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    sign = quote_plus(dingtalk_sign(secret, ts))
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


def body(kind: str, title: str, text: str) -> dict[str, object]:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title[:60], "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send(kind: str, url: str, secret: str, title: str, text: str, timeout: float = TIMEOUT_SECONDS) -> None:
    """POST one markdown message; raise DeliveryError unless the robot answers errcode 0."""
    if problem := check_url(url):
        raise DeliveryError(problem)
    target = signed_url(url.strip(), secret) if kind == "dingtalk" and secret else url.strip()
    data = json.dumps(body(kind, title, text), ensure_ascii=False).encode()
    request = urllib.request.Request(
        target, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"机器人返回HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DeliveryError(f"无法连接机器人地址：{reason}") from exc
    try:
        answer = json.loads(raw.decode("utf-8", "replace") or "{}")
    except ValueError as exc:
        raise DeliveryError("机器人返回的内容不是JSON") from exc
    if not isinstance(answer, dict):
        raise DeliveryError("机器人返回的内容格式不正确")
    errcode = answer.get("errcode", 0)
    if errcode not in (0, "0"):
        raise DeliveryError(f"机器人拒收：errcode {errcode} {str(answer.get('errmsg', ''))[:200]}")
