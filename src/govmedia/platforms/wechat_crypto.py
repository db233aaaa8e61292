"""WeChat official-account message push: signatures, safe-mode AES (WXBizMsgCrypt) and a hardened XML parser.

Plain mode signs sha1(sorted(token, timestamp, nonce)); safe mode signs sha1(sorted(token, timestamp, nonce,
Encrypt)) as msg_signature and encrypts random(16) + len(4, big-endian) + msg + appid with AES-256-CBC,
key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7 padding to 32 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree as SafeET

BLOCK = 32
MAX_XML_BYTES = 64 * 1024


class WechatError(Exception):
    """Anything wrong with a push: bad signature, undecryptable payload, malformed XML."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(expected: str, *parts: str) -> bool:
    return bool(expected) and hmac.compare_digest(signature(*parts), expected.strip().lower())


def _key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise WechatError("EncodingAESKey 不正确") from None
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise WechatError("EncodingAESKey 应为43个字符")
    return key


def encrypt(plain: str, encoding_aes_key: str, app_id: str, random: bytes | None = None) -> str:
    key = _key(encoding_aes_key)
    body = plain.encode()
    data = (random or secrets.token_bytes(16)) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = BLOCK - len(data) % BLOCK
    data += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()


def decrypt(encrypted: str, encoding_aes_key: str, app_id: str) -> str:
    """Decrypt and check the trailing AppID (ignored when the account has none configured)."""
    key = _key(encoding_aes_key)
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise WechatError("密文不是合法的Base64") from None
    if not raw or len(raw) % 16:
        raise WechatError("密文长度不正确")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    data = dec.update(raw) + dec.finalize()
    pad = data[-1]
    if not 1 <= pad <= BLOCK or data[-pad:] != bytes([pad]) * pad:
        raise WechatError("解密失败（填充不正确）")
    data = data[:-pad]
    if len(data) < 20:
        raise WechatError("解密失败（内容过短）")
    (length,) = struct.unpack(">I", data[16:20])
    if 20 + length > len(data):
        raise WechatError("解密失败（长度不正确）")
    msg, receiver = data[20 : 20 + length], data[20 + length :]
    if app_id and receiver.decode("utf-8", "replace") != app_id:
        raise WechatError("AppID 不一致")
    try:
        return msg.decode()
    except UnicodeDecodeError:
        raise WechatError("解密失败（编码不正确）") from None


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The child elements of <xml> as text. DTDs, entities and external references are refused."""
    raw = body.encode() if isinstance(body, str) else body
    if not raw.strip() or len(raw) > MAX_XML_BYTES:
        raise WechatError("消息为空或过大")
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception:  # ParseError and every defusedxml refusal
        raise WechatError("XML 格式不正确") from None
    if root.tag != "xml":
        raise WechatError("XML 根元素应为 xml")
    return {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{now or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def encrypted_reply(
    plain: str, token: str, encoding_aes_key: str, app_id: str, nonce: str, timestamp: str | None = None
) -> str:
    """The safe-mode envelope WeChat expects back: Encrypt, MsgSignature, TimeStamp, Nonce."""
    timestamp = timestamp or str(int(time.time()))
    encrypted = encrypt(plain, encoding_aes_key, app_id)
    sig = signature(token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt><MsgSignature>{_cdata(sig)}</MsgSignature>"
        f"<TimeStamp>{escape(timestamp)}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
    )
