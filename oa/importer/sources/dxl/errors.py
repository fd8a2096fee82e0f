"""What can be wrong with a DXL file (refuse it) and with one document in it (quarantine it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DxlFormatError(Exception):
    """The file is not well-formed XML, or is XML but not a Domino DXL export.

    Raised by check_dxl() before anything is imported, and by the reader if it meets broken XML
    part-way (the importer is expected to have called check_dxl() first).
    """

    BAD_XML = "bad_xml"
    NOT_DXL = "not_dxl"
    BAD_ENCODING = "bad_encoding"  # the bytes are not in the encoding the file declares

    def __init__(self, reason: str, *, code: str, line: int | None = None, column: int | None = None):
        self.reason = reason
        self.code = code
        self.line = line
        self.column = column
        super().__init__(self._message())

    def _message(self) -> str:
        what = {
            self.BAD_XML: "XML 格式错误 (malformed XML)",
            self.BAD_ENCODING: "编码与声明不符 (the bytes do not match the declared encoding)",
        }.get(self.code, "不是 Domino DXL 文件 (not DXL)")
        where = ""
        if self.line is not None:
            where = f"，第 {self.line} 行" + (f"第 {self.column} 列" if self.column else "")
            where += f" (line {self.line}" + (f", column {self.column})" if self.column else ")")
        return f"{what}{where}: {self.reason}"


class ProblemCode(StrEnum):
    """Why a document goes to quarantine; the importer maps these to its own error codes."""

    MISSING_UNID = "missing_unid"
    BAD_NOTEINFO = "bad_noteinfo"
    ITEM_WITHOUT_NAME = "item_without_name"
    BAD_NUMBER = "bad_number"
    BAD_DATETIME = "bad_datetime"
    BAD_BASE64 = "bad_base64"
    SIZE_MISMATCH = "size_mismatch"
    NO_FILE_DATA = "no_file_data"
    COMPRESSED_ATTACHMENT = "compressed_attachment"
    EXTRA_VALUE = "extra_value"
    UNREADABLE = "unreadable"
    MOJIBAKE = "mojibake"  # UTF-8 text read in the file's legacy encoding (encoding.mojibake)


@dataclass(frozen=True, slots=True)
class DxlProblem:
    code: ProblemCode
    message: str
    item: str | None = None  # the item it concerns, if any
