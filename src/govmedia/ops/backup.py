"""`govmedia backup DIR` / `govmedia restore DIR`: a consistent copy of the database and the files, with a
manifest of SHA-256 hashes; a restore rebuilds an *empty* instance and proves the audit chain afterwards.

- SQLite: the database file is copied with SQLite's online backup API (a consistent snapshot while the
  application keeps running). Restored the same way.
- PostgreSQL (and any other engine): every model's rows are serialised (Django's serialisation, models in
  dependency order, natural keys for content types and permissions) inside one REPEATABLE READ, READ ONLY
  transaction, so the copy is one snapshot. Restored with `migrate` and a load in one transaction.
- Files: MEDIA_ROOT is copied after the database snapshot. Uploads are content-addressed and written before
  the row that refers to them commits, so every file the snapshot refers to is already there.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "db.sqlite3"
JSON_FILE = "data.json"
MEDIA_DIR = "media"
# Rebuilt by `migrate` or meaningless in another instance.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is Chinese. `bad_input` tells exit 2 from 1."""

    def __init__(self, message: str, *, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    return "sqlite" if connections[alias].vendor == "sqlite" else connections[alias].vendor


def _models() -> list[type[Model]]:
    """Every concrete, managed model in dependency order (referenced models first)."""
    app_list = {config: None for config in apps.get_app_configs() if config.models_module is not None}
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)  # type: ignore[arg-type]
    return [
        m
        for m in ordered
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in EXCLUDED_MODELS
    ]


# --- backup ---------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """Full precision: microseconds are part of the audit entries' hashes (DjangoJSONEncoder drops them)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _dump_json(target: Path, alias: str) -> int:
    """All rows in one snapshot, one JSON object per line (streamed, not held in memory)."""
    count = 0
    connection = connections[alias]
    with transaction.atomic(using=alias), target.open("w", encoding="utf-8") as out:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for model in _models():
            qs = model._default_manager.using(alias).order_by(model._meta.pk.name)
            for obj in qs.iterator(chunk_size=2000):
                (row,) = serializers.serialize(
                    "python", [obj], use_natural_foreign_keys=True, use_natural_primary_keys=False
                )
                out.write(json.dumps(row, ensure_ascii=False, default=_json_default))
                out.write("\n")
                count += 1
    return count


def _copy_sqlite(source_path: str, target: Path) -> None:
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not path.is_symlink() and rel.parts[:2] != ("files", "tmp"):
            yield path


def _audit_summary(alias: str) -> dict[str, Any]:
    from govmedia.audit.models import ChainHead

    head = ChainHead.objects.using(alias).filter(pk=1).first()
    return {"entries": head.last_id if head else 0, "last_hash": head.last_hash if head else ""}


def backup(directory: Path, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"备份目录 {directory} 已存在且不是空目录，请指定一个新目录。", bad_input=True)
    directory.mkdir(parents=True, exist_ok=True)
    engine = _engine(alias)
    audit = _audit_summary(alias)
    rows = None
    if engine == "sqlite":
        db_file = SQLITE_FILE
        _copy_sqlite(str(connections[alias].settings_dict["NAME"]), directory / db_file)
    else:
        db_file = JSON_FILE
        rows = _dump_json(directory / db_file, alias)
    media_root = Path(settings.MEDIA_ROOT)
    files: dict[str, str] = {}
    size = 0
    for path in _media_files(media_root):
        rel = path.relative_to(media_root).as_posix()
        target = directory / MEDIA_DIR / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        files[rel] = sha256_file(target)
        size += target.stat().st_size
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(),
        "engine": engine,
        "database": {"file": db_file, "sha256": sha256_file(directory / db_file), "rows": rows},
        "files": files,
        "audit": audit,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "dir": str(directory),
        "engine": engine,
        "database": db_file,
        "files": len(files),
        "bytes": size,
        "audit_entries": audit["entries"],
    }


# --- restore --------------------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} 中没有备份清单 {MANIFEST}，不是本系统的备份。", bad_input=True)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest["files"], dict) or not manifest["database"]["file"]:
            raise TypeError("files/database")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"备份清单无法读取：{exc}", bad_input=True) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份清单版本 {manifest.get('format')} 不受支持。", bad_input=True)
    return manifest


