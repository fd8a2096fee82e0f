"""Streaming XML for the parts of uploaded files (DOCX, XLSX, PPTX, OFD).

Like templates_lib/xmldoc.py, this uses expat directly and refuses any DOCTYPE or entity
declaration: OOXML and OFD parts never have one, and the billion-laughs and external-entity
attacks need them. Parsing is push-based and fed in chunks, so a large part is never held in
memory whole and a reader can stop as soon as it has what it wants.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO
from xml.parsers import expat

CHUNK = 64 * 1024

START, END, TEXT = "start", "end", "text"


class XmlRefused(Exception):
    """Not well-formed, or declares a DTD or entities."""


def _refuse_dtd(*_args) -> None:
    raise XmlRefused("XML 中不允许 DTD 或实体声明")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    return parser


def iter_events(chunks: Iterable[bytes]) -> Iterator[tuple[str, str, dict[str, str] | str | None]]:
    """(START, "{ns}local", attrs) / (END, "{ns}local", None) / (TEXT, "", data), in order.

    Names use ElementTree's Clark notation; attribute names keep theirs too ("{ns}id" or "id").
    """
    events: list[tuple[str, str, dict[str, str] | str | None]] = []
    parser = _parser()
    parser.buffer_text = True

    def clark(name: str) -> str:
        return "{" + name if "}" in name else name

    parser.StartElementHandler = lambda name, attrs: events.append(
        (START, clark(name), {clark(k): v for k, v in attrs.items()})
    )
    parser.EndElementHandler = lambda name: events.append((END, clark(name), None))
    parser.CharacterDataHandler = lambda data: events.append((TEXT, "", data))

    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield from events
            events.clear()
        parser.Parse(b"", True)
        yield from events
    except expat.ExpatError as exc:
        raise XmlRefused(f"XML 格式错误（第 {exc.lineno} 行）") from exc


def read_chunks(stream: IO[bytes], *, limit: int | None = None) -> Iterator[bytes]:
    """A binary stream in CHUNK-sized pieces, at most `limit` bytes in all."""
    left = limit
    while left is None or left > 0:
        chunk = stream.read(CHUNK if left is None else min(CHUNK, left))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk


def local(tag: str) -> str:
    """The local part of a Clark name: OFD producers disagree on namespaces, so we match on it."""
    return tag.rsplit("}", 1)[-1]


def check_well_formed(chunks: Iterable[bytes]) -> None:
    """Parse without building events: expat alone, at C speed."""
    parser = _parser()
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XmlRefused(f"XML 格式错误（第 {exc.lineno} 行）") from exc
