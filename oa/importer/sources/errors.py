"""A source file refused as a whole, before anything is imported from it."""

from __future__ import annotations


class SourceRefused(Exception):
    """The file cannot be imported at all: malformed XML, XML that is not DXL, a spreadsheet
    that cannot be read. `code` is one of bad_xml, not_dxl, not_spreadsheet, bad_spreadsheet,
    bad_encoding, no_data, empty_file; `detail` says why in Chinese (and where, for XML)."""

    def __init__(self, code: str, detail: str, *, line: int | None = None, column: int | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.line = line
        self.column = column

    def as_json(self) -> dict:
        return {"code": self.code, "detail": self.detail, "line": self.line, "column": self.column}
