"""The per-unit statistics table as an XLSX workbook."""

from __future__ import annotations

import io
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from stats.models import FIGURES, LABELS
from tenants.modules import UNIT_KIND_CHOICES

KIND_LABELS = dict(UNIT_KIND_CHOICES)


def units_xlsx(rows, first, last) -> tuple[bytes, str]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("单位统计")
    headers = ["单位代码", "单位名称", "单位类型", *(LABELS[f][0] for f in FIGURES)]
    for index, width in enumerate([14, 28, 14, *([12] * len(FIGURES))]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([f"统计期间：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}（用户数为期末数）"])
    header = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [row["code"], row["name"], KIND_LABELS.get(row["kind"], row["kind"]), *(row[f] for f in FIGURES)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), quote(f"单位统计-{first:%Y%m%d}-{last:%Y%m%d}.xlsx")
