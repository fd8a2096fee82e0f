"""A DXL file as an importer source: check_dxl() first, then the documents as SourceRecords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oa.importer.records import RichValue, SourceProblem, SourceRecord
from oa.importer.sources.dxl.encoding import declared_encoding, is_legacy, mojibake
from oa.importer.sources.dxl.errors import DxlFormatError
from oa.importer.sources.dxl.reader import DxlReader, check_dxl
from oa.importer.sources.dxl.records import to_record
from oa.importer.sources.errors import SourceRefused


class DxlFileSource:
    kind = "dxl"

    def __init__(self, path: Path, *, name: str = ""):
        self.path = Path(path)
        self.name = name or self.path.name
        self.summary: dict[str, Any] = {}

    def check(self) -> int:
        """The number of documents; SourceRefused (with the line) for malformed XML or not DXL."""
        try:
            return check_dxl(self.path)
        except DxlFormatError as exc:
            raise SourceRefused(exc.code, str(exc), line=exc.line, column=exc.column) from exc

    def records(self) -> Iterator[SourceRecord]:
        reader = DxlReader(self.path)
        with self.path.open("rb") as stream:
            codec = declared_encoding(stream.read(512))
        legacy = codec if is_legacy(codec) else None
        try:
            for document in reader:
                record = to_record(document, reader.database)
                if legacy:
                    _flag_mojibake(record, legacy)
                yield record
        except DxlFormatError as exc:  # the file changed since check(): refuse the rest
            raise SourceRefused(exc.code, str(exc), line=exc.line, column=exc.column) from exc
        summary = reader.summary
        if summary is not None:
            database = summary.database
            self.summary = {
                "root": summary.root,
                "encoding": summary.encoding,
                "documents": summary.documents,
                "documents_with_problems": summary.documents_with_problems,
                "skipped": summary.skipped,
                "database": {
                    "title": database.title,
                    "path": database.path,
                    "replica_id": database.replica_id,
                    "declared_documents": database.declared_documents,
                }
                if database
                else None,
            }


def _flag_mojibake(record: SourceRecord, codec: str) -> None:
    """A document of a legacy-encoded file whose text is UTF-8 read in that encoding (a file
    that mixes encodings): each such item is a problem of the record, which is quarantined."""
    for item in record.items:
        for value in item.values:
            text = value.text if isinstance(value, RichValue) else value
            repaired = mojibake(text, codec) if isinstance(text, str) else None
            if repaired is not None:
                record.problems.append(
                    SourceProblem(
                        "mojibake",
                        f"条目“{item.name}”按文件声明的 {codec} 编码读出的是“{text[:30]}”，实为 UTF-8 "
                        f"文字“{repaired[:30]}”：编码与声明不符，未导入以免写入乱码。",
                        item.name,
                    )
                )
                break
    form = record.form or ""
    repaired = mojibake(form, codec)
    if repaired is not None:
        record.problems.append(
            SourceProblem("mojibake", f"表单名“{form}”实为 UTF-8 文字“{repaired}”：编码与声明不符。")
        )
