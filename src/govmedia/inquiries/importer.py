"""Reading a spreadsheet of downloaded messages (.xlsx or .csv) into rows for `intake.register_many`."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from govmedia.registry.models import Account, AccountType

from .models import Kind

COLUMNS = ["账号名称", "平台", "平台消息ID", "发送者ID", "发送者昵称", "留言内容", "收到时间", "类别"]
KEYS = {
    "平台消息ID": "platform_message_id",
    "发送者ID": "sender_id",
    "发送者昵称": "sender_name",
    "留言内容": "content",
    "收到时间": "received_at",
}
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
PLATFORMS = {label: value for value, label in AccountType.choices}
KINDS = {label: value for value, label in Kind.choices} | {"恶意": Kind.ABUSIVE, "违法": Kind.ABUSIVE}


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


def _table(name: str, data: bytes) -> list[list[Any]]:
    if len(data) > MAX_BYTES:
        raise ValidationError(["文件超过5MB"])
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(["CSV文件编码无法识别，请另存为UTF-8编码"])
        return [list(r) for r in csv.reader(io.StringIO(text))]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(["文件不是有效的Excel（.xlsx）或CSV文件"]) from None
    ws = wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]


def _received(value: Any) -> Any:
    if isinstance(value, datetime) or not value:
        return value
    text = str(value).replace("/", "-").replace("年", "-").replace("月", "-").replace("日", "")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return str(value)  # left for the validator to refuse in Chinese


def read_rows(name: str, data: bytes, accounts: Any) -> list[tuple[int, dict[str, Any]]]:
    """Rows numbered as the spreadsheet shows them (header is row 1). Unknown account or kind names are
    passed on as values the validator refuses with the row number."""
    table = _table(name, data)
    if not table:
        raise ValidationError(["文件是空的"])
    header = [str(_cell(h) or "") for h in table[0]]
    missing = [c for c in COLUMNS if c not in header and c not in ("发送者ID", "平台消息ID")]
    if missing:
        raise ValidationError([f"第1行表头缺少列：{'、'.join(missing)}（应为：{'、'.join(COLUMNS)}）"])
    index = {h: i for i, h in enumerate(header)}
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ValidationError([f"一次最多导入{MAX_ROWS}条"])
    by_name: dict[tuple[str, str], Account] = {(a.name, a.type): a for a in accounts}
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(body, start=2):
        values = {h: _cell(raw[i]) if i < len(raw) else None for h, i in index.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        row: dict[str, Any] = {key: values.get(col) or "" for col, key in KEYS.items()}
        row["received_at"] = _received(values.get("收到时间"))
        platform = PLATFORMS.get(str(values.get("平台") or ""), "")
        account = by_name.get((str(values.get("账号名称") or ""), platform))
        row["account"] = account if account is not None else ""
        kind_label = str(values.get("类别") or "其他")
        row["kind"] = KINDS.get(kind_label, kind_label)
        rows.append((number, row))
    return rows
