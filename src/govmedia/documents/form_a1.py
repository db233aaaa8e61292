"""Form A.1 (附录A 政务公开新媒体备案登记表): the values a print view and the Word file both render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from govmedia.web.markup import day

TITLE = "政务公开新媒体备案登记表"
TYPE_BOXES = [
    ("weibo", "微博"),
    ("wechat", "微信"),
    ("qq", "QQ公众号"),
    ("toutiao", "头条号"),
    ("baijiahao", "百家号"),
    ("penguin", "企鹅媒体平台"),
    ("app", "自主开发移动客户端"),
    ("other", "其他"),
]
WECHAT_KINDS = {"subscription": "订阅号", "service": "服务号"}
COMMITMENT = (
    "我单位知晓国家互联网有关法规和相关制度，承诺加强管理，"
    "切实保障该政务新媒体的网络信息安全，同意本新媒体开通运营。"
)
CONTACT_PARTS = [
    ("name", "姓名"),
    ("title", "职务"),
    ("mobile", "移动电话"),
    ("office_phone", "办公电话"),
    ("email", "邮箱"),
]


def chinese_date(value: date | str | None) -> str:
    if not value:
        return ""
    return day(date.fromisoformat(value) if isinstance(value, str) else value)


@dataclass(frozen=True)
class FormA1:
    boxes: list[tuple[str, bool]]  # (label, checked); 其他 carries its text
    type_text: str
    name: str
    link: str
    open_date: str
    unit_name: str
    leader: dict[str, str]
    admin: dict[str, str]
    developer: str
    purpose_plan: str
    introduction: str

    @property
    def type_line(self) -> str:
        return "  ".join(f"{'☑' if checked else '□'} {label}" for label, checked in self.boxes)


def form_a1(data: dict[str, Any]) -> FormA1:
    """Shape stored A.1 data (Account.a1_data() or a filing's snapshot) for rendering."""
    kind = data.get("type", "")
    boxes = []
    for value, label in TYPE_BOXES:
        if value == "wechat" and kind == "wechat" and data.get("wechat_kind"):
            label = f"{label}（{WECHAT_KINDS.get(data['wechat_kind'], '')}）"
        if value == "other":
            label = f"其他 {data.get('type_other') or '________'}"
        boxes.append((label, value == kind))
    if data.get("opened_on"):
        open_date = chinese_date(data["opened_on"])
    elif data.get("planned_open_on"):
        open_date = f"{chinese_date(data['planned_open_on'])}（计划）"
    else:
        open_date = ""
    return FormA1(
        boxes=boxes,
        type_text=next(label for label, checked in boxes if checked) if kind else "",
        name=data.get("name", ""),
        link=data.get("link", ""),
        open_date=open_date,
        unit_name=data.get("unit_name", ""),
        leader={p: str(data.get(f"leader_{p}", "") or "") for p, _ in CONTACT_PARTS},
        admin={p: str(data.get(f"admin_{p}", "") or "") for p, _ in CONTACT_PARTS},
        developer=data.get("developer") or "无",
        purpose_plan=data.get("purpose_plan", ""),
        introduction=data.get("introduction", ""),
    )


def _font(run: Any, size: float = 10.5, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "宋体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _put(cell: Any, text: str, bold: bool = False, align: Any = None) -> None:
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        _font(paragraph.add_run(line), bold=bold)


def build_docx(data: dict[str, Any]) -> bytes:
    """The filled form A.1 as a Word document, with signature and seal spaces."""
    form = form_a1(data)
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    for text, size in (("表A.1", 10.5), (TITLE, 16)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), size=size, bold=size > 12)
    table = doc.add_table(rows=12, cols=7)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows

    def span(r: int, text: str) -> None:
        cell = rows[r].cells[1].merge(rows[r].cells[6])
        _put(cell, text)

    _put(rows[0].cells[0], "新媒体类型", bold=True)
    span(0, form.type_line)
    cells = rows[1].cells
    _put(cells[0], "账号用户名", bold=True)
    _put(cells[1], form.name)
    _put(cells[2], "媒体链接", bold=True)
    _put(cells[3], form.link)
    _put(cells[4], "开通时间", bold=True)
    _put(cells[5].merge(cells[6]), form.open_date)
    _put(rows[2].cells[0], "开通部门或单位名称", bold=True)
    span(2, form.unit_name)
    for start, label, person in (
        (3, "第一责任人（部门主要领导）", form.leader),
        (5, "账号管理员", form.admin),
    ):
        head = rows[start].cells[0].merge(rows[start + 1].cells[0])
        _put(head, label, bold=True)
        first, second = rows[start].cells, rows[start + 1].cells
        for i, (part, plabel) in enumerate(CONTACT_PARTS[:3]):
            _put(first[1 + i * 2], plabel, bold=True)
            _put(first[2 + i * 2], person[part])
        _put(second[1], "办公电话", bold=True)
        _put(second[2], person["office_phone"])
        _put(second[3], "邮箱", bold=True)
        _put(second[4].merge(second[6]), person["email"])
    for r, label, value in (
        (7, "开发单位", form.developer),
        (8, "平台用途及建设规划", form.purpose_plan),
        (9, "基本情况介绍", form.introduction),
    ):
        _put(rows[r].cells[0], label, bold=True)
        span(r, value)
    _put(rows[10].cells[0], "单位意见", bold=True)
    span(10, f"    {COMMITMENT}\n\n单位负责人签字（公章）：\n\n年    月    日")
    _put(rows[11].cells[0], "县人民政府办公室意见", bold=True)
    span(11, "\n\n签字（公章）：\n\n年    月    日")
    for row in rows:
        row.cells[0].width = Cm(3)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
