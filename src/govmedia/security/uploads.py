"""Screenshots and plans of the security records, streamed and stored by `web.uploads.store` under
MEDIA_ROOT/security/<aa>/<sha256> after a check by their bytes (an image: signature, then Pillow decodes it;
a plan: PDF or Word signature). `Batch` removes the files it wrote when the surrounding work fails, so a
rejected upload leaves nothing."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from govmedia.web import uploads as web_uploads

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


def _image_info(path: Path) -> tuple[str, int, int] | str:
    """(format, width, height) judged by the signature and then Pillow, or a Chinese reason to refuse."""
    with path.open("rb") as f:
        head = f.read(16)
    fmt = next((v for k, v in IMAGE_SIGNATURES.items() if head.startswith(k)), None)
    if fmt is None:
        return "截图须为JPG、PNG或GIF图片（按文件内容判断，不看文件名）"
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
        return "图片已损坏或无法解码，请重新截图上传"
    return fmt, width, height


def _document_info(path: Path) -> tuple[str, int, int] | str:
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf", 0, 0
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc", 0, 0
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" in z.namelist():
                    return "docx", 0, 0
        except zipfile.BadZipFile:
            pass
    return "预案文件须为PDF或Word文档（按文件内容判断，不看文件名）"


class Batch:
    """Files written during one piece of work; `discard()` removes the ones this batch created."""

    def __init__(self) -> None:
        self.created: list[Path] = []

    def store(self, upload: Any, kind: str, actor: Any, field: str) -> StoredFile:
        judge = _image_info if kind == "image" else _document_info
        found: list[tuple[str, int, int]] = []

        def check(path: Path) -> str | None:
            info = judge(path)
            if isinstance(info, str):
                return info
            found.append(info)
            return None

        limit = MAX_IMAGE_BYTES if kind == "image" else MAX_DOCUMENT_BYTES
        kept = web_uploads.store(upload.chunks(), limit, check, field, root=root() / "security")
        if kept.created:
            self.created.append(kept.path)
        fmt, width, height = found[0]
        stored, _ = StoredFile.objects.get_or_create(
            sha256=kept.sha256,
            defaults={
                "kind": kind,
                "format": fmt,
                "size": kept.size,
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
