"""Streaming DXL reader: check_dxl() refuses what is not DXL, DxlReader/iter_dxl() yield documents.

The file is parsed with lxml's iterparse: each top-level note is read when its end tag arrives
and then dropped from the tree with everything before it, so memory stays flat however many
documents the export holds (a single huge attachment still has to fit in memory, see README).
libxml2 decodes the file by its own <?xml encoding=...?> (UTF-8, UTF-16, GBK, GB18030, ISO-8859-1,
...). No DTD is loaded, no entity is resolved and nothing is fetched from the network.
"""

from __future__ import annotations

import os
import re
import struct
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from oa.importer.sources.dxl.datetimes import DominoTime, parse_domino_datetime
from oa.importer.sources.dxl.elements import (
    DATABASE_CHILDREN,
    DXL_NAMESPACE,
    ROOT_ELEMENTS,
    is_true,
    local_name,
    namespace_of,
)
from oa.importer.sources.dxl.encoding import check_declared_encoding, locate_decode_error, source_encoding
from oa.importer.sources.dxl.errors import DxlFormatError, DxlProblem, ProblemCode
from oa.importer.sources.dxl.items import DxlAttachment, ItemValue, RawData, read_item
from oa.importer.sources.dxl.names import NotesName, parse_name

DxlSource = str | os.PathLike[str] | IO[bytes]

# End tags the reader stops at; anything else is only looked at as part of one of these.
_WATCHED_TAGS = ["{*}" + name for name in sorted(DATABASE_CHILDREN)]
# Prolog elements of a note the reader knows it does not need.
_IGNORED_NOTE_CHILDREN = frozenset({"textproperties", "folderref"})
# The DTD Domino's exporter names (never loaded): <!DOCTYPE database SYSTEM 'xmlschemas/domino_6_5.dtd'>
_DOMINO_DTD = re.compile(r"(?i)(xmlschemas/)?domino_[0-9a-z_.]*\.dtd")
_NOTEREF_TYPE = 4  # TYPE_NOTEREF_LIST: the $REF item of a response
_NOTEINFO_TIMES = {
    "created": "created",
    "modified": "modified",
    "revised": "revised",
    "lastaccessed": "last_accessed",
    "addedtofile": "added_to_file",
}


@dataclass(frozen=True, slots=True)
class DxlDatabaseInfo:
    """The exported database, from the <database> root and its <databaseinfo>."""

    title: str | None = None
    path: str | None = None
    replica_id: str | None = None
    dxl_version: str | None = None
    declared_documents: int | None = None  # databaseinfo/@numberofdocuments, as Domino counted
    data_modified: DominoTime | None = None


@dataclass(slots=True)
class DxlDocument:
    """One data note: a <document>, or a <note class='document'>."""

    unid: str | None
    note_id: str | None = None
    sequence: int | None = None
    form: str | None = None
    created: DominoTime | None = None
    modified: DominoTime | None = None
    revised: DominoTime | None = None
    last_accessed: DominoTime | None = None
    added_to_file: DominoTime | None = None
    parent_unid: str | None = None  # the main document of a response or conflict
    is_response: bool = False
    is_conflict: bool = False
    updated_by: tuple[NotesName, ...] = ()
    signed_by: tuple[NotesName, ...] = ()  # <wassignedby>
    revisions: tuple[DominoTime | None, ...] = ()
    # First item of each name, by the name as written. Notes item names are case-insensitive:
    # item() looks them up that way. item_list has every item in file order, repeats included
    # (each attachment is its own $FILE item).
    items: dict[str, ItemValue] = field(default_factory=dict)
    item_list: list[ItemValue] = field(default_factory=list)
    attachments: list[DxlAttachment] = field(default_factory=list)
    problems: list[DxlProblem] = field(default_factory=list)  # any problem: quarantine the document
    warnings: list[str] = field(default_factory=list)  # things not understood, kept or skipped
    element: str = "document"  # 'document' or 'note'
    line: int | None = None  # line of its start tag in the file
    index: int = 0  # 1-based position among the file's documents

    def item(self, name: str) -> ItemValue | None:
        found = self.items.get(name)
        if found is not None:
            return found
        folded = name.casefold()
        return next((i for i in self.item_list if i.name.casefold() == folded), None)

    def text(self, name: str, default: str = "") -> str:
        found = self.item(name)
        return found.text if found is not None else default


