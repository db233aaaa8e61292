"""`/platforms/wechat/{account_id}/callback`: WeChat's URL verification and message push (CONTRACT.md).

The push is answered within WeChat's 5 seconds by registering only (status 待登记); the handling happens
later in the pages. A forged signature gets 403 and registers nothing; bad XML gets 400, never 500."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from govmedia.platforms import wechat_crypto as wx
from govmedia.registry.models import Account

from .intake import receive_push

ACK = "您的留言已收到，我们将按规定及时办理并回复。"
HANDLED = {"text", "image", "voice"}


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _fields(msg: dict[str, str]) -> dict[str, Any]:
    kind = msg.get("MsgType", "")
    try:
        received = datetime.fromtimestamp(int(msg.get("CreateTime", "")), tz=timezone.get_current_timezone())
    except (ValueError, OverflowError, OSError):
        received = timezone.now()
    received = min(received, timezone.now())
    media: dict[str, str] = {}
    if kind == "text":
        content = msg.get("Content", "")
    elif kind == "image":
        media = {"pic_url": msg.get("PicUrl", ""), "media_id": msg.get("MediaId", "")}
        content = "[图片留言]" + (f" {media['pic_url']}" if media["pic_url"] else "")
    else:
        media = {"media_id": msg.get("MediaId", ""), "format": msg.get("Format", "")}
        recognition = msg.get("Recognition", "")
        content = f"[语音留言] {recognition}" if recognition else "[语音留言]（待转写）"
    message_id = msg.get("MsgId") or f"{msg.get('FromUserName', '')}-{msg.get('CreateTime', '')}"
    return {
        "platform_message_id": message_id[:100],
        "sender_id": msg.get("FromUserName", ""),
        "content": content,
        "received_at": received,
        "msg_type": kind,
        "media_ref": media,
    }


def _verify(request: HttpRequest, account: Account) -> HttpResponse:
    q = request.GET
    token, timestamp, nonce, echo = (
        account.wechat_token,
        q.get("timestamp", ""),
        q.get("nonce", ""),
        q.get("echostr", ""),
    )
    if not echo:
        return _plain("缺少 echostr", 400)
    if wx.check_signature(q.get("signature", ""), token, timestamp, nonce):
        return _plain(echo)
    if account.wechat_aes_key and wx.check_signature(
        q.get("msg_signature", ""), token, timestamp, nonce, echo
    ):
        try:
            return _plain(wx.decrypt(echo, account.wechat_aes_key, account.wechat_app_id))
        except wx.WechatError as exc:
            return _plain(str(exc), 400)
    return _plain("签名校验失败", 403)


def _receive(request: HttpRequest, account: Account) -> HttpResponse:
    q = request.GET
    token, timestamp, nonce = account.wechat_token, q.get("timestamp", ""), q.get("nonce", "")
    safe = q.get("encrypt_type", "raw").lower() == "aes" or bool(q.get("msg_signature"))
    try:
        body = request.body
        if safe:
            if not account.wechat_aes_key:
                return _plain("该账号未配置 EncodingAESKey", 400)
            envelope = wx.parse_xml(body)
            encrypted = envelope.get("Encrypt", "")
            if not wx.check_signature(q.get("msg_signature", ""), token, timestamp, nonce, encrypted):
                return _plain("签名校验失败", 403)
            msg = wx.parse_xml(wx.decrypt(encrypted, account.wechat_aes_key, account.wechat_app_id))
        else:
            if not wx.check_signature(q.get("signature", ""), token, timestamp, nonce):
                return _plain("签名校验失败", 403)
            msg = wx.parse_xml(body)
    except wx.WechatError as exc:
        return _plain(str(exc), 400)
    if msg.get("MsgType") not in HANDLED:
        return _plain("success")  # events, locations, links: nothing to register
    receive_push(account, _fields(msg))
    answer = wx.text_reply(msg.get("FromUserName", ""), msg.get("ToUserName", ""), ACK)
    if safe:
        answer = wx.encrypted_reply(
            answer, token, account.wechat_aes_key, account.wechat_app_id, nonce or "0"
        )
    return HttpResponse(answer, content_type="application/xml; charset=utf-8")


@csrf_exempt
@login_not_required
def callback(request: HttpRequest, account_id: int) -> HttpResponse:
    account = Account.objects.filter(pk=account_id, type="wechat").exclude(wechat_token="").first()
    if account is None:
        return _plain("账号不存在或未配置消息推送", 404)
    if request.method == "GET":
        return _verify(request, account)
    if request.method == "POST":
        return _receive(request, account)
    return _plain("不支持的请求方法", 405)
