"""`govmedia backup DIR` / `govmedia restore DIR`, end to end in separate processes: a demo instance is
backed up while it runs, restored into an empty instance, and its audit chain verifies; a tampered backup
and a non-empty target are refused with Chinese messages. SQLite always; PostgreSQL when the suite runs on
PostgreSQL (scratch databases on the same server)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from govmedia.cli import main; sys.argv = ['govmedia', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=600
    )


def _env(tmp: Path, name: str, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_NAME",)}
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp / f"media-{name}"),
        GOVMEDIA_VAR=str(tmp / f"var-{name}"),
        DJANGO_SETTINGS_MODULE="govmedia.settings",
    )
    return env


def _round_trip(tmp: Path, url_a: str, url_b: str, url_c: str) -> None:
    a, b = _env(tmp, "a", url_a), _env(tmp, "b", url_b)
    assert _run(a, "migrate", "--noinput", "-v0").returncode == 0
    assert _run(a, "demo").returncode == 0
    upload = Path(a["MEDIA_ROOT"]) / "files" / "ab" / ("ab" + "0" * 62)
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"an uploaded file")

    backup_dir = tmp / "backup"
    done = _run(a, "backup", str(backup_dir))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] and result["files"] == 1 and result["audit_entries"] > 0
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert len(manifest["database"]["sha256"]) == 64 and len(manifest["files"]) == 1

    # A non-empty target is refused.
    refused = _run(a, "restore", str(backup_dir))
    assert refused.returncode == 1 and "不是空的" in refused.stderr

    # A tampered copy is refused before anything is written.
    tampered = tmp / "tampered"
    shutil.copytree(backup_dir, tampered)
    (tampered / "media" / "files" / "ab" / upload.name).write_bytes(b"changed")
    bad = _run(_env(tmp, "c", url_c), "restore", str(tampered))
    assert bad.returncode == 1 and "哈希不一致" in bad.stderr, bad.stderr

    restored = _run(b, "restore", str(backup_dir))
    assert restored.returncode == 0, restored.stderr
    out = json.loads(restored.stdout)
    assert out["audit"]["ok"] and out["audit"]["entries"] >= result["audit_entries"]
    assert (Path(b["MEDIA_ROOT"]) / "files" / "ab" / upload.name).read_bytes() == b"an uploaded file"
    verify = _run(b, "audit", "verify")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"], verify.stderr
    token = _run(b, "token", "create", "center")  # the restored people work, sequences included
    assert token.returncode == 0, token.stderr

    missing = _run(b, "restore", str(tmp / "nowhere"))
    assert missing.returncode == 2 and "不存在" in missing.stderr


def test_backup_and_restore_on_sqlite(tmp_path: Path) -> None:
    _round_trip(
        tmp_path,
        f"sqlite:///{tmp_path / 'a.sqlite3'}",
        f"sqlite:///{tmp_path / 'b.sqlite3'}",
        f"sqlite:///{tmp_path / 'c.sqlite3'}",
    )


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL round trip runs when the suite runs on PostgreSQL",
)
def test_backup_and_restore_on_postgresql(tmp_path: Path) -> None:
    import psycopg

    base = settings.DATABASES["default"]
    conninfo = dict(
        host=base["HOST"] or "127.0.0.1",
        port=base["PORT"] or 5432,
        user=base["USER"],
        password=base["PASSWORD"],
    )
    names = [f"govmedia_bk_{uuid.uuid4().hex[:8]}_{x}" for x in "abc"]
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    auth = f"{base['USER']}:{base['PASSWORD']}@" if base["PASSWORD"] else f"{base['USER']}@"
    urls = [f"postgres://{auth}{conninfo['host']}:{conninfo['port']}/{n}" for n in names]
    try:
        _round_trip(tmp_path, *urls)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_a_directory_without_manifest(tmp_path: Path, db: Any) -> None:
    from govmedia.ops.backup import BackupError, restore

    with pytest.raises(BackupError, match="没有备份清单"):
        restore(tmp_path)
