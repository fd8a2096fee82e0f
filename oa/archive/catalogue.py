"""The 归档文件目录 (DA/T 22-2015 §8) as PDF and XLSX, and 档案盒 labels as PDF.

The PDFs use the project's rendering stack: fpdf2 with the faces oa.documents' FontConfig
resolves (the deployment's configured fonts, or the free CJK stand-ins), so the catalogue
prints in the same 宋体/黑体 the documents do.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote

from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace as CellStyle
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from oa.documents.models import Classification, Direction, Document, DocumentFile, Retention
from oa.documents.rendering.fonts import FontConfig

# 归档文件目录 columns (DA/T 22-2015 §8.2 and 附录 B): label, PDF width (mm), XLSX width.
COLUMNS = [
    ("序号", 12, 6),
    ("档号", 52, 28),
    ("文号", 38, 22),
    ("责任者", 34, 18),
    ("题名", 88, 48),
    ("日期", 20, 10),
    ("密级", 12, 6),
    ("页数", 12, 6),
    ("备注", 19, 12),
]


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def responsible(item: Document) -> str:
    """责任者: who made the document (the issuing agency, or where an incoming one came from)."""
    if item.direction == Direction.INCOMING:
        return item.source_agency or item.agency_name
    return item.agency_name or item.signature_agency


def item_date(item: Document) -> str:
    """日期 as DA/T 22 writes it: eight digits, YYYYMMDD."""
    when = item.issued_date or item.received_on or timezone.localdate(item.created_at)
    return when.strftime("%Y%m%d")


def page_count(item: Document) -> str:
    """页数 of the kept 版式文件 (empty when the item has none: paper or imported history)."""
    from oa.documents.rendering.raster import page_count as count
    from oa.documents.storage import blob_path

    rendered = (
        DocumentFile.objects.filter(document=item, role=DocumentFile.Role.RENDERED, removed_at__isnull=True)
        .order_by("-id")
        .first()
    )
    if rendered is None:
        return ""
    try:
        return str(count(blob_path(rendered.sha256).read_bytes()))
    except (OSError, ValueError):
        return ""


def row(index: int, item: Document, *, pages: bool) -> list[str]:
    note = "已销毁" if getattr(item, "destroyed", False) else ""
    return [
        str(index),
        item.archive_code,
        item.doc_number,
        responsible(item),
        item.title,
        item_date(item),
        "" if item.classification == Classification.NONE else _label(Classification, item.classification),
        page_count(item) if pages else "",
        note,
    ]


def _title(fonds: str, year: int | None, retention: str) -> str:
    parts = [f"全宗号 {fonds}" if fonds else "", f"{year} 年度" if year else "", _label(Retention, retention)]
    return "　".join(p for p in parts if p)


class _Pdf(FPDF):
    def __init__(self, orientation: str):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        config = FontConfig.from_settings()
        song = config.resolve("宋体")
        hei = config.resolve("黑体")
        self.add_font("song", "", song.path, collection_font_number=song.index)
        self.add_font("hei", "", hei.path, collection_font_number=hei.index)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title("归档文件目录")

    def footer(self):
        self.set_y(-12)
        self.set_font("song", size=9)
        self.cell(0, 6, f"第 {self.page_no()} 页", align="C")


def directory_pdf(
    items: Iterable[Document], *, unit_name: str, fonds: str = "", year=None, retention=""
) -> bytes:
    """归档文件目录, landscape A4, a header row repeated on every page."""
    pdf = _Pdf("L")
    pdf.add_page()
    pdf.set_font("hei", size=18)
    pdf.cell(0, 12, "归档文件目录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("song", size=10)
    pdf.cell(0, 7, f"{unit_name}　{_title(fonds, year, retention)}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("song", size=9)
    heading = CellStyle(family="hei", emphasis="")
    with pdf.table(
        col_widths=[c[1] for c in COLUMNS],
        headings_style=heading,
        line_height=5.5,
        text_align=["CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "LEFT"],
        repeat_headings=1,
    ) as table:
        table.row([c[0] for c in COLUMNS])
        count = 0
        for count, item in enumerate(items, start=1):
            table.row(row(count, item, pages=True))
    if count == 0:
        pdf.ln(4)
        pdf.cell(0, 8, "（没有符合条件的档案）", align="C")
    return bytes(pdf.output())


def directory_xlsx(items: Iterable[Document], *, unit_name: str, fonds="", year=None, retention="") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("归档文件目录")
    for index, (_name, _pdf, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([f"归档文件目录　{unit_name}　{_title(fonds, year, retention)}"])
    header = []
    for name, _pdf, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    for index, item in enumerate(items, start=1):
        sheet.append(row(index, item, pages=True))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Box:
    """One 档案盒: items of one 年度, 保管期限 and 机构, in 件号 order."""

    number: int
    fonds: str
    year: int
    retention: str
    org: str
    first: int
    last: int
    count: int


def boxes(items: Iterable[Document], *, per_box: int) -> list[Box]:
    """Items packed into boxes of at most `per_box` items; a box never mixes 年度, 保管期限 or
    机构 (DA/T 22-2015 §9.2)."""
    result: list[Box] = []
    key = lambda i: (i.fonds, i.year, i.retention, i.org)  # noqa: E731
    for (fonds, year, retention, org), group in groupby(items, key=key):
        group = list(group)
        for start in range(0, len(group), per_box):
            chunk = group[start : start + per_box]
            result.append(
                Box(
                    number=len(result) + 1,
                    fonds=fonds or "",
                    year=year or 0,
                    retention=retention,
                    org=org or "",
                    first=chunk[0].item_no or 0,
                    last=chunk[-1].item_no or 0,
                    count=len(chunk),
                )
            )
    return result


def box_labels_pdf(packed: list[Box], *, unit_name: str) -> bytes:
    """档案盒 盒脊 labels, 8 to an A4 page (two columns of four), to cut and paste."""
    pdf = _Pdf("P")
    pdf.set_auto_page_break(auto=False)
    width, height, gap = 90.0, 64.0, 6.0
    rows = [
        ("全宗号", lambda b: b.fonds),
        ("年度", lambda b: str(b.year)),
        ("保管期限", lambda b: _label(Retention, b.retention)),
        ("机构（问题）", lambda b: b.org),
        ("起止件号", lambda b: f"{b.first:04d}—{b.last:04d}（{b.count} 件）"),
    ]
    for index, box in enumerate(packed):
        slot = index % 8
        if slot == 0:
            pdf.add_page()
        x = 12 + (slot % 2) * (width + gap)
        y = 14 + (slot // 2) * (height + gap)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x, y + 3)
        pdf.set_font("hei", size=13)
        pdf.cell(width, 7, unit_name[:20], align="C")
        pdf.set_xy(x, y + 11)
        pdf.set_font("hei", size=11)
        pdf.cell(width, 6, f"档案盒　第 {box.number} 盒", align="C")
        pdf.set_font("song", size=10)
        for line, (label, value) in enumerate(rows):
            top = y + 21 + line * 8
            pdf.line(x + 4, top + 7, x + width - 4, top + 7)
            pdf.set_xy(x + 4, top)
            pdf.cell(26, 7, label)
            pdf.cell(width - 34, 7, value(box))
    if not packed:
        pdf.add_page()
        pdf.set_font("song", size=12)
        pdf.cell(0, 10, "（没有符合条件的档案）", align="C")
    return bytes(pdf.output())


def filename(stem: str, suffix: str) -> str:
    return quote(f"{stem}-{timezone.localdate():%Y%m%d}.{suffix}")
