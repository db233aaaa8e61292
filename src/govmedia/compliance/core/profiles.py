"""Platform profiles as data (R5.6-5): each limit carries the clause of the standard it comes from.

A rule ID is `<profile key>.<limit key>` (e.g. `wechat.title.max_bytes`) or `<profile key>.<media
kind>.format`. Administrators may override values; the defaults are the county standard's numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

MIB = 1024 * 1024


@dataclass(frozen=True)
class LimitDef:
    label: str
    unit: str
    scale: int = 1  # the UI edits value / scale (sizes in MiB)


LIMIT_DEFS: Mapping[str, LimitDef] = MappingProxyType(
    {
        "title.max_bytes": LimitDef("标题最大字节数（GB 18030，汉字计2字节）", "字节"),
        "title.max_chars": LimitDef("标题最大字数", "字"),
        "body.max_chars": LimitDef("正文最大字数", "字"),
        "text.max_chars": LimitDef("微博字数上限（半角字符计半字，每个网址计10字）", "字"),
        "image.max_bytes": LimitDef("图片最大", "MB", MIB),
        "gif.frame_size": LimitDef("GIF每帧最大边长（宽、高均不超过）", "像素"),
        "voice.max_bytes": LimitDef("语音最大", "MB", MIB),
        "voice.max_seconds": LimitDef("语音最长", "秒"),
        "video.max_bytes": LimitDef("视频最大", "MB", MIB),
    }
)

MEDIA_KINDS = ("image", "voice", "video")
MEDIA_LABELS = {"image": "图片", "voice": "语音", "video": "视频"}
KNOWN_FORMATS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "image": ("jpg", "png", "gif", "bmp", "webp"),
        "voice": ("mp3", "wma", "wav", "amr"),
        "video": ("mp4", "mov", "3gp", "avi", "wmv", "flv", "mpeg", "rm"),
    }
)
# Names people write for the same container; files are judged by bytes, so these are one format each.
ALIASES = {"jpeg": "jpg", "mpg": "mpeg", "ts": "mpeg", "rmvb": "rm", "asf": "wmv", "3g2": "3gp", "m4v": "mp4"}


def normalize_format(name: str) -> str:
    name = name.strip().lower().lstrip(".")
    return ALIASES.get(name, name)


@dataclass(frozen=True)
class Limit:
    value: int | None
    clause: str
    source: str = ""


@dataclass(frozen=True)
class FormatRule:
    allowed: tuple[str, ...] | None  # as written (e.g. "rmvb"); None: any recognised format of the kind
    clause: str
    source: str = ""

    def permits(self, detected: str) -> bool:
        if self.allowed is None:
            return True
        return normalize_format(detected) in {normalize_format(a) for a in self.allowed}


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    limits: Mapping[str, Limit] = field(default_factory=dict)
    formats: Mapping[str, FormatRule] = field(default_factory=dict)

    def limit(self, key: str) -> Limit | None:
        found = self.limits.get(key)
        return found if found is not None and found.value is not None else None

    def with_overrides(
        self,
        limits: Mapping[str, int | None] | None = None,
        formats: Mapping[str, Iterable[str] | None] | None = None,
    ) -> Profile:
        """The profile with an administrator's values; each limit keeps its clause for the record."""
        new_limits = dict(self.limits)
        for key, value in (limits or {}).items():
            if key not in LIMIT_DEFS:
                continue
            old = new_limits.get(key) or Limit(None, "5.6", "管理员设定")
            new_limits[key] = replace(old, value=value)
        new_formats = dict(self.formats)
        for kind, allowed in (formats or {}).items():
            if kind not in MEDIA_KINDS:
                continue
            old_rule = new_formats.get(kind) or FormatRule(None, "5.6", "管理员设定")
            new_formats[kind] = replace(old_rule, allowed=None if allowed is None else tuple(allowed))
        return replace(self, limits=new_limits, formats=new_formats)


_WECHAT_SRC = "5.6 政务微信"
_WEIBO_SRC = "5.6 政务微博"
_OTHER_SRC = "5.6 末段：按平台运营规范执行"

WECHAT = Profile(
    key="wechat",
    label="政务微信",
    limits={
        "title.max_bytes": Limit(64, "5.6", f"{_WECHAT_SRC}：群发图文消息的标题上限为64个字节"),
        "body.max_chars": Limit(600, "5.6", f"{_WECHAT_SRC}：群发内容文字的字数上限为600个字符或者600个汉字"),
        "voice.max_bytes": Limit(5 * MIB, "5.6", f"{_WECHAT_SRC}：语音限制最大5M"),
        "voice.max_seconds": Limit(60, "5.6", f"{_WECHAT_SRC}：语音最长60秒"),
        "video.max_bytes": Limit(20 * MIB, "5.6", f"{_WECHAT_SRC}：视频限制最大20M"),
    },
    formats={
        "voice": FormatRule(
            ("mp3", "wma", "wav", "amr"), "5.6", f"{_WECHAT_SRC}：支持mp3、wma、wav、amr格式"
        ),
        "video": FormatRule(
            ("rm", "rmvb", "wmv", "avi", "mpg", "mpeg", "mp4"),
            "5.6",
            f"{_WECHAT_SRC}：支持rm、rmvb、wmv、avi、mpg、mpeg、mp4格式",
        ),
        "image": FormatRule(None, "5.6", f"{_WECHAT_SRC}：支持图片"),
    },
)

WEIBO = Profile(
    key="weibo",
    label="政务微博",
    limits={
        "text.max_chars": Limit(
            140, "5.6", f"{_WEIBO_SRC}：微博字数限制一般为140个字，较多可转为长微博（图片格式）"
        ),
        "gif.frame_size": Limit(450, "5.6", f"{_WEIBO_SRC}：GIF动画每一帧的图片不能超过450×450像素"),
        "video.max_bytes": Limit(100 * MIB, "5.6", f"{_WEIBO_SRC}：视频限制最大100MB"),
    },
    formats={
        "image": FormatRule(("jpg", "gif", "png"), "5.6", f"{_WEIBO_SRC}：上传图片支持JPG、GIF、PNG格式"),
        "video": FormatRule(
            ("mpeg", "avi", "mp4", "3gp", "rm", "rmvb", "mov", "wmv", "flv", "asf"),
            "5.6",
            f"{_WEIBO_SRC}：支持MPEG、AVI、MP4、3GP、RM、RMVB、MOV、WMV、FLV、ASF等格式",
        ),
    },
)


def _generic(key: str, label: str) -> Profile:
    """No numbers in the standard: every media kind must at least be a recognised format; limits are
    the administrators' to set."""
    return Profile(
        key=key,
        label=label,
        limits={name: Limit(None, "5.6", _OTHER_SRC) for name in LIMIT_DEFS if name != "text.max_chars"},
        formats={kind: FormatRule(None, "5.6", _OTHER_SRC) for kind in MEDIA_KINDS},
    )


DEFAULT_PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        "wechat": WECHAT,
        "weibo": WEIBO,
        "app": _generic("app", "政务APP"),
        "qq": _generic("qq", "QQ"),
        "toutiao": _generic("toutiao", "今日头条"),
        "baijiahao": _generic("baijiahao", "百家号"),
        "penguin": _generic("penguin", "企鹅号"),
        "other": _generic("other", "其他平台"),
    }
)
