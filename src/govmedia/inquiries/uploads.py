"""Screenshots: streamed to a temporary file with the size limit enforced while reading, judged by Pillow
from their bytes, then moved under their SHA-256. A rejected file leaves nothing behind."""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "WEBP": "webp"}


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    path: str  # relative to MEDIA_ROOT
    size: int
    image_format: str
    width: int
    height: int
    original_name: str


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _inspect(path: Path, name: str) -> tuple[str, int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (width, height) = img.format or "", img.size
                img.verify()
    except Exception:
        raise ValidationError(f"“{name}”不是可识别的图片（支持JPG、PNG、GIF、BMP、WebP）。") from None
    if fmt not in FORMATS:
        raise ValidationError(f"“{name}”的格式不受支持（支持JPG、PNG、GIF、BMP、WebP）。")
    if width * height > MAX_PIXELS:
        raise ValidationError(f"“{name}”的像素过大。")
    return FORMATS[fmt], width, height


def store_image(chunks: Iterable[bytes], name: str) -> StoredImage:
    """Store one upload; raises ValidationError (Chinese) and removes every byte written when refused."""
    root = _root()
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValidationError(f"“{name}”超过{MAX_BYTES // 1024 // 1024}MB。")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError(f"“{name}”是空文件。")
        fmt, width, height = _inspect(tmp, name)
        sha = digest.hexdigest()
        relative = f"inquiries/{sha[:2]}/{sha}.{fmt}"
        final = root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # same content under the same name: replacing is harmless
    finally:
        tmp.unlink(missing_ok=True)
    return StoredImage(sha, relative, size, fmt, width, height, name[:200])


def remove_unreferenced(paths: Iterable[str]) -> None:
    """Undo files stored for a change that was then refused (only those no row refers to)."""
    from .models import Attachment

    for relative in paths:
        if not Attachment.objects.filter(path=relative).exists():
            (_root() / relative).unlink(missing_ok=True)
