"""Platform secrets encrypted at rest (invariant 7) with Fernet.

The key is env `GOVMEDIA_SECRET_KEY` when set (a Fernet key, or any passphrase, which is hashed into one);
otherwise it is derived from Django's SECRET_KEY, so a deployment that keeps SECRET_KEY in the environment
keeps the platform secrets' key there too. Changing the key makes stored secrets unreadable: enter them again.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    raw = os.environ.get("GOVMEDIA_SECRET_KEY", "")
    if raw:
        try:
            return Fernet(raw.encode())
        except ValueError:
            seed = raw.encode()
    else:
        seed = b"govmedia-platform-credentials:" + settings.SECRET_KEY.encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(seed).digest()))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("平台接口凭据无法解密（加密密钥已更换？），请重新录入。") from exc
