"""Content-addressed file storage (DESIGN.md invariant 6).

An upload is streamed to a temporary file while its SHA-256 is computed and its size limit enforced,
then checked by its bytes; only an accepted file is moved to `MEDIA_ROOT/files/<aa>/<sha256>`. A rejected
upload leaves nothing behind.
"""

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "files"


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")
    return storage_root() / sha256[:2] / sha256


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:g}MB"


def store(
    chunks: Iterable[bytes], max_bytes: int, check: Callable[[Path], str | None], field: str = "file"
) -> StoredFile:
    """Stream `chunks` into storage. `check(path)` answers a Chinese reason to refuse, or None to accept.
    Raises ValidationError (nothing stored) when the file is too large, empty or refused."""
    root = storage_root()
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
                    raise ValidationError({field: [f"文件超过{_mib(max_bytes)}，未保存"]})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({field: ["文件为空（0字节），未保存"]})
        if reason := check(tmp):
            raise ValidationError({field: [reason]})
        sha = digest.hexdigest()
        final = path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            tmp.unlink()
        else:
            tmp.replace(final)
        return StoredFile(sha, size, final)
    finally:
        if tmp.exists():
            tmp.unlink()
