"""A DXL file as an importer source: check_dxl() first, then the documents as SourceRecords."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oa.importer.records import SourceRecord
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
        try:
            for document in reader:
                yield to_record(document, reader.database)
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
