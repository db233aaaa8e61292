"""Screenshots: stored content-addressed by `web.uploads` after Pillow judged them by their bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from govmedia.web.uploads import image_info, image_problem, store

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    path: str  # relative to MEDIA_ROOT
    size: int
    image_format: str
    width: int
    height: int
    original_name: str


def store_image(chunks: Iterable[bytes], name: str) -> StoredImage:
    """Store one upload; raises ValidationError (Chinese, naming the file) and keeps nothing when refused."""
    try:
        stored = store(chunks, MAX_BYTES, image_problem, field=None)
    except ValidationError as exc:
        raise ValidationError(f"“{name}”：{exc.messages[0]}") from None
    info = image_info(stored.path)
    assert not isinstance(info, str)
    fmt, width, height = info
    relative = str(stored.path.relative_to(settings.MEDIA_ROOT))
    return StoredImage(stored.sha256, relative, stored.size, fmt, width, height, name[:200])


def remove_unreferenced(paths: Iterable[str]) -> None:
    """Undo files stored for a change that was then refused (only those no row refers to)."""
    from .models import Attachment

    for relative in paths:
        if not Attachment.objects.filter(path=relative).exists():
            (settings.MEDIA_ROOT / relative).unlink(missing_ok=True)
