"""Where legacy records come from: one package per format (STYLE.md: extension points are
packages you copy). Each gives a source with `check()` (refuse the file as a whole before
anything is written, count what it holds), `records()` (SourceRecords, streamed) and a
`summary` of what it saw.

    dxl/           Lotus Notes/Domino DXL exports (a database, a note, any encoding)
    spreadsheet/   XLSX and CSV registers of old 收文/发文

`open_source(path)` picks the format by the file's content, not its name.
"""

from __future__ import annotations

from pathlib import Path

from oa.importer.sources.errors import SourceRefused

KINDS = {"dxl": "Domino DXL", "xlsx": "Excel 登记簿", "csv": "CSV 登记簿"}


def sniff_kind(path: Path) -> str:
    """dxl, xlsx or csv, from the first bytes; SourceRefused for an empty or binary file."""
    with Path(path).open("rb") as stream:
        head = stream.read(8192)
    if not head.strip():
        raise SourceRefused("empty_file", "文件是空的。")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") or head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<")):
        return "dxl"
    from oa.importer.sources.spreadsheet import sniff_kind as sniff_spreadsheet

    return sniff_spreadsheet(head)


def open_source(path: Path, kind: str | None = None, *, name: str = ""):
    """The source for a file (DxlSource or SpreadsheetSource); call check() before records()."""
    kind = kind or sniff_kind(path)
    if kind == "dxl":
        from oa.importer.sources.dxl.source import DxlFileSource

        return DxlFileSource(Path(path), name=name)
    from oa.importer.sources.spreadsheet import SpreadsheetSource

    return SpreadsheetSource(Path(path), kind, name=name)


__all__ = ["KINDS", "SourceRefused", "open_source", "sniff_kind"]
