"""《XX县政务微博、政务微信留言批办单》 (R7-5): the values the print view and the Word file both render;
the title names the message's county."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from govmedia.web.markup import moment


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class UnitReply:
    unit: str
    received: str
    due: str
    reply: str
    drafted_by: str
    drafted: str
    signed_by: str
    signed: str
    sign_comment: str


@dataclass(frozen=True)
class Slip:
    title: str
    number: str
    head: list[Row]  # the message and its registration
    instruction: list[Row]
    units: list[UnitReply]
    final: list[Row]  # compilation, review, reply


def _who(step: Any) -> str:
    return str(step.decided_by) if step and step.decided_by else ""


def _when(step: Any) -> str:
    return moment(step.decided_at) if step else ""


def handling_slip(inquiry: Any, steps: list[Any]) -> Slip:
    """Shape a message and its steps (ordered, with decided_by, deadline and assignee_unit loaded)."""
    done = [s for s in steps if s.state == "done"]

    def last(kind: str) -> Any:
        return next((s for s in reversed(done) if s.kind == kind), None)

    register, instruct = last("register"), last("instruct")
    compile_, review, reply, petition = last("compile"), last("review"), last("reply"), last("petition")
    account = inquiry.account
    sender = inquiry.sender_name or inquiry.sender_id or "（未留名）"
    head = [
        Row("留言编号", inquiry.number),
        Row("账号", f"{account.name}（{account.get_type_display()}）"),
        Row(
            "留言人",
            sender + (f"（ID：{inquiry.sender_id}）" if inquiry.sender_id and inquiry.sender_name else ""),
        ),
        Row("留言时间", moment(inquiry.received_at)),
        Row("留言类别", inquiry.get_kind_display()),
        Row("留言内容", inquiry.content),
        Row(
            "登记人及时间",
            f"{_who(register) or (str(inquiry.registered_by) if inquiry.registered_by else '')} "
            f"{moment(inquiry.registered_at)}".strip(),
        ),
    ]
    decision = inquiry.get_instruction_display() if inquiry.instruction else ""
    comment = instruct.comment if instruct else ""
    instruction = [
        Row("领导批示", decision if comment in ("", decision) else f"{decision}。{comment}".lstrip("。")),
        Row("批示领导及时间", f"{_who(instruct)} {_when(instruct)}".strip()),
    ]
    units: list[UnitReply] = []
    for draft in (s for s in steps if s.kind == "draft_reply" and s.state == "done"):
        sign = next(
            (
                s
                for s in done
                if s.kind == "sign_off" and s.assignee_unit_id == draft.assignee_unit_id and s.pk > draft.pk
            ),
            None,
        )
        transfer_at = draft.deadline.started_at if draft.deadline else draft.received_at
        units.append(
            UnitReply(
                unit=str(draft.assignee_unit),
                received=moment(transfer_at),
                due=moment(draft.deadline.due_at) if draft.deadline else "",
                reply=draft.text,
                drafted_by=_who(draft),
                drafted=_when(draft),
                signed_by=_who(sign),
                signed=_when(sign),
                sign_comment=sign.comment if sign else "",
            )
        )
    reply_text = inquiry.reply_text
    final = [
        Row("县电子政务中心整理意见", compile_.text if compile_ else ""),
        Row("整理人及时间", f"{_who(compile_)} {_when(compile_)}".strip()),
        Row("领导审核意见", review.comment if review else ""),
        Row("审核领导及时间", f"{_who(review)} {_when(review)}".strip()),
        Row("回复内容", reply_text),
        Row("回复人及回复时间", f"{_who(reply or petition)} {moment(inquiry.replied_at)}".strip()),
    ]
    if petition:
        final.append(Row("信访登记", f"已告知信访渠道并登记（{_when(petition)}）"))
    title = f"{inquiry.account.unit.county.name}政务微博、政务微信留言批办单"
    return Slip(title, inquiry.number, head, instruction, units, final)


def _font(run: Any, size: float = 10.5, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "宋体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _put(cell: Any, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    for i, line in enumerate((text or "").split("\n")):
        if i:
            paragraph = cell.add_paragraph()
        _font(paragraph.add_run(line), bold=bold)


def _rows(table: Any, rows: list[Row]) -> None:
    for row in rows:
        cells = table.add_row().cells
        _put(cells[0], row.label, bold=True)
        _put(cells[1].merge(cells[3]), row.value)


def build_docx(slip: Slip) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(slip.title), size=16, bold=True)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run(f"编号：{slip.number}"))
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _rows(table, slip.head + slip.instruction)
    for u in slip.units or [UnitReply("", "", "", "", "", "", "", "", "")]:
        _rows(
            table,
            [
                Row("承办单位", u.unit),
                Row("收到转办时间 / 答复时限", f"{u.received} / {u.due}" if u.unit else ""),
                Row("部门回复意见", u.reply),
                Row("经办人及时间", f"{u.drafted_by} {u.drafted}".strip()),
                Row("部门领导审核签字", f"{u.sign_comment}　{u.signed_by} {u.signed}".strip()),
            ],
        )
    _rows(table, slip.final)
    for row in table.rows:
        row.cells[0].width = Cm(4)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
