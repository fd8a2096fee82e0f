"""The registers (发文登记簿, 收文登记簿) as XLSX workbooks, written in openpyxl's streaming
(write-only) mode so a year's register of tens of thousands of rows stays small in memory."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from oa.documents.models import Classification, Direction, Document, Urgency

OUTGOING_COLUMNS = [
    ("发文字号", 22, lambda d: d.doc_number),
    ("标题", 48, lambda d: d.title),
    ("文种", 8, lambda d: d.doc_type),
    ("密级", 8, lambda d: _label(Classification, d.classification)),
    ("紧急程度", 8, lambda d: _label(Urgency, d.urgency)),
    ("拟稿部门", 14, lambda d: d.department.name if d.department_id else ""),
    ("拟稿人", 10, lambda d: _name(d.drafter)),
    ("签发人", 10, lambda d: d.signer_name),
    ("成文日期", 12, lambda d: d.issued_date.isoformat() if d.issued_date else ""),
    ("主送机关", 30, lambda d: d.main_recipients),
    ("状态", 10, lambda d: Document.State(d.state).label),
    ("当前步骤", 12, lambda d: d.step),
    ("档号", 26, lambda d: d.archive_code),
]
INCOMING_COLUMNS = [
    ("收文编号", 22, lambda d: (d.extra or {}).get("incoming_number", "")),
    ("收文日期", 12, lambda d: d.received_on.isoformat() if d.received_on else ""),
    ("来文单位", 20, lambda d: d.source_agency),
    ("来文字号", 22, lambda d: d.doc_number),
    ("标题", 48, lambda d: d.title),
    ("文种", 8, lambda d: d.doc_type),
    ("密级", 8, lambda d: _label(Classification, d.classification)),
    ("紧急程度", 8, lambda d: _label(Urgency, d.urgency)),
    ("份数", 6, lambda d: d.copies),
    ("主办部门", 14, lambda d: d.lead_department.name if d.lead_department_id else ""),
    ("办理时限", 12, lambda d: d.deadline.isoformat() if d.deadline else ""),
    ("状态", 10, lambda d: Document.State(d.state).label),
    ("当前步骤", 12, lambda d: d.step),
    ("档号", 26, lambda d: d.archive_code),
]


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _name(user) -> str:
    account = getattr(user, "account", None)
    return account.display_name if account else user.username


def register_xlsx(direction: str, documents) -> tuple[bytes, str]:
    """The workbook's bytes and its (URL-quoted) file name."""
    title = "发文登记簿" if direction == Direction.OUTGOING else "收文登记簿"
    columns = OUTGOING_COLUMNS if direction == Direction.OUTGOING else INCOMING_COLUMNS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, (_header, width, _get) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _width, _get in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    for document in documents.iterator(chunk_size=2000):
        sheet.append([get(document) for _name_, _width, get in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    filename = quote(f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
    return buffer.getvalue(), filename
