"""The content a post's approvals bind to (B-2): its canonical form and SHA-256 hash. Pure."""

import hashlib
import json
from typing import Any

CONTENT_KEYS = ("title", "body", "category", "kind", "repost", "portal_url", "emergency", "media")


def canonical_content(data: dict[str, Any]) -> dict[str, Any]:
    """The keys that make up the content, empty values normalised, so a no-op save hashes the same."""
    content: dict[str, Any] = {}
    for key in CONTENT_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
        if isinstance(value, dict):
            value = {
                k: (v.strip() if isinstance(v, str) else v)
                for k, v in sorted(value.items())
                if v not in ("", None)
            }
        content[key] = value or None
    return content


def content_hash(data: dict[str, Any]) -> str:
    payload = json.dumps(canonical_content(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