@dataclass(slots=True)
class DxlSummary:
    """What a whole pass over the file saw; the reader's `summary` once iteration has ended."""

    root: str | None = None  # database, document, note, form, ...
    encoding: str | None = None  # as declared in the XML declaration
    database: DxlDatabaseInfo | None = None
    documents: int = 0
    documents_with_problems: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # non-document elements, by kind


DxlEvent = DxlDocument | DxlSummary


class DxlReader:
    """Iterate to get the documents; `database` is known from the first one on, `summary` at the
    end. Raises DxlFormatError if the XML breaks part-way (call check_dxl() first)."""

    def __init__(self, source: DxlSource):
        self._source = source
        self.database: DxlDatabaseInfo | None = None
        self.summary: DxlSummary | None = None

    def __iter__(self) -> Iterator[DxlDocument]:
        summary = DxlSummary()
        skipped: Counter[str] = Counter()
        root: Any = None
        with _opened(self._source) as stream:
            context = _iterparse(stream, events=("end",), tag=_WATCHED_TAGS)
            try:
                for _, element in context:
                    if root is None:
                        root = element.getroottree().getroot()
                        summary.root = local_name(root.tag)
                        self.database = summary.database = _database_info(root, None)
                    parent = element.getparent()
                    if parent is not None and (parent is not root or summary.root != "database"):
                        continue  # inside a note; read with it
                    name = local_name(element.tag)
                    if name == "document" or (name == "note" and element.get("class") == "document"):
                        summary.documents += 1
                        document = _read_document_safely(element, name, summary.documents)
                        if document.problems:
                            summary.documents_with_problems += 1
                        yield document
                    elif name == "databaseinfo":
                        self.database = summary.database = _database_info(root, element)
                    else:
                        skipped[(element.get("class") or "note") if name == "note" else name] += 1
                    element.clear(keep_tail=False)
                    if parent is not None:
                        while element.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError as exc:
                raise _syntax_error(exc) from exc
            if context.root is not None:
                # libxml2 fills in the declared encoding only once the parse is done.
                summary.encoding = context.root.getroottree().docinfo.encoding
                if root is None:
                    summary.root = local_name(context.root.tag)
                    self.database = summary.database = _database_info(context.root, None)
        summary.skipped = dict(sorted(skipped.items()))
        self.summary = summary


def iter_dxl(source: DxlSource) -> Iterator[DxlEvent]:
    """Every DxlDocument of the file, then one DxlSummary."""
    reader = DxlReader(source)
    yield from reader
    assert reader.summary is not None
    yield reader.summary


def check_dxl(source: DxlSource) -> int:
    """Read the whole file once; raise DxlFormatError unless it is well-formed XML and DXL.

    DXL here means: the root is a DXL root element (database, document, note, a design element
    or acl) in the DXL namespace (or in none, as some older tools wrote it), and a database
    holds only what the DTD lets it hold. A file object is put back where it was.
    Returns the number of data notes the file holds (what the reader will yield), so an
    importer knows its total before the first document.
    """
    seekable = isinstance(source, (str, os.PathLike)) or source.seekable()
    start = None if isinstance(source, (str, os.PathLike)) or not seekable else source.tell()
    if seekable:
        mismatch = check_declared_encoding(source)
        if mismatch is not None:
            raise DxlFormatError(
                f"文件声明的编码是 {mismatch.declared}，但内容是 UTF-8：“{mismatch.as_utf8}”按 "
                f"{mismatch.declared} 会读成乱码“{mismatch.as_declared}”。请按 UTF-8 重新导出，或把 XML "
                f"声明改为 encoding='UTF-8' (the file declares {mismatch.declared} but its bytes are UTF-8)",
                code=DxlFormatError.BAD_ENCODING,
                line=mismatch.line,
                column=mismatch.column,
            )
    with _opened(source) as stream, _rewound(source):
        context = _iterparse(stream, events=("start", "end"))
        depth = 0
        root: Any = None
        documents = 0
        try:
            for event, element in context:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root = element
                        _check_root(element)
                    elif depth == 2 and local_name(root.tag) == "database":
                        _check_database_child(element, namespace_of(root.tag))
                    continue
                depth -= 1
                # What the reader yields: a database's top-level notes, or a note that is the root.
                at_top = depth == 1 and local_name(root.tag) == "database"
                if (at_top or (depth == 0 and element is root)) and _is_data_note(element):
                    documents += 1
                if depth <= 1:
                    _check_entities(element)
                if depth == 1:
                    element.clear(keep_tail=False)
                    while element.getprevious() is not None:
                        del root[0]
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, source if seekable else None, start) from exc
    return documents


