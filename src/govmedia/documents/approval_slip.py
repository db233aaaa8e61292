"""《XX县政务微博、政务微信发布信息审批单》 (R5.4-7): rows shared by the print view and the Word file;
the title names the post's county."""

from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm

from govmedia.web.markup import moment

from .word import heading, put, to_bytes


def title_for(post: Any) -> str:
    return f"{post.unit.county.name}政务微博、政务微信发布信息审批单"


def slip_rows(post: Any, steps: list[Any]) -> list[tuple[str, str]]:
    """(label, text) rows, filled from the post and the decisions of its current round."""
    rows = [
        ("信息标题", post.title),
        ("信息类别", post.category_label or "未选择"),
        ("报送单位", str(post.unit)),
        ("撰稿人", str(post.author)),
        ("发布账号", "；".join(f"{a.unit} {a.get_type_display()}“{a.name}”" for a in post.accounts.all())),
        ("信息来源", post.get_kind_display() + (f"（{post.portal_url}）" if post.portal_url else "")),
        ("送审时间", moment(post.submitted_at)),
    ]
    for step in steps:
        opinion = step.get_decision_display() if step.decided_by else "（待审）"
        if step.comment:
            opinion += f"：{step.comment}"
        if step.important:
            opinion += "（重要信息，报县人民政府领导审批）"
        signed = (
            f"\n审核人：{step.decided_by or ''}    时间：{moment(step.decided_at)}" if step.decided_by else ""
        )
        rows.append((step.label + "意见", opinion + signed))
    rows.append(
        (
            "发布情况",
            (
                f"发布人：{post.published_by}    时间：{moment(post.published_at)}\n"
                f"链接：{post.published_url}"
                if post.published_at
                else "（未发布）"
            ),
        )
    )
    rows.append(("内容摘要", post.body[:300] + ("……" if len(post.body) > 300 else "")))
    return rows


def build_docx(post: Any, steps: list[Any]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    heading(doc, title_for(post))
    rows = slip_rows(post, steps)
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, text) in zip(table.rows, rows, strict=True):
        row.cells[0].width = Cm(3.5)
        row.cells[1].width = Cm(13)
        put(row.cells[0], label, bold=True)
        put(row.cells[1], text)
    return to_bytes(doc)
