"""The shape every platform adapter has (B-6). Adapters speak HTTP and nothing else: no database, no
workflow; the worker decides what to do with their answers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class PlatformError(Exception):
    """A typed platform failure: `code` is the platform's (or ours: timeout, http_5xx, bad_json…),
    `message_zh` is what people read, `retryable` says whether trying again later can help."""

    def __init__(self, code: str, message_zh: str, retryable: bool, detail: str = "") -> None:
        super().__init__(message_zh)
        self.code = str(code)
        self.message_zh = message_zh
        self.retryable = retryable
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message_zh}（{self.code}）"


@dataclass(frozen=True)
class Credentials:
    app_id: str
    secret: str
    wechat_mode: str = "publish"  # publish | mass


@dataclass(frozen=True)
class MediaFile:
    sha256: str
    kind: str  # image | voice | video
    name: str
    path: str = ""
    content: bytes | None = None  # generated files (a cover, the long-Weibo image) carry their bytes

    def read_bytes(self) -> bytes:
        if self.content is not None:
            return self.content
        with open(self.path, "rb") as f:
            return f.read()


@dataclass(frozen=True)
class PostPayload:
    """A post version as an adapter needs it; `key` makes repeated calls return the first result."""

    key: str
    title: str
    body: str
    media: tuple[MediaFile, ...] = ()
    source_url: str = ""


@dataclass
class Uploaded:
    media_id: str
    url: str = ""


@dataclass
class Published:
    """`done` False: the platform accepted the work and is still processing it; ask again with `state`."""

    done: bool
    platform_id: str = ""
    url: str = ""
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class RemoteItem:
    platform_id: str
    title: str
    text: str
    url: str = ""
    deleted: bool = False


@dataclass
class Comment:
    platform_id: str
    sender_id: str
    text: str
    created_at: datetime | None = None


class TokenCache(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, token: str, expires_in: int) -> None: ...

    def drop(self, key: str) -> None: ...


class MemoryTokenCache:
    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}

    def get(self, key: str) -> str | None:
        import time

        token = self._tokens.get(key)
        return token[0] if token and token[1] > time.time() else None

    def put(self, key: str, token: str, expires_in: int) -> None:
        import time

        self._tokens[key] = (token, time.time() + expires_in)

    def drop(self, key: str) -> None:
        self._tokens.pop(key, None)


Checkpoint = Callable[[dict[str, Any]], None]
"""Adapters call it with their intermediate state after each platform step; the worker stores it, so a
retry resumes where the last attempt stopped instead of starting the platform work over."""


class Adapter(Protocol):
    platform: str

    def upload_material(self, media: MediaFile) -> Uploaded: ...

    def publish(self, payload: PostPayload, state: dict[str, Any], checkpoint: Checkpoint) -> Published: ...

    def read(self, platform_id: str) -> RemoteItem: ...

    def send_reply(
        self, key: str, recipient: str, message_id: str, text: str, context: dict[str, Any]
    ) -> str: ...

    def pull_comments(self, platform_id: str) -> list[Comment]: ...

    def expected(self, title: str, body: str) -> tuple[str, str]:
        """What a faithful read-back of this content looks like: (title, normalised text)."""
        ...


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Text for comparison: tags stripped, entities decoded, whitespace collapsed."""
    text = re.sub(r"(?i)<br\s*/?>|</p>", "\n", text)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()
