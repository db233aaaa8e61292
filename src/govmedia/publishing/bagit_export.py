"""Archive export as a BagIt package: one JSON record per post, checksummed manifests."""

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import bagit

from .models import Archive


def bag_zip(archives: Iterable[Archive], title: str) -> bytes:
    """A zip of one bag holding `data/posts/<id>.json` for each archive."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        posts = root / "posts"
        posts.mkdir(parents=True)
        count = 0
        for archive in archives:
            (posts / f"{archive.post_id}.json").write_text(
                json.dumps(archive.as_record(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            count += 1
        bagit.make_bag(
            str(root),
            {"External-Description": title, "Bag-Count": "1", "Post-Count": str(count)},
            checksums=["sha256"],
        )
        zipped = Path(tmp) / "archive.zip"
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, Path("archive") / path.relative_to(root))
        data = zipped.read_bytes()
        shutil.rmtree(root, ignore_errors=True)
        return data
