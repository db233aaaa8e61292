"""WeChat message push (CONTRACT "WeChat message push", R7-1 intake): official sample vectors, our own
encrypted messages, forgeries, duplicates and hostile XML."""

import time
from typing import Any

import pytest
from django.test import Client

from govmedia.inquiries.models import Inquiry, Status
from govmedia.platforms import wechat_crypto as wx
from govmedia.registry.models import Account

from .conftest import AES_KEY, APP_ID, make_account

OFFICIAL_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJ"
    "Ts3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2h"
    "gf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4E"
    "hzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2"
    "YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
OFFICIAL_BODY = (
    f"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
    f"<Encrypt><![CDATA[{OFFICIAL_ENCRYPT}]]></Encrypt></xml>"
)
PLAIN = {
    "signature": "899cf89e464efb63f54ddac96b0a0a235f53aa78",
    "timestamp": "1714037059",
    "nonce": "486452656",
}


def url(account: Account, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/platforms/wechat/{account.pk}/callback?{query}"


def text_msg(msg_id: str, content: str = "路灯坏了", kind: str = "text", extra: str = "") -> str:
    body = f"<Content><![CDATA[{content}]]></Content>" if kind == "text" else extra
    return (
        f"<xml><ToUserName><![CDATA[gh_yaoan]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName>"
        f"<CreateTime>{int(time.time()) - 60}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{body}"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


@pytest.fixture
def plain(db: Any) -> Account:
    return make_account("姚安县人民政府", "wechat", "测试明文模式", wechat_token="AAAAA")


def test_plain_mode_official_signature_vector(plain: Account) -> None:
    assert wx.signature("AAAAA", PLAIN["timestamp"], PLAIN["nonce"]) == PLAIN["signature"]
    r = Client().get(url(plain, **PLAIN, echostr="hello123"))
    assert r.status_code == 200 and r.content == b"hello123"
    r = Client().post(url(plain, **PLAIN), data=text_msg("9001", "请问办证地点？"), content_type="text/xml")
    assert r.status_code == 200
    reply = wx.parse_xml(r.content)
    assert reply["ToUserName"] == "oUser1" and "已收到" in reply["Content"]
    inquiry = Inquiry.objects.get(account=plain, platform_message_id="9001")
    assert (inquiry.status, inquiry.source, inquiry.content, inquiry.sender_id) == (
        Status.RECEIVED,
        "wechat",
        "请问办证地点？",
        "oUser1",
    )
    assert list(inquiry.steps.values_list("kind", "state")) == [("register", "open")]


def test_safe_mode_official_vector_decrypts_and_answers_encrypted(wechat: Account) -> None:
    params = {
        "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
        "timestamp": "1409659813",
        "nonce": "1372623149",
        "encrypt_type": "aes",
    }
    r = Client().post(url(wechat, **params), data=OFFICIAL_BODY, content_type="text/xml")
    assert r.status_code == 200, r.content
    inquiry = Inquiry.objects.get(account=wechat, platform_message_id="4561255354251345929")
    assert (inquiry.content, inquiry.sender_id) == ("hello", "mycreate")
    envelope = wx.parse_xml(r.content)
    assert wx.check_signature(
        envelope["MsgSignature"], "QDG6eK", envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
    )
    answer = wx.parse_xml(wx.decrypt(envelope["Encrypt"], AES_KEY, APP_ID))
    assert answer["ToUserName"] == "mycreate" and "已收到" in answer["Content"]


def test_safe_mode_official_url_verification(wechat: Account) -> None:
    echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    from urllib.parse import quote

    r = Client().get(
        url(
            wechat,
            msg_signature="5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
            timestamp="1409659589",
            nonce="263014780",
            echostr=quote(echostr, safe=""),
        )
    )
    assert r.status_code == 200 and r.content == b"1616140317555161061"


def _encrypted_post(account: Account, plain_xml: str, nonce: str = "777", forge: bool = False) -> Any:
    encrypted = wx.encrypt(plain_xml, AES_KEY, APP_ID)
    timestamp = str(int(time.time()))
    sig = wx.signature("QDG6eK", timestamp, nonce, encrypted)
    if forge:
        sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    body = (
        f"<xml><ToUserName><![CDATA[gh_yaoan]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    )
    return Client().post(
        url(account, msg_signature=sig, timestamp=timestamp, nonce=nonce, encrypt_type="aes"),
        data=body,
        content_type="text/xml",
    )


def test_our_own_encrypted_text_image_and_voice_messages_and_dedupe(wechat: Account) -> None:
    assert _encrypted_post(wechat, text_msg("5001", "东门路灯坏了")).status_code == 200
    assert _encrypted_post(wechat, text_msg("5001", "东门路灯坏了")).status_code == 200  # WeChat's retry
    image = text_msg(
        "5002",
        kind="image",
        extra="<PicUrl><![CDATA[http://mmbiz.example/pic.jpg]]></PicUrl>"
        "<MediaId><![CDATA[media-1]]></MediaId>",
    )
    voice = text_msg(
        "5003",
        kind="voice",
        extra="<MediaId><![CDATA[media-2]]></MediaId><Format><![CDATA[amr]]>"
        "</Format><Recognition><![CDATA[我要反映问题]]></Recognition>",
    )
    assert _encrypted_post(wechat, image).status_code == 200
    assert _encrypted_post(wechat, voice).status_code == 200
    rows = {i.platform_message_id: i for i in Inquiry.objects.filter(account=wechat)}
    assert sorted(rows) == ["5001", "5002", "5003"]
    assert rows["5002"].msg_type == "image" and rows["5002"].media_ref["media_id"] == "media-1"
    assert rows["5003"].msg_type == "voice" and "我要反映问题" in rows["5003"].content


def test_forged_signatures_get_403_and_register_nothing(wechat: Account, plain: Account) -> None:
    assert _encrypted_post(wechat, text_msg("6001"), forge=True).status_code == 403
    forged = {**PLAIN, "signature": "0" * 40}
    assert (
        Client().post(url(plain, **forged), data=text_msg("6002"), content_type="text/xml").status_code == 403
    )
    assert Client().post(url(plain), data=text_msg("6003"), content_type="text/xml").status_code == 403
    assert Client().get(url(plain, **forged, echostr="x")).status_code == 403
    assert not Inquiry.objects.filter(platform_message_id__in=["6001", "6002", "6003"]).exists()


HOSTILE = [
    "",
    "not xml at all",
    "<xml><Content>unclosed",
    "<root><MsgType>text</MsgType></root>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><MsgType>text</MsgType>'
    "<Content>&e;</Content><MsgId>7</MsgId></xml>",
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    "<xml><Content>&b;</Content></xml>",
    "<xml>" + "<a>" * 5000 + "</a>" * 5000 + "</xml>",
    "\xff\xfe<xml/>",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_malformed_or_hostile_xml_never_500(plain: Account, wechat: Account, body: str) -> None:
    r = Client().post(
        url(plain, **PLAIN), data=body.encode("utf-8", "surrogateescape"), content_type="text/xml"
    )
    assert r.status_code == (200 if body.startswith("<xml><a>") else 400)  # deep nesting parses: no MsgType
    r = _encrypted_post(wechat, body)
    assert r.status_code == (200 if body.startswith("<xml><a>") else 400)
    assert not Inquiry.objects.filter(account__in=[plain, wechat]).exists()


def test_bad_ciphertext_unknown_account_and_events(wechat: Account, plain: Account) -> None:
    timestamp, nonce, junk = "1", "2", "bm90IGVuY3J5cHRlZA=="
    sig = wx.signature("QDG6eK", timestamp, nonce, junk)
    body = f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>"
    r = Client().post(
        url(wechat, msg_signature=sig, timestamp=timestamp, nonce=nonce, encrypt_type="aes"),
        data=body,
        content_type="text/xml",
    )
    assert r.status_code == 400
    assert (
        Client().post("/platforms/wechat/999999/callback", data="<xml/>", content_type="text/xml").status_code
        == 404
    )
    event = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType><Event>subscribe</Event></xml>"
    )
    r = Client().post(url(plain, **PLAIN), data=event, content_type="text/xml")
    assert r.status_code == 200 and r.content == b"success"
    assert Client().put(url(plain, **PLAIN)).status_code == 405


def test_wrong_app_id_is_refused() -> None:
    encrypted = wx.encrypt("<xml/>", AES_KEY, "wxOTHER")
    with pytest.raises(wx.WechatError):
        wx.decrypt(encrypted, AES_KEY, APP_ID)
    with pytest.raises(wx.WechatError):
        wx.decrypt(encrypted, "short", APP_ID)
    assert wx.decrypt(wx.encrypt("中文消息", AES_KEY, APP_ID), AES_KEY, APP_ID) == "中文消息"


def test_received_message_is_registered_by_the_centre(wechat: Account, cast: Any) -> None:
    """R7-1: a pushed message waits for 下载登记 by the centre, who classifies it and sends it on."""
    from govmedia.inquiries import services

    _encrypted_post(wechat, text_msg("8001", "建议增加公交班次"))
    inquiry = Inquiry.objects.get(account=wechat, platform_message_id="8001")
    inquiry = services.register_received(cast["center"], inquiry, "suggestion")
    assert (inquiry.status, inquiry.kind, inquiry.registered_by) == (
        Status.REGISTERED,
        "suggestion",
        cast["center"],
    )
