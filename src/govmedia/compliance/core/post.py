"""The post as the checks see it, and its parsing from the CONTRACT's POST.json keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("original", "repost", "portal")
MEDIA_KINDS = ("image", "voice", "video")
REPOST_FIELDS = ("source", "author", "original_title", "reposted_at")
EMERGENCY_FIELDS = ("event", "location", "event_type", "situation", "measures")


class PostInputError(ValueError):
    """Input that is not a post at all (wrong types, unknown kind): the caller answers "bad input"."""


@dataclass(frozen=True)
class MediaRef:
    path: str
    kind: str | None = None  # None: inferred from the file's bytes
    name: str | None = None  # the name the author gave the file, when `path` is a temporary copy

    @property
    def display_name(self) -> str:
        import os

        return self.name or os.path.basename(self.path)


@dataclass(frozen=True)
class Post:
    title: str = ""
    body: str = ""
    category: str | None = None
    kind: str = "original"
    repost: Mapping[str, str] | None = None
    portal_url: str | None = None
    emergency: Mapping[str, str] | None = None
    media: tuple[MediaRef, ...] = field(default_factory=tuple)


def _text(data: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PostInputError(f"“{where}{key}”应为文本")
    return value


def _text_block(data: Mapping[str, Any], key: str, fields: tuple[str, ...]) -> dict[str, str] | None:
    block = data.get(key)
    if block is None:
        return None
    if not isinstance(block, Mapping):
        raise PostInputError(f"“{key}”应为对象或 null")
    return {name: _text(block, name, f"{key}.") or "" for name in fields}


def parse_post(data: Any, *, allow_media: bool = True) -> Post:
    """Build a Post from POST.json keys; absent optional keys mean "not given". Unknown keys are ignored."""
    if not isinstance(data, Mapping):
        raise PostInputError("内容应为一个JSON对象")
    kind = data.get("kind") if data.get("kind") is not None else "original"
    if kind not in KINDS:
        raise PostInputError(f"“kind”应为 original、repost 或 portal 之一（当前为“{kind}”）")
    category = data.get("category")
    if category is not None and not isinstance(category, str):
        raise PostInputError("“category”应为文本（a 至 j）")
    media_in = data.get("media")
    if media_in is None:
        media_in = []
    if not isinstance(media_in, list):
        raise PostInputError("“media”应为数组")
    if media_in and not allow_media:
        raise PostInputError("此接口不检查媒体文件，请不要提交“media”")
    media = []
    for i, item in enumerate(media_in):
        if not isinstance(item, Mapping) or not isinstance(item.get("path"), str) or not item["path"]:
            raise PostInputError(f"“media[{i}]”应为含“path”的对象")
        media_kind = item.get("kind")
        if media_kind is not None and media_kind not in MEDIA_KINDS:
            raise PostInputError(f"“media[{i}].kind”应为 image、voice 或 video 之一")
        media.append(MediaRef(path=item["path"], kind=media_kind))
    return Post(
        title=_text(data, "title") or "",
        body=_text(data, "body") or "",
        category=category,
        kind=kind,
        repost=_text_block(data, "repost", REPOST_FIELDS),
        portal_url=_text(data, "portal_url"),
        emergency=_text_block(data, "emergency", EMERGENCY_FIELDS),
        media=tuple(media),
    )
