"""Plain text of a checked file, for the search index.

Bounded: at most OA_DOCUMENT_TEXT_MAX_CHARS characters (default 1,000,000), and XML parts are
streamed, so neither a long file nor a large one costs more than its share of memory. Search is
best effort: a file that cannot be read gives "" and a log line, never an exception (files
reach here after `inspect_upload`, which refuses corrupt ones). Kinds without a reader here
(DOC, XLS, PPT, images) give "".
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from collections.abc import Callable

from django.conf import settings

from . import ofd
from .archives import ZipLimits
from .intake import PDFIUM_LOCK, FileKind, InspectedFile, detect_text_encoding
from .xmlstream import END, START, TEXT, iter_events, local, read_chunks

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 1_000_000


class _Full(Exception):
    """The text has reached its limit: reading stops."""


class _TextSink:
    def __init__(self, limit: int):
        self.limit = limit
        self.length = 0
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.limit - self.length
        if len(text) >= room:
            self.parts.append(text[:room])
            self.length = self.limit
            raise _Full
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


def extract_text(inspected_file: InspectedFile, data: bytes) -> str:
    """The file's text for indexing; "" when there is none or it cannot be read."""
    reader = _READERS.get(inspected_file.kind)
    if reader is None:
        return ""
    sink = _TextSink(getattr(settings, "OA_DOCUMENT_TEXT_MAX_CHARS", DEFAULT_MAX_CHARS))
    try:
        reader(data, sink)
    except _Full:
        pass
    except Exception:
        # Search must not fail an upload or a task; the log says which file to look at.
        logger.warning(
            "text extraction failed for %s file %s", inspected_file.kind, inspected_file.sha256, exc_info=True
        )
        return ""
    return _tidy(sink.text())