def _check_entities(element: Any) -> None:
    """An entity reference libxml2 kept unresolved (a DOCTYPE naming an external DTD makes an
    undefined one legal): its text would silently go missing, so the file is refused."""
    for entity in element.iter(etree.Entity):
        raise DxlFormatError(
            f"文件引用了未定义的 XML 实体 {entity.text}，其内容无法读出 (the entity reference "
            f"{entity.text} is not defined: its text would be lost)",
            code=DxlFormatError.NOT_DXL,
            line=entity.sourceline,
        )


def _is_data_note(element: Any) -> bool:
    name = local_name(element.tag)
    return name == "document" or (name == "note" and element.get("class") == "document")


# --- reading one document ----------------------------------------------------------------------


def _read_document_safely(element: Any, name: str, index: int) -> DxlDocument:
    """One broken document never stops the stream: whatever goes wrong becomes its problem."""
    try:
        return _read_document(element, name, index)
    except Exception as exc:
        noteinfo = _child(element, "noteinfo")
        document = DxlDocument(
            unid=noteinfo.get("unid") if noteinfo is not None else None,
            element=name,
            line=element.sourceline,
            index=index,
        )
        message = f"the document could not be read: {type(exc).__name__}: {exc}"
        document.problems.append(DxlProblem(ProblemCode.UNREADABLE, message))
        return document


def _read_document(element: Any, name: str, index: int) -> DxlDocument:
    document = DxlDocument(unid=None, element=name, line=element.sourceline, index=index)
    problems = document.problems
    for child in element:
        if not isinstance(child.tag, str):
            continue
        kind = local_name(child.tag)
        if kind == "item":
            value = read_item(child, problems, document.attachments)
            if value is not None:
                document.item_list.append(value)
                document.items.setdefault(value.name, value)
        elif kind == "noteinfo":
            _read_noteinfo(child, document)
        elif kind == "updatedby":
            document.updated_by = _names(child)
        elif kind == "wassignedby":
            document.signed_by = _names(child)
        elif kind == "revisions":
            document.revisions = tuple(_time(d, document, "revisions") for d in _children(child, "datetime"))
        elif kind not in _IGNORED_NOTE_CHILDREN:
            document.warnings.append(f"<{kind}> on line {child.sourceline} is not read")
    if not document.unid:
        problems.append(DxlProblem(ProblemCode.MISSING_UNID, "the document has no noteinfo/@unid"))
    form_item = document.item("Form")
    document.form = element.get("form") or (form_item.text if form_item is not None else None) or None
    _read_response(element, document)
    return document


def _read_noteinfo(noteinfo: Any, document: DxlDocument) -> None:
    document.unid = (noteinfo.get("unid") or "").strip().upper() or None
    document.note_id = noteinfo.get("noteid")
    sequence = noteinfo.get("sequence")
    if sequence is not None:
        try:
            document.sequence = int(sequence)
        except ValueError:
            message = f"noteinfo sequence {sequence!r} is not a number"
            document.problems.append(DxlProblem(ProblemCode.BAD_NOTEINFO, message))
    for child in noteinfo:
        attribute = _NOTEINFO_TIMES.get(local_name(child.tag)) if isinstance(child.tag, str) else None
        stamp = _child(child, "datetime") if attribute else None
        if stamp is not None:
            setattr(document, attribute, _time(stamp, document, f"noteinfo {local_name(child.tag)}"))


