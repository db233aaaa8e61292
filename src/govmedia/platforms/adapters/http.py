"""One HTTP call with every transport failure turned into a typed, retryable PlatformError."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from .base import PlatformError

TIMEOUT = 15.0


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        safe = filename.replace('"', "")
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{safe}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(
    method: str,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    error_json_ok: bool = False,
) -> Any:
    """Send a request and return the decoded JSON. Timeouts, refused connections, 5xx and malformed JSON
    raise retryable PlatformErrors; a 4xx whose body is JSON is returned when `error_json_ok`."""
    if params:
        url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    data: bytes | None = None
    all_headers = {"Accept": "application/json", "User-Agent": "govmedia/1"}
    if files is not None:
        data, ctype = _multipart(form or {}, files)
        all_headers["Content-Type"] = ctype
    elif json_body is not None:
        data = json.dumps(json_body, ensure_ascii=False).encode()
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
    if timeout is None:
        from django.conf import settings

        timeout = float(getattr(settings, "PLATFORM_HTTP_TIMEOUT", TIMEOUT))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read() if exc.fp else b""
        if exc.code >= 500:
            raise PlatformError(
                f"http_{exc.code}", f"平台服务器故障（HTTP {exc.code}），稍后自动重试", True
            ) from exc
        if error_json_ok:
            try:
                return json.loads(raw)
            except ValueError:
                pass
        raise PlatformError(f"http_{exc.code}", f"平台拒绝了请求（HTTP {exc.code}）", False) from exc
    except TimeoutError as exc:
        raise PlatformError("timeout", "连接平台超时，稍后自动重试", True) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise PlatformError("timeout", "连接平台超时，稍后自动重试", True) from exc
        raise PlatformError("unreachable", f"无法连接平台（{exc.reason}），稍后自动重试", True) from exc
    except (ConnectionError, OSError) as exc:
        raise PlatformError("unreachable", f"与平台的连接中断（{exc}），稍后自动重试", True) from exc
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise PlatformError(
            "bad_json", "平台返回的数据格式错误（不是有效的JSON），稍后自动重试", True
        ) from exc