_TRAILING_SPACE = re.compile(r"[ \t\r]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()


def _member_chunks(archive: zipfile.ZipFile, name: str):
    # inspect_upload has checked every member's real size; the limit is a second fence.
    with archive.open(name) as stream:
        yield from read_chunks(stream, limit=ZipLimits.from_settings().max_uncompressed)


def _docx(data: bytes, sink: _TextSink) -> None:
    """Paragraphs (w:p) of word/document.xml, table cells included, tracked deletions not.

    Text boxes are written twice (mc:Choice for new Word, mc:Fallback for old); the fallback
    copy is skipped.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        in_text = False
        fallback = 0
        for event, tag, value in iter_events(_member_chunks(archive, "word/document.xml")):
            name = local(tag)
            if event == START:
                if name == "Fallback":
                    fallback += 1
                elif fallback:
                    continue
                elif name == "t":
                    in_text = True
                elif name == "tab":
                    sink.add("\t")
                elif name in ("br", "cr"):
                    sink.add("\n")
            elif event == END:
                if name == "Fallback":
                    fallback -= 1
                elif fallback:
                    continue
                elif name == "t":
                    in_text = False
                elif name == "p":
                    sink.add("\n")
            elif event == TEXT and in_text and not fallback and isinstance(value, str):
                sink.add(value)


def _numbered(names, pattern: str) -> list[str]:
    """Members matching `pattern` (one number group) in numeric order: sheet2 before sheet10."""
    found = [(int(match.group(1)), name) for name in names if (match := re.fullmatch(pattern, name))]
    return [name for _number, name in sorted(found)]


def _xlsx(data: bytes, sink: _TextSink) -> None:
    """Cell strings: the shared strings table, then strings stored in the sheets themselves.

    Numbers and dates are left out; the order of shared strings is the order they were first
    used, which is close enough for search and needs no table held in memory.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "xl/sharedStrings.xml" in archive.NameToInfo:
            in_text = False
            phonetic = 0
            for event, tag, value in iter_events(_member_chunks(archive, "xl/sharedStrings.xml")):
                name = local(tag)
                if event == START:
                    phonetic += name == "rPh"
                    in_text = name == "t" and not phonetic
                elif event == END:
                    phonetic -= name == "rPh"
                    if name == "t":
                        in_text = False
                    elif name == "si":
                        sink.add("\n")
                elif event == TEXT and in_text and isinstance(value, str):
                    sink.add(value)
        for sheet in _numbered(archive.NameToInfo, r"xl/worksheets/sheet(\d+)\.xml"):
            cell_type = ""
            in_text = False
            for event, tag, value in iter_events(_member_chunks(archive, sheet)):
                name = local(tag)
                if event == START and isinstance(value, dict):
                    if name == "c":
                        cell_type = value.get("t", "")
                    in_text = (name == "t" and cell_type == "inlineStr") or (
                        name == "v" and cell_type == "str"
                    )
                elif event == END:
                    if name in ("t", "v"):
                        in_text = False
                    elif name == "c":
                        if cell_type in ("inlineStr", "str"):
                            sink.add("\n")
                        cell_type = ""
                elif event == TEXT and in_text and isinstance(value, str):
                    sink.add(value)


def _pptx(data: bytes, sink: _TextSink) -> None:
    """The text runs (a:t) of each slide, slides in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for slide in _numbered(archive.NameToInfo, r"ppt/slides/slide(\d+)\.xml"):
            in_text = False
            for event, tag, value in iter_events(_member_chunks(archive, slide)):
                name = local(tag)
                if event == START:
                    in_text = name == "t"
                elif event == END:
                    in_text = False
                    if name == "p":
                        sink.add("\n")
                elif event == TEXT and in_text and isinstance(value, str):
                    sink.add(value)
            sink.add("\n")


def _ofd(data: bytes, sink: _TextSink) -> None:
    """TextCode of each page's Content.xml, pages in the order of Document.xml.

    Converters often write one TextObject per character; codes on the same baseline (the
    object's Boundary y plus the code's Y, in mm) are joined without a break so phrases stay
    whole for search, and a new baseline starts a new line.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for root in ofd.document_roots(archive):
            for page in ofd.page_contents(archive, root):
                if page not in archive.NameToInfo:
                    continue
                object_y = 0.0
                line_y: float | None = None
                in_code = False
                for event, tag, value in iter_events(_member_chunks(archive, page)):
                    name = local(tag)
                    if event == START and isinstance(value, dict):
                        if name == "TextObject":
                            object_y = _boundary_y(value.get("Boundary", ""))
                        elif name == "TextCode":
                            in_code = True
                            y = object_y + _number(value.get("Y"), 0.0)
                            if line_y is not None and abs(y - line_y) > 0.5:
                                sink.add("\n")
                            line_y = y
                    elif event == END and name == "TextCode":
                        in_code = False
                    elif event == TEXT and in_code and isinstance(value, str):
                        sink.add(value)
                sink.add("\n\n")


def _number(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _boundary_y(boundary: str) -> float:
    parts = boundary.split()
    return _number(parts[1], 0.0) if len(parts) >= 2 else 0.0


def _pdf(data: bytes, sink: _TextSink) -> None:
    import pypdfium2

    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            for index in range(len(document)):
                try:
                    page = document[index]
                except pypdfium2.PdfiumError:
                    logger.info("PDF page %d cannot be loaded; its text is left out", index + 1)
                    continue
                try:
                    text_page = page.get_textpage()
                    try:
                        sink.add(text_page.get_text_bounded())
                        sink.add("\n\n")
                    finally:
                        text_page.close()
                finally:
                    page.close()
        finally:
            document.close()


def _txt(data: bytes, sink: _TextSink) -> None:
    encoding = detect_text_encoding(data) or "gb18030"
    # Four bytes per character at most (UTF-8, GB18030): decode no more than can be kept.
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    sink.add(decoder.decode(data[: sink.limit * 4 + 4], final=False))


_READERS: dict[FileKind, Callable[[bytes, _TextSink], None]] = {
    FileKind.DOCX: _docx,
    FileKind.XLSX: _xlsx,
    FileKind.PPTX: _pptx,
    FileKind.OFD: _ofd,
    FileKind.PDF: _pdf,
    FileKind.TXT: _txt,
}
