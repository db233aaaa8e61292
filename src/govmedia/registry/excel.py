"""The ledger in Excel: export of every A.1 field, and an all-or-nothing import of an existing ledger."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from govmedia.org.models import Unit
from govmedia.org.permissions import can

from .models import Account, AccountType, WechatKind
from .services import _validate_account, create_account

# (field, column title) for the A.1 fields, in the form's order.
COLUMNS: list[tuple[str, str]] = [
    ("unit", "开通部门或单位"),
    ("type", "新媒体类型"),
    ("type_other", "其他类型名称"),
    ("wechat_kind", "微信账号类别"),
    ("name", "账号用户名"),
    ("link", "媒体链接"),
    ("opened_on", "开通时间"),
    ("planned_open_on", "计划开通时间"),
    ("leader_name", "第一责任人姓名"),
    ("leader_title", "第一责任人职务"),
    ("leader_mobile", "第一责任人移动电话"),
    ("leader_office_phone", "第一责任人办公电话"),
    ("leader_email", "第一责任人邮箱"),
    ("admin_name", "账号管理员姓名"),
    ("admin_title", "账号管理员职务"),
    ("admin_mobile", "账号管理员移动电话"),
    ("admin_office_phone", "账号管理员办公电话"),
    ("admin_email", "账号管理员邮箱"),
    ("developer", "开发单位"),
    ("purpose_plan", "平台用途及建设规划"),
    ("introduction", "基本情况介绍"),
]
EXTRA_COLUMNS = ["状态", "实名认证", "认证机构", "认证有效期至", "安全责任人"]
REQUIRED = {
    "unit",
    "type",
    "name",
    "link",
    "leader_name",
    "leader_title",
    "leader_mobile",
    "admin_name",
    "admin_title",
    "admin_mobile",
}
TITLE = dict(COLUMNS)


def _d(value: date | None) -> str:
    return f"{value.year}-{value.month:02d}-{value.day:02d}" if value else ""


def export_rows(accounts: Iterable[Account]) -> Iterable[list[Any]]:
    for a in accounts:
        row: list[Any] = []
        for field, _ in COLUMNS:
            if field == "unit":
                row.append(a.unit.name)
            elif field == "type":
                row.append(a.get_type_display())
            elif field == "wechat_kind":
                row.append(a.get_wechat_kind_display() if a.wechat_kind else "")
            elif field in ("opened_on", "planned_open_on"):
                row.append(_d(getattr(a, field)))
            else:
                row.append(getattr(a, field))
        officer = a.security_officer
        row += [
            a.get_status_display(),
            "是" if a.verified else "否",
            a.verified_by,
            _d(a.verification_expires_on),
            officer.full_name if officer else "",
        ]
        yield row


HEADER = [title for _, title in COLUMNS] + EXTRA_COLUMNS


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"「{self.column}」" if self.column else ""
        return f"第{self.row}行{where}：{self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("；".join(map(str, errors[:5])))
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (
        str(value)
        .strip()
        .replace("年", "-")
        .replace("月", "-")
        .replace("日", "")
        .replace("/", "-")
        .replace(".", "-")
    )
    try:
        y, m, d = (int(p) for p in text.split("-"))
        return date(y, m, d)
    except (ValueError, TypeError) as exc:
        raise ValueError("日期格式应为 2026-01-15 或 2026年1月15日") from exc


TYPES = (
    {label: value for value, label in AccountType.choices}
    | {v: v for v in AccountType.values}
    | {"政务APP": "app", "客户端": "app"}
)
KINDS = {label: value for value, label in WechatKind.choices} | {v: v for v in WechatKind.values}


def _read(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    if not zipfile.is_zipfile(BytesIO(content)):
        raise ImportFailed([RowError(0, "", "文件不是Excel（.xlsx）格式，请用Excel另存为.xlsx后再导入")])
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportFailed([RowError(0, "", "无法读取Excel文件，文件可能已损坏")]) from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    rows = list(ws.iter_rows(values_only=True)) if ws is not None else []
    if not rows:
        raise ImportFailed([RowError(1, "", "表格为空，第1行应为表头")])
    header = [_text(c) for c in rows[0]]
    by_title = {title: field for field, title in COLUMNS}
    positions = {by_title[t]: i for i, t in enumerate(header) if t in by_title}
    missing = [TITLE[f] for f, _ in COLUMNS if f in REQUIRED and f not in positions]
    if missing:
        raise ImportFailed([RowError(1, "", f"缺少必需的列：{'、'.join(missing)}")])
    out = []
    for number, values in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        out.append((number, {f: values[i] if i < len(values) else None for f, i in positions.items()}))
    if not out:
        raise ImportFailed([RowError(2, "", "表格中没有账号数据")])
    return out


def _parse_row(
    number: int, raw: dict[str, Any], units: dict[str, Unit], actor: Any, errors: list[RowError]
) -> tuple[Unit, dict[str, Any]] | None:
    start = len(errors)
    data: dict[str, Any] = {}
    for field, value in raw.items():
        if field in ("opened_on", "planned_open_on"):
            try:
                data[field] = _date(value)
            except ValueError as exc:
                errors.append(RowError(number, TITLE[field], str(exc)))
        else:
            data[field] = _text(value)
    for field in REQUIRED:
        if not data.get(field):
            errors.append(RowError(number, TITLE[field], "不能为空"))
    unit = units.get(data.pop("unit", ""))
    if raw.get("unit") and unit is None:
        errors.append(RowError(number, TITLE["unit"], f"未知单位“{_text(raw['unit'])}”"))
    elif unit is not None and not can(actor, "registry.register", unit):
        errors.append(RowError(number, TITLE["unit"], f"无权为“{unit.name}”登记账号"))
    if data.get("type"):
        if data["type"] not in TYPES:
            errors.append(
                RowError(
                    number,
                    TITLE["type"],
                    f"未知类型“{data['type']}”，应为{'、'.join(AccountType.labels)}之一",
                )
            )
        else:
            data["type"] = TYPES[data["type"]]
    if data.get("wechat_kind"):
        if data["wechat_kind"] not in KINDS:
            errors.append(RowError(number, TITLE["wechat_kind"], "应为“订阅号”或“服务号”"))
        else:
            data["wechat_kind"] = KINDS[data["wechat_kind"]]
    if len(errors) > start or unit is None:
        return None
    try:
        _validate_account(Account(unit=unit, **data))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.append(RowError(number, TITLE.get(field, ""), message))
        return None
    return unit, data


def import_ledger(actor: Any, content: bytes, request: Any = None) -> list[Account]:
    """Validate every row first; import all rows or none (ImportFailed lists errors by row and column)."""
    rows = _read(content)
    # Only the actor's county: another county's unit is unknown here, as everywhere else.
    units = {u.name: u for u in Unit.objects.filter(is_active=True, county=actor.county_id)}
    errors: list[RowError] = []
    parsed: list[tuple[int, Unit, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in rows:
        result = _parse_row(number, raw, units, actor, errors)
        if result is None:
            continue
        unit, data = result
        key = (data["type"], data["name"])
        if key in seen:
            errors.append(RowError(number, TITLE["name"], f"与第{seen[key]}行重复"))
            continue
        seen[key] = number
        parsed.append((number, unit, data))
    if errors:
        raise ImportFailed(errors)
    created = []
    with transaction.atomic():
        for number, unit, data in parsed:
            try:
                created.append(create_account(actor, unit, data, request=request))
            except (ValidationError, PermissionDenied) as exc:
                # A concurrent change between validation and import: roll back everything.
                raise ImportFailed(
                    [RowError(number, "", "；".join(getattr(exc, "messages", [str(exc)])))]
                ) from exc
    return created
