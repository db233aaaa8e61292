"""Media judged by their bytes: the format from the file's signature, never its name; sizes, GIF
frames and audio durations from the content. Broken or hostile files come back as `problem`, never
as an exception."""

from __future__ import annotations

import os
import struct
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from PIL import Image

HEAD_BYTES = 64 * 1024
MAX_PARSE = 64 * 1024 * 1024  # AMR frames and GIF blocks are walked in memory up to this size

FORMAT_LABELS = {
    "jpg": "JPG图片",
    "png": "PNG图片",
    "gif": "GIF图片",
    "bmp": "BMP图片",
    "webp": "WebP图片",
    "mp3": "MP3音频",
    "wma": "WMA音频",
    "wav": "WAV音频",
    "amr": "AMR音频",
    "mp4": "MP4视频",
    "mov": "MOV视频",
    "3gp": "3GP视频",
    "avi": "AVI视频",
    "wmv": "WMV/ASF视频",
    "flv": "FLV视频",
    "mpeg": "MPEG视频",
    "rm": "RM/RMVB视频",
}
KIND_OF = {
    **dict.fromkeys(("jpg", "png", "gif", "bmp", "webp"), "image"),
    **dict.fromkeys(("mp3", "wma", "wav", "amr"), "voice"),
    **dict.fromkeys(("mp4", "mov", "3gp", "avi", "wmv", "flv", "mpeg", "rm"), "video"),
}
# Extensions a correctly named file of each detected format may carry.
EXTENSIONS = {
    "jpg": {"jpg", "jpeg", "jpe", "jfif"},
    "png": {"png"},
    "gif": {"gif"},
    "bmp": {"bmp"},
    "webp": {"webp"},
    "mp3": {"mp3"},
    "wma": {"wma", "asf"},
    "wav": {"wav", "wave"},
    "amr": {"amr"},
    "mp4": {"mp4", "m4v", "m4a"},
    "mov": {"mov", "qt"},
    "3gp": {"3gp", "3g2", "3gpp"},
    "avi": {"avi"},
    "wmv": {"wmv", "asf"},
    "flv": {"flv"},
    "mpeg": {"mpg", "mpeg", "mpe", "m2p", "vob", "ts", "m2ts", "mts", "m2v", "m1v"},
    "rm": {"rm", "rmvb", "ra", "ram"},
}

_ASF_HEADER = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_ASF_VIDEO_MEDIA = bytes.fromhex("c0ef19bc4d5bcf11a8fd00805f5c442b")
_AMR_NB_SIZES = (12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0)
_AMR_WB_SIZES = (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0)


@dataclass(frozen=True)
class MediaInfo:
    size: int
    format: str | None = None  # detected from the bytes; None: not recognised
    detail: str = ""  # e.g. "MPEG-TS", "AMR-WB"
    width: int | None = None
    height: int | None = None
    frames: tuple[tuple[int, int], ...] = field(default_factory=tuple)  # GIF frame sizes
    duration: float | None = None  # seconds, audio
    problem: str | None = None  # corrupt, truncated, hostile: a Chinese description

    @property
    def kind(self) -> str | None:
        return KIND_OF.get(self.format or "")

    @property
    def label(self) -> str:
        return FORMAT_LABELS.get(self.format or "", "无法识别的格式")