def check_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Every file present and matching its hash; nothing unlisted smuggled into the media copy."""
    directory = Path(directory)
    db_name = str(manifest["database"]["file"])
    if db_name not in (SQLITE_FILE, JSON_FILE):
        raise BackupError("备份清单中的数据库文件名无效。")
    db = directory / db_name
    if not db.is_file():
        raise BackupError(f"备份不完整：缺少数据库文件 {db_name}。")
    if sha256_file(db) != manifest["database"]["sha256"]:
        raise BackupError(f"备份校验失败：数据库文件 {db_name} 与清单中的哈希不一致，可能已被篡改或损坏。")
    media = directory / MEDIA_DIR
    listed = dict(manifest["files"])
    for rel, digest in listed.items():
        path = media / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise BackupError(f"备份清单中的文件路径无效：{rel}")
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少文件 {rel}。")
        if sha256_file(path) != digest:
            raise BackupError(f"备份校验失败：文件 {rel} 与清单中的哈希不一致，可能已被篡改或损坏。")
    for path in _media_files(media):
        rel = path.relative_to(media).as_posix()
        if rel not in listed:
            raise BackupError(f"备份校验失败：文件 {rel} 不在清单中。")


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Empty means no instance data: no people and no audit entries (tables made by `migrate` may exist,
    and migrations may seed reference data such as the starter lexicon)."""
    from govmedia.audit.models import Entry
    from govmedia.org.models import User

    tables = set(connections[alias].introspection.table_names())
    for model in (User, Entry):
        if model._meta.db_table in tables and model._default_manager.using(alias).exists():
            return False
    return True


def _migrate(alias: str) -> None:
    call_command("migrate", database=alias, interactive=False, verbosity=0)


def _restore_sqlite(source: Path, alias: str) -> None:
    connection = connections[alias]
    if connection.vendor != "sqlite":
        raise BackupError("这是SQLite数据库的备份，只能恢复到SQLite数据库。", bad_input=True)
    name = str(connection.settings_dict["NAME"])
    connection.close()
    _copy_sqlite(str(source), Path(name))
    connection.close()


def _load_json(source: Path, alias: str) -> int:
    """Clear what `migrate` seeded, then load every row in one transaction; sequences are reset after."""
    models = _models()
    connection = connections[alias]
    tables = [m._meta.db_table for m in models]
    kept = {apps.get_model(label)._meta.db_table for label in EXCLUDED_MODELS}
    flushed = sorted(set(connection.introspection.django_table_names(only_existing=True)) - kept)
    count = 0
    with transaction.atomic(using=alias):
        flush = connection.ops.sql_flush(no_style(), flushed, reset_sequences=False, allow_cascade=False)
        connection.ops.execute_sql_flush(flush)
        with connection.constraint_checks_disabled(), source.open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                for obj in serializers.deserialize("python", [json.loads(line)], using=alias):
                    obj.save(using=alias)
                    count += 1
        connection.check_constraints(table_names=tables)
        sql = connection.ops.sequence_reset_sql(no_style(), models)
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
    return count


def _copy_media(directory: Path, manifest: dict[str, Any]) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    for rel in manifest["files"]:
        target = media_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(directory / MEDIA_DIR / rel, target)
    return len(manifest["files"])


def restore(directory: Path, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    from govmedia.audit.services import verify

    directory = Path(directory)
    if not directory.is_dir():
        raise BackupError(f"备份目录 {directory} 不存在。", bad_input=True)
    manifest = read_manifest(directory)
    check_manifest(directory, manifest)
    if not database_is_empty(alias):
        raise BackupError("目标数据库不是空的（已有人员或责任日志），恢复只能在新建的空实例上进行。")
    db_file = directory / manifest["database"]["file"]
    rows = None
    if db_file.name == SQLITE_FILE:
        _restore_sqlite(db_file, alias)
        _migrate(alias)  # a backup from an older release gets the newer schema
    else:
        _migrate(alias)
        rows = _load_json(db_file, alias)
    files = _copy_media(directory, manifest)
    ok, entries, broken, reason = verify()
    expected = int(manifest.get("audit", {}).get("entries", 0))
    if not ok or entries < expected:
        where = f"第{broken.pk}条，" if broken is not None else ""
        raise BackupError(
            f"恢复后责任日志校验失败：{where}{reason or f'记录数{entries}少于备份时的{expected}'}。"
        )
    return {
        "ok": True,
        "engine": _engine(alias),
        "backup_engine": manifest.get("engine"),
        "rows": rows,
        "files": files,
        "audit": {"ok": True, "entries": entries},
    }
