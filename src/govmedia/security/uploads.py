"""Uploads checked by their bytes and stored under their SHA-256 in MEDIA_ROOT (DESIGN invariant 6).

The upload is streamed to a temporary file with the size limit enforced while streaming, hashed, checked
(an image: signature, then Pillow decodes it; a plan: PDF, Word or WPS signature), then moved into place.
`Batch` removes the files it wrote when the surrounding work fails, so a rejected upload leaves nothing."""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from .models import StoredFile

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
PIL_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF"}
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
EXTENSIONS = {"png": "png", "jpg": "jpg", "gif": "gif", "pdf": "pdf", "docx": "docx", "doc": "doc"}


def root() -> Path:
    return Path(settings.MEDIA_ROOT)


def path_of(stored: StoredFile) -> Path:
    return root() / stored.relative_path


def _stream(upload: Any, limit: int, field: str) -> tuple[Path, str, int]:
    """Copy the upload into a temporary file in MEDIA_ROOT, hashing it; refuse beyond `limit` bytes."""
    tmp_dir = root() / "security" / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise ValidationError({field: [f"文件不能超过{limit // (1024 * 1024)}MB"]})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({field: ["文件为空"]})
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest.hexdigest(), size


def _image_info(path: Path, field: str) -> tuple[str, int, int]:
    with path.open("rb") as f:
        head = f.read(16)
    fmt = next((v for k, v in IMAGE_SIGNATURES.items() if head.startswith(k)), None)
    if fmt is None:
        raise ValidationError({field: ["截图须为JPG、PNG或GIF图片（按文件内容判断，不看文件名）"]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.format != PIL_FORMATS[fmt]:
                    raise ValueError("format mismatch")
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                img.verify()
            with Image.open(path) as img:
                img.load()
    except Exception:
        raise ValidationError({field: ["图片已损坏或无法解码，请重新截图上传"]}) from None
    return fmt, width, height


def _document_format(path: Path, field: str) -> str:
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
    raise ValidationError({field: ["预案文件须为PDF或Word文档（按文件内容判断，不看文件名）"]})


class Batch:
    """Files written during one piece of work; `discard()` removes the ones this batch created."""

    def __init__(self) -> None:
        self.created: list[Path] = []

    def _keep(self, tmp: Path, sha: str) -> Path:
        final = root() / "security" / sha[:2] / sha
        if final.exists():
            tmp.unlink(missing_ok=True)
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            self.created.append(final)
        return final

    def store(self, upload: Any, kind: str, actor: Any, field: str) -> StoredFile:
        limit = MAX_IMAGE_BYTES if kind == "image" else MAX_DOCUMENT_BYTES
        tmp, sha, size = _stream(upload, limit, field)
        try:
            if kind == "image":
                fmt, width, height = _image_info(tmp, field)
            else:
                fmt, width, height = _document_format(tmp, field), 0, 0
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._keep(tmp, sha)
        stored, _ = StoredFile.objects.get_or_create(
            sha256=sha,
            defaults={
                "kind": kind,
                "format": fmt,
                "size": size,
                "width": width or None,
                "height": height or None,
                "uploaded_by": actor,
            },
        )
        return stored

    def discard(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)
        self.created.clear()


@contextmanager
def batch() -> Iterator[Batch]:
    """`with batch() as files: with transaction.atomic(): files.store(...)`: a failure removes new files."""
    b = Batch()
    try:
        yield b
    except BaseException:
        b.discard()
        raise