def sniff(head: bytes) -> tuple[str | None, str]:
    """(format, detail) from the first bytes of a file."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", ""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", ""
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", ""
    if (
        head.startswith(b"BM")
        and len(head) >= 26
        and head[14:18] in (b"\x0c\0\0\0", b"(\0\0\0", b"l\0\0\0", b"|\0\0\0")
    ):
        return "bmp", ""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", ""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", ""
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi", ""
    if head.startswith(b"#!AMR-WB\n"):
        return "amr", "AMR-WB"
    if head.startswith(b"#!AMR\n"):
        return "amr", "AMR-NB"
    if head.startswith(_ASF_HEADER):
        return ("wmv", "ASF") if _ASF_VIDEO_MEDIA in head else ("wma", "ASF")
    if head.startswith(b"FLV\x01"):
        return "flv", ""
    if head.startswith(b".RMF"):
        return "rm", ""
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg", "MPEG-PS"
    if head.startswith(b"\x00\x00\x01\xb3"):
        return "mpeg", "MPEG视频流"
    if len(head) >= 377 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return "mpeg", "MPEG-TS"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov", ""
        if brand[:3] in (b"3gp", b"3g2", b"3ge", b"3gg", b"3gs"):
            return "3gp", ""
        return "mp4", brand.decode("latin-1").strip()
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "mov", ""
    if head.startswith(b"ID3") or _mpeg_audio_sync(head):
        return "mp3", ""
    return None, ""


def _mpeg_audio_sync(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a valid version, Layer III, a valid bitrate and rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 3
    layer = (head[1] >> 1) & 3
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def inspect(path: str) -> MediaInfo:
    """What the bytes of `path` are. Raises OSError only when the file cannot be opened at all."""
    st = os.stat(path)
    return _inspect_cached(os.path.abspath(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _inspect_cached(path: str, size: int, _mtime_ns: int) -> MediaInfo:
    if size == 0:
        return MediaInfo(size=0, problem="为空文件（0字节）")
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    fmt, detail = sniff(head)
    info = MediaInfo(size=size, format=fmt, detail=detail)
    try:
        if fmt in ("jpg", "png", "gif", "bmp", "webp"):
            return _image(path, info)
        if fmt == "amr":
            return _amr(path, info)
        if fmt in ("mp3", "wav", "wma"):
            return _audio(path, info)
    except Exception as exc:  # a hostile file must become a finding, whatever the parser raised
        return _with(info, problem=f"已损坏或无法解析（{type(exc).__name__}）")
    return info


def _with(info: MediaInfo, **changes: Any) -> MediaInfo:
    return replace(info, **changes)


def _image(path: str, info: MediaInfo) -> MediaInfo:
    frames: tuple[tuple[int, int], ...] = ()
    if info.format == "gif" and info.size <= MAX_PARSE:
        screen, frames, problem = gif_frames(path)
        info = _with(info, width=screen[0], height=screen[1], frames=frames)
        if problem:
            return _with(info, problem=problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as im:
                width, height = im.size
                if info.format == "png":
                    im.verify()  # reads every chunk and its CRC without decoding pixels
                elif info.format == "jpg":
                    im.draft("L", (max(1, width // 8), max(1, height // 8)))  # decode at 1/8 scale
                    im.load()
        except Image.DecompressionBombError:
            return _with(info, problem="声明的尺寸异常巨大，疑似恶意文件（解压炸弹）")
        except (OSError, SyntaxError, ValueError, struct.error, EOFError) as exc:
            return _with(info, problem=f"已损坏或被截断（{_short(exc)}）")
    return _with(info, width=width, height=height)


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:80]


def gif_frames(path: str) -> tuple[tuple[int, int], tuple[tuple[int, int], ...], str | None]:
    """(logical screen size, each frame's size, problem) by walking the GIF's blocks, decoding nothing."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 13:
        return (0, 0), (), "已被截断（GIF结构不完整）"
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    pos = 13
    if flags & 0x80:
        pos += 3 * (2 ** ((flags & 7) + 1))
    frames: list[tuple[int, int]] = []
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            return (width, height), tuple(frames), None if frames else "中没有图像帧"
        if block == 0x21:  # extension: label, then data sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image descriptor
            if pos + 10 > len(data):
                break
            _, _, fw, fh_, fflags = struct.unpack_from("<HHHHB", data, pos + 1)
            frames.append((fw, fh_))
            pos += 10
            if fflags & 0x80:
                pos += 3 * (2 ** ((fflags & 7) + 1))
            pos = _skip_sub_blocks(data, pos + 1)  # LZW minimum code size, then the image data
        else:
            return (width, height), tuple(frames), f"结构错误（GIF第{len(frames) + 1}帧附近）"
        if pos < 0:
            break
    return (width, height), tuple(frames), "已被截断（GIF结构不完整）"


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data):
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos
    return -1


def _amr(path: str, info: MediaInfo) -> MediaInfo:
    """AMR has no header with a length: count its frames, 20 ms each."""
    if info.size > MAX_PARSE:
        return info
    wideband = info.detail == "AMR-WB"
    sizes = _AMR_WB_SIZES if wideband else _AMR_NB_SIZES
    with open(path, "rb") as fh:
        data = fh.read()
    pos = 9 if wideband else 6
    frames = 0
    while pos < len(data):
        mode = (data[pos] >> 3) & 0x0F
        size = sizes[mode]
        if size < 0:
            return _with(info, duration=frames * 0.02, problem=f"已损坏（AMR第{frames + 1}帧的编码模式无效）")
        if pos + 1 + size > len(data):
            break  # a truncated last frame: the complete ones still play
        pos += 1 + size
        frames += 1
    if frames == 0:
        return _with(info, duration=0.0, problem="中没有完整的AMR音频帧")
    return _with(info, duration=round(frames * 0.02, 3))


def _audio(path: str, info: MediaInfo) -> MediaInfo:
    import mutagen
    from mutagen.asf import ASF
    from mutagen.mp3 import MP3
    from mutagen.wave import WAVE

    reader = {"mp3": MP3, "wav": WAVE, "wma": ASF}[info.format or ""]
    try:
        audio = reader(path)
    except (mutagen.MutagenError, OSError, ValueError, struct.error, EOFError) as exc:
        return _with(info, problem=f"已损坏或无法读取时长（{_short(exc)}）")
    length = getattr(audio.info, "length", None)
    if not length or length <= 0:
        return _with(info, problem="无法读取时长")
    return _with(info, duration=round(float(length), 3))
