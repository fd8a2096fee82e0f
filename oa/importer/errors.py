"""Why a file is refused and why a record is quarantined (errors are enums, STYLE.md)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from oa.core.errors import ActionError


class SourceErrorCode(StrEnum):
    """A whole file refused before anything is imported (the API answers 400 with it)."""

    BAD_XML = "bad_xml"  # not well-formed XML: the line and column say where
    NOT_DXL = "not_dxl"  # XML, but not a Domino DXL export
    NOT_SPREADSHEET = "not_spreadsheet"
    BAD_SPREADSHEET = "bad_spreadsheet"
    BAD_ENCODING = "bad_encoding"
    NO_DATA = "no_data"
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"


class ImportRefused(ActionError):
    """A source file refused as a whole; `line`/`column` name the place in an XML file."""

    def __init__(self, code: str, detail: str, *, line: int | None = None, column: int | None = None):
        errors = [{"field": "file", "code": code, "detail": detail, "line": line, "column": column}]
        # ActionError is typed with oa.core's ErrorCode; the API renders str(code) (as FileRefused).
        super().__init__(code, detail, field="file", errors=errors, status=400)  # type: ignore[arg-type]
        self.line = line
        self.column = column


class Reason(models.TextChoices):
    """Why a record is in quarantine (隔离区) instead of imported."""

    MISSING_TITLE = "missing_title", "缺少标题"
    BAD_DATE = "bad_date", "日期无法识别"
    UNKNOWN_FORM = "unknown_form", "未知表单"
    BROKEN_ATTACHMENT = "broken_attachment", "附件损坏或不被接受"
    MISSING_KEY = "missing_key", "缺少唯一标识"
    DUPLICATE_KEY = "duplicate_key", "同一文件中唯一标识重复"
    MISSING_FIELD = "missing_field", "缺少必填项"
    BAD_VALUE = "bad_value", "字段值无法识别"
    DUPLICATE_NUMBER = "duplicate_number", "发文字号重复"
    CLASSIFICATION_TOO_HIGH = "classification_too_high", "密级超过本系统允许的最高密级"
    UNREADABLE = "unreadable", "文档无法完整读取"
    VALUE_TOO_LONG = "value_too_long", "值超过字段长度"  # a column or constraint would refuse it
    VALUE_TOO_LARGE = "value_too_large", "单个值超过上限"  # limits.MAX_VALUE_CHARS
    BAD_ENCODING = "bad_encoding", "编码不符（乱码）"  # UTF-8 bytes under a legacy declaration
    WRITE_REFUSED = "write_refused", "数据库拒绝保存"  # a refusal no check foresaw
