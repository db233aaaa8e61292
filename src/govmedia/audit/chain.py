"""The pure part of the audit chain: canonical serialisation and hashing, no Django imports."""

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    """Stable bytes for an entry: sorted keys, no spaces, UTF-8, non-JSON values as strings."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(fields)).hexdigest()
