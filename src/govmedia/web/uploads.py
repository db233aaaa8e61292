"""Content-addressed file storage (DESIGN.md invariant 6).

An upload is streamed to a temporary file while its SHA-256 is computed and its size limit enforced,
then checked by its bytes; only an accepted file is moved to `MEDIA_ROOT/files/<aa>/<sha256>`. A rejected
upload leaves nothing behind.
"""

import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path
    created: bool  # False when the same bytes were already stored


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "files"


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")
    return storage_root() / sha256[:2] / sha256


def _size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{round(n / 1024 / 1024, 1):g}MB"
    return f"{round(n / 1024, 1):g}KB" if n >= 1024 else f"{n}字节"


def store(
    chunks: Iterable[bytes],
    max_bytes: int,
    check: Callable[[Path], str | None],
    field: str | None = "file",
    root: Path | None = None,
) -> StoredFile:
    """Stream `chunks` into `root/<aa>/<sha256>` (default: `storage_root()`). `check(path)` answers a
    Chinese reason to refuse, or None to accept. Raises ValidationError (on `field`, or a plain one
    without) when the file is too large, empty or refused; nothing is stored then."""

    def refuse(message: str) -> ValidationError:
        return ValidationError({field: [message]}) if field else ValidationError(message)

    root = root or storage_root()
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=root / "tmp")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise refuse(f"文件超过{_size_text(max_bytes)}，未保存")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise refuse("文件为空（0字节），未保存")
        if reason := check(tmp):
            raise refuse(reason)
        sha = digest.hexdigest()
        final = root / sha[:2] / sha
        final.parent.mkdir(parents=True, exist_ok=True)
        created = not final.exists()
        if created:
            tmp.replace(final)
        return StoredFile(sha, size, final, created)
    finally:
        if tmp.exists():
            tmp.unlink()


IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "WEBP": "webp"}
MAX_IMAGE_PIXELS = 40_000_000


def image_info(path: Path) -> tuple[str, int, int] | str:
    """(format, width, height) of an image judged by Pillow from its bytes, or a Chinese reason to refuse it.
    Pillow's decompression-bomb guard stays on and is treated as a refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (width, height) = img.format or "", img.size
                img.verify()
    except Exception:
        return "不是可识别的图片（支持JPG、PNG、GIF、BMP、WebP），未保存"
    if fmt not in IMAGE_FORMATS:
        return "图片格式不受支持（支持JPG、PNG、GIF、BMP、WebP），未保存"
    if width * height > MAX_IMAGE_PIXELS:
        return "图片像素过大，未保存"
    return IMAGE_FORMATS[fmt], width, height


def image_problem(path: Path) -> str | None:
    info = image_info(path)
    return info if isinstance(info, str) else None