def _read_response(element: Any, document: DxlDocument) -> None:
    """parent=/response=/conflict= on <document>; the $REF and $Conflict items on a <note>."""
    document.parent_unid = (element.get("parent") or "").strip().upper() or None
    document.is_response = is_true(element.get("response"))
    document.is_conflict = is_true(element.get("conflict")) or document.item("$Conflict") is not None
    ref = document.item("$REF")
    if ref is not None:
        document.is_response = document.is_response or not document.is_conflict
        if document.parent_unid is None:
            document.parent_unid = _unid_from_ref(ref)


def _unid_from_ref(ref: ItemValue) -> str | None:
    value = ref.first
    if isinstance(value, str):
        return value.strip().upper() or None
    if isinstance(value, RawData) and value.data and value.type_code in (_NOTEREF_TYPE, None):
        # NOTEREF_LIST: an optional item type word, a LIST header (entry count), 16-byte UNIDs;
        # a UNID's hex form is File.Innards[1], File.Innards[0], Note.Innards[1], Note.Innards[0].
        data = value.data
        offset = len(data) % 16
        if offset in (0, 2, 4) and len(data) >= offset + 16:
            file0, file1, note0, note1 = struct.unpack_from("<4I", data, offset)
            return f"{file1:08X}{file0:08X}{note1:08X}{note0:08X}"
    return None


def _time(stamp: Any, document: DxlDocument, where: str) -> DominoTime | None:
    try:
        return parse_domino_datetime(stamp.text or "")
    except ValueError as exc:
        document.problems.append(DxlProblem(ProblemCode.BAD_NOTEINFO, f"{where}: {exc}"))
        return None


def _names(holder: Any) -> tuple[NotesName, ...]:
    return tuple(parse_name(n.text) for n in _children(holder, "name") if n.text and n.text.strip())


def _database_info(root: Any, info: Any) -> DxlDatabaseInfo | None:
    if local_name(root.tag) != "database":
        return None
    declared = info.get("numberofdocuments") if info is not None else None
    modified = _child(info, "datamodified") if info is not None else None
    stamp = _child(modified, "datetime") if modified is not None else None
    try:
        data_modified = parse_domino_datetime(stamp.text or "") if stamp is not None else None
    except ValueError:
        data_modified = None
    return DxlDatabaseInfo(
        title=root.get("title"),
        path=root.get("path"),
        replica_id=root.get("replicaid") or (info.get("replicaid") if info is not None else None),
        dxl_version=root.get("version"),
        declared_documents=int(declared) if declared and declared.isascii() and declared.isdigit() else None,
        data_modified=data_modified,
    )


# --- the format check ----------------------------------------------------------------------------


def _check_root(root: Any) -> None:
    namespace, name = namespace_of(root.tag), local_name(root.tag)
    if namespace not in (DXL_NAMESPACE, None):
        raise DxlFormatError(
            f"根元素 <{name}> 的命名空间是 {namespace}，不是 DXL 的 {DXL_NAMESPACE} "
            f"(root element is in namespace {namespace!r}, not the DXL namespace)",
            code=DxlFormatError.NOT_DXL,
            line=root.sourceline,
        )
    if name not in ROOT_ELEMENTS:
        raise DxlFormatError(
            f"根元素 <{name}> 不是 DXL 的根元素 (root element <{name}> is not a DXL root: "
            f"expected database, document, note, a design element or acl)",
            code=DxlFormatError.NOT_DXL,
            line=root.sourceline,
        )
    docinfo = root.getroottree().docinfo
    if docinfo.public_id or (docinfo.system_url and not _DOMINO_DTD.fullmatch(docinfo.system_url)):
        where = " ".join(f"'{v}'" for v in (docinfo.public_id, docinfo.system_url) if v)
        raise DxlFormatError(
            f"文件的 DOCTYPE 引用了外部 DTD {where}，不予读取；Domino 导出的 DXL 只会引用它自带的 "
            f"xmlschemas/domino_*.dtd (the DOCTYPE names an external DTD, {where}; refused)",
            code=DxlFormatError.NOT_DXL,
            line=root.sourceline,
        )
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.entities()):
        raise DxlFormatError(
            "文件声明了 XML 实体，Domino 导出的 DXL 不会这样做 (the file declares XML entities, "
            "which no Domino export does; refused rather than expanded)",
            code=DxlFormatError.NOT_DXL,
            line=root.sourceline,
        )
    _check_note(root)


