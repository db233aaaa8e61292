"""Shared pieces of the Word forms: 宋体 runs, table cells, the download response."""

from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def font(run: Any, size: float = 10.5, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "宋体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def put(cell: Any, text: str, bold: bool = False, align: Any = None) -> None:
    """Write text into a table cell, one paragraph per line."""
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph = cell.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        font(paragraph.add_run(line), bold=bold)


def heading(doc: DocumentType, text: str, size: float = 16) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(paragraph.add_run(text), size=size, bold=True)


def to_bytes(doc: DocumentType) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
