"""Registers kept in spreadsheets (收文登记簿, 发文登记簿) as XLSX or CSV.

Each data row becomes a SourceRecord whose items are its cells, named by their column header,
so the same mapping reads `标题` from a register column as from a Domino item. The header is
the first row with at least two filled cells (a register often has its title, "2009年收文登记簿",
alone in the first row); every sheet of a workbook is read. A column named 表单 or Form gives
the row's form; otherwise the mapping's `registers` tell it from the header.

CSV is read as UTF-16 when it starts with its BOM (Excel's "Unicode text"), as UTF-8 (with or
without BOM), else GB18030 (which covers GBK and GB2312, what
Excel on a Chinese Windows saves); the delimiter is a comma, a semicolon or a tab, sniffed from
the header. XLSX goes through the same zip checks as uploaded documents (oa/documents/archives).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings

from oa.importer.records import SourceItem, SourceRecord
from oa.importer.sources.errors import SourceRefused

FORM_COLUMNS = frozenset({"表单", "form", "表单名称"})
_MiB = 1024 * 1024


def sniff_kind(head: bytes) -> str:
    """xlsx for a zip, csv for text; the caller has ruled XML out already."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceRefused("not_spreadsheet", "文件既不是 DXL，也不是 XLSX 或 CSV 表格。")
    return "csv"


class SpreadsheetSource:
    """check() once (refuses a file it cannot read, counts the rows), then records()."""

    def __init__(self, path: Path, kind: str, *, name: str = ""):
        self.path = Path(path)
        self.kind = kind
        self.name = name or self.path.name
        self.summary: dict[str, Any] = {}

    def check(self) -> int:
        total = 0
        sheets: dict[str, int] = {}
        for sheet, _header, rows in self._sheets():
            count = sum(1 for _ in rows)
            sheets[sheet] = count
            total += count
        if not sheets:
            raise SourceRefused("no_data", "表格中没有找到表头（至少两列有内容的一行）和数据。")
        self.summary = {"sheets": sheets, "rows": total}
        return total

    def records(self) -> Iterator[SourceRecord]:
        index = 0
        for sheet, header, rows in self._sheets():
            form_column = next((i for i, h in enumerate(header) if h.casefold() in FORM_COLUMNS), None)
            for line, cells in rows:
                index += 1
                items = [
                    _item(name, cells[i] if i < len(cells) else None)
                    for i, name in enumerate(header)
                    if name and i != form_column
                ]
                form = None
                if form_column is not None and form_column < len(cells):
                    form = _text(cells[form_column]) or None
                where = f"第 {line} 行" if self.kind == "csv" else f"工作表“{sheet}”第 {line} 行"
                yield SourceRecord(
                    source=self.kind,
                    key=None,
                    form=form,
                    index=index,
                    location=where,
                    items=[i for i in items if i is not None],
                    meta={
                        "sheet": sheet,
                        "row": line,
                        "columns": [h for h in header if h],
                        "file": self.name,
                    },
                )

    # --- reading ---------------------------------------------------------------------------------

    def _sheets(self) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[Any]]]]]:
        if self.kind == "xlsx":
            yield from self._xlsx_sheets()
        else:
            yield from self._csv_sheets()

    def _csv_sheets(self):
        text = _decode(self.path.read_bytes())
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        found = _header(enumerate(rows, start=1))
        if found is not None:
            header, rest = found
            yield "", header, rest

    def _xlsx_sheets(self):
        from openpyxl import load_workbook

        from oa.documents import archives
        from oa.documents.errors import ContentRefused

        data = self.path.read_bytes()
        limits = archives.ZipLimits(
            max_uncompressed=getattr(settings, "OA_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", 1024 * _MiB)
        )
        try:
            archive = archives.open_zip(data, limits)
            archives.stream_check(data, archive, limits)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ContentRefused as exc:
            raise SourceRefused("bad_spreadsheet", f"XLSX 文件{exc.reason}。") from exc
        except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
            raise SourceRefused("bad_spreadsheet", f"无法读取 XLSX 文件：{exc}") from exc
        try:
            for sheet in workbook.worksheets:
                rows = enumerate((list(r) for r in sheet.iter_rows(values_only=True)), start=1)
                found = _header(rows)
                if found is not None:
                    header, rest = found
                    yield sheet.title, header, rest
        finally:
            workbook.close()


def _header(rows: Iterator[tuple[int, list[Any]]]):
    """(column names, the data rows after them), or None when the sheet has no header."""
    for _line, cells in rows:
        filled = [c for c in cells if _text(c)]
        if len(filled) >= 2:
            header = _unique([_text(c) for c in cells])
            return header, ((line, cells) for line, cells in rows if any(_text(c) for c in cells))
    return None


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name and name in seen:
            seen[name] += 1
            name = f"{name}({seen[name]})"
        elif name:
            seen[name] = 1
        out.append(name)
    return out


def _item(name: str, value: Any) -> SourceItem | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return SourceItem(name, "text", ["是" if value else "否"])
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return SourceItem(name, "datetime", [value.date()])
        return SourceItem(name, "datetime", [value])
    if isinstance(value, date | time):
        return SourceItem(name, "datetime", [value])
    if isinstance(value, int | float):
        return SourceItem(name, "number", [float(value)])
    return SourceItem(name, "text", [str(value).strip()])


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tabs
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceRefused("bad_encoding", "CSV 文件编码无法识别（请使用 UTF-8 或 GBK）。")
