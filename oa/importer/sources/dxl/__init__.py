"""Lotus Notes/Domino DXL exports, read as a stream of documents (README.md says what is read)."""

from oa.importer.sources.dxl.datetimes import DateTimeRange, parse_domino_datetime
from oa.importer.sources.dxl.errors import DxlFormatError, DxlProblem, ProblemCode
from oa.importer.sources.dxl.items import DxlAttachment, ItemFlags, ItemValue, ObjectRef, RawData
from oa.importer.sources.dxl.names import NotesName
from oa.importer.sources.dxl.reader import (
    DxlDatabaseInfo,
    DxlDocument,
    DxlEvent,
    DxlReader,
    DxlSource,
    DxlSummary,
    check_dxl,
    iter_dxl,
)
from oa.importer.sources.dxl.richtext import DxlImage, DxlLink, RichText

__all__ = [
    "DateTimeRange",
    "DxlAttachment",
    "DxlDatabaseInfo",
    "DxlDocument",
    "DxlEvent",
    "DxlFormatError",
    "DxlImage",
    "DxlLink",
    "DxlProblem",
    "DxlReader",
    "DxlSource",
    "DxlSummary",
    "ItemFlags",
    "ItemValue",
    "NotesName",
    "ObjectRef",
    "ProblemCode",
    "RawData",
    "RichText",
    "check_dxl",
    "iter_dxl",
    "parse_domino_datetime",
]