def _check_database_child(element: Any, namespace: str | None) -> None:
    name = local_name(element.tag)
    if namespace_of(element.tag) != namespace or name not in DATABASE_CHILDREN:
        raise DxlFormatError(
            f"<database> 中出现了 DXL 没有的元素 <{name}> (<{name}> is not an element a DXL "
            f"<database> can hold; expected databaseinfo, acl, document, note or a design element)",
            code=DxlFormatError.NOT_DXL,
            line=element.sourceline,
        )
    _check_note(element)


def _check_note(element: Any) -> None:
    if local_name(element.tag) == "note" and not element.get("class"):
        raise DxlFormatError(
            "<note> 缺少 class 属性 (a <note> must say its class, e.g. class='document')",
            code=DxlFormatError.NOT_DXL,
            line=element.sourceline,
        )


# --- plumbing ------------------------------------------------------------------------------------


def _iterparse(stream: Any, **options: Any) -> Any:
    etree.clear_error_log()  # the thread's log: _syntax_error reads this parse's errors only
    return etree.iterparse(
        stream,
        huge_tree=True,  # attachments make text nodes far larger than libxml2's 10 MB default
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        **options,
    )


@contextmanager
def _opened(source: DxlSource) -> Iterator[Any]:
    if isinstance(source, (str, os.PathLike)):
        yield os.fspath(source)
        return
    if not isinstance(source.read(0), bytes):
        raise TypeError("a DXL file must be opened in binary mode: its XML declaration names the encoding")
    yield source


@contextmanager
def _rewound(source: DxlSource) -> Iterator[None]:
    position = source.tell() if not isinstance(source, (str, os.PathLike)) and source.seekable() else None
    try:
        yield
    finally:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]


def _syntax_error(
    exc: etree.XMLSyntaxError, source: DxlSource | None = None, start: int | None = None
) -> DxlFormatError:
    line, column = exc.position if exc.position else (exc.lineno, None)
    reason = exc.msg or str(exc)
    first = next(iter(exc.error_log), None) if exc.error_log else None
    if not line and first is not None and first.line:
        # iterparse may end with a bare "no element found" at 0:0 (an undefined entity, say):
        # the first error libxml2 logged says what and where.
        reason, line, column = first.message, first.line, first.column
    if "encoding" in reason.lower() and source is not None:
        # libxml2 names where its conversion buffer starts (often line 1): find the bytes.
        if start is not None and not isinstance(source, (str, os.PathLike)):
            source.seek(start)  # where the file starts; check_dxl puts it back afterwards
        codec = source_encoding(source) or "utf-8"
        found = locate_decode_error(source, codec)
        if found is not None:
            line, column, bad = found
            shown = " ".join(f"0x{b:02X}" for b in bad)
            return DxlFormatError(
                f"第 {line} 行第 {column} 列的字节 {shown} 不是合法的 {codec} 编码 (bytes {shown} at "
                f"line {line}, column {column} are not valid {codec}; the file declares {codec})",
                code=DxlFormatError.BAD_ENCODING,
                line=line,
                column=column,
            )
    return DxlFormatError(reason, code=DxlFormatError.BAD_XML, line=line or None, column=column or None)


def _child(element: Any, name: str) -> Any:
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) == name:
            return child
    return None


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element if isinstance(c.tag, str) and local_name(c.tag) == name]
