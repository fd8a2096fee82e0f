"""One <item>: its flags and its value, whatever DXL type it has.

Every item is kept, $-items included: which of them matter is the importer's decision. A value
that cannot be read (a number that is not a number, bad base64) is kept as None with its raw
text, and reported as a problem of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from oa.importer.sources.dxl.binary import decode_base64
from oa.importer.sources.dxl.datetimes import DateTimeRange, DominoTime, parse_domino_datetime
from oa.importer.sources.dxl.elements import is_true, local_name, optional_bool
from oa.importer.sources.dxl.errors import DxlProblem, ProblemCode
from oa.importer.sources.dxl.names import NotesName, parse_name
from oa.importer.sources.dxl.richtext import RichText, convert_richtext

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class ItemFlags:
    summary: bool | None = None  # None: the export did not say
    sign: bool = False
    seal: bool = False
    sealed: bool = False
    protected: bool | None = None
    readers: bool = False
    authors: bool = False
    names: bool = False
    placeholder: bool = False

    @classmethod
    def from_element(cls, item: etree._Element) -> ItemFlags:
        if len(item.attrib) == 1:
            return _NO_FLAGS  # only name=: most items of most documents
        get = item.get
        return cls(
            summary=optional_bool(get("summary")),
            sign=is_true(get("sign")),
            seal=is_true(get("seal")),
            sealed=is_true(get("sealed")),
            protected=optional_bool(get("protected")),
            readers=is_true(get("readers")),
            authors=is_true(get("authors")),
            names=is_true(get("names")),
            placeholder=is_true(get("placeholder")),
        )


_NO_FLAGS = ItemFlags()


@dataclass(frozen=True, slots=True)
class RawData:
    """<rawitemdata>/<itemdata>: an item DXL does not interpret, as Notes stores it."""

    type: str  # the type attribute as written (hex, e.g. '1' rich text, '4' note refs, '19' MIME part)
    data: bytes | None  # None when the base64 was broken

    @property
    def type_code(self) -> int | None:
        try:
            return int(self.type, 16)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """<objectref>: a reference to an object stored elsewhere in the NSF (no data in the export)."""

    attributes: dict[str, str]


@dataclass(frozen=True, slots=True)
class DxlAttachment:
    """A file attached to the document (<item name='$FILE'><object><file>)."""

    name: str
    data: bytes | None  # None when there was no <filedata> or it was not valid base64
    item_name: str = "$FILE"
    declared_size: int | None = None  # the file element's size attribute, when the export wrote one
    created: DominoTime | None = None
    modified: DominoTime | None = None
    host_type: str | None = None
    compression: str = "none"
    flags: str | None = None
    encoding: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0

    @property
    def broken(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True, slots=True)
class ItemValue:
    """An item. `type` is the DXL value element: text, textlist, number, numberlist, datetime,
    datetimelist, datetimepair, richtext, rawitemdata (also for <itemdata>), object,
    objectref, unavailable, formula, empty (no value element), or an element this reader does
    not know (its XML kept in `values`).

    `values` always holds the Python values in order:
      text, textlist, formula    str
      number, numberlist         float (None if unreadable)
      datetime, datetimelist     datetime (aware with an offset, naive without), date
                                 (date-only), time (time-only), DateTimeRange (a pair);
                                 None if unreadable or empty
      richtext                   RichText
      rawitemdata                RawData
      object                     DxlAttachment
      objectref                  ObjectRef
    `raw` holds the text as written for text, number and datetime values (parallel to values),
    `dst` the dst flag of each datetime, and `names` the parsed values of a names, readers or
    authors item.
    """

    name: str
    type: str
    values: tuple[Any, ...]
    flags: ItemFlags = ItemFlags()
    raw: tuple[str, ...] = ()
    dst: tuple[bool, ...] = ()
    names: tuple[NotesName, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.type.endswith("list")

    @property
    def first(self) -> Any:
        return self.values[0] if self.values else None

    @property
    def richtext(self) -> RichText | None:
        return self.values[0] if self.type == "richtext" and self.values else None

    @property
    def text(self) -> str:
        """The value as one human-readable string (rich text as plain text, lists one per line)."""
        if self.type == "richtext":
            return self.values[0].text if self.values else ""
        if self.type in ("text", "textlist", "formula"):
            return "\n".join(self.values)
        return "\n".join(self.raw)


def element_text(element: etree._Element) -> str:
    """The text of a <text>: <break/> is a line break, <tab/> a tab."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            name = local_name(child.tag)
            if name == "break":
                parts.append("\n")
            elif name == "tab":
                parts.append("\t")
            else:
                parts.append(element_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class _ItemReader:
    """Reads one item, collecting the document's problems and attachments as it goes."""

    def __init__(self, name: str, problems: list[DxlProblem], attachments: list[DxlAttachment]):
        self.name = name
        self.problems = problems
        self.attachments = attachments

    def problem(self, code: ProblemCode, message: str) -> None:
        self.problems.append(DxlProblem(code, message, item=self.name))

    def read(self, item: etree._Element) -> ItemValue:
        flags = ItemFlags.from_element(item)
        values = [c for c in item if isinstance(c.tag, str)]
        if not values:
            return ItemValue(self.name, "empty", (), flags)
        if len(values) > 1:
            extra = ", ".join(f"<{local_name(v.tag)}>" for v in values[1:])
            self.problem(
                ProblemCode.EXTRA_VALUE, f"item {self.name!r} has more than one value: {extra} ignored"
            )
        element = values[0]
        kind = local_name(element.tag)
        value = self.value(kind, element, flags)
        if flags.names or flags.readers or flags.authors:
            names = tuple(parse_name(v) for v in value.values if isinstance(v, str) and v.strip())
            value = ItemValue(value.name, value.type, value.values, flags, value.raw, value.dst, names)
        return value

    def value(self, kind: str, element: etree._Element, flags: ItemFlags) -> ItemValue:
        if kind in ("text", "formula"):
            text = element_text(element)
            return ItemValue(self.name, kind, (text,), flags, raw=(text,))
        if kind == "textlist":
            texts = tuple(element_text(t) for t in _children(element, "text"))
            return ItemValue(self.name, kind, texts, flags, raw=texts)
        if kind == "number":
            raw = element.text or ""
            return ItemValue(self.name, kind, (self.number(raw),), flags, raw=(raw,))
        if kind == "numberlist":
            raws = tuple(n.text or "" for n in _children(element, "number"))
            return ItemValue(self.name, kind, tuple(self.number(r) for r in raws), flags, raw=raws)
        if kind in ("datetime", "datetimepair", "datetimelist"):
            return self.datetimes(kind, element, flags)
        if kind == "richtext":
            richtext, problems = convert_richtext(element)
            for message in problems:
                self.problem(ProblemCode.BAD_BASE64, f"item {self.name!r}: {message}")
            return ItemValue(self.name, kind, (richtext,), flags)
        if kind in ("rawitemdata", "itemdata"):
            return ItemValue(self.name, "rawitemdata", (self.raw_data(element),), flags)
        if kind == "object":
            attachments = tuple(self.attachment(f) for f in _children(element, "file"))
            self.attachments.extend(attachments)
            return ItemValue(self.name, kind, attachments, flags)
        if kind == "objectref":
            return ItemValue(self.name, kind, (ObjectRef(dict(element.attrib)),), flags)
        if kind == "unavailable":
            return ItemValue(self.name, kind, (), flags)
        # Not in the DTD this reader knows: keep the XML so nothing is lost silently.
        xml = etree.tostring(element, encoding="unicode", with_tail=False)
        return ItemValue(self.name, kind, (xml,), flags, raw=(xml,))

    def number(self, raw: str) -> float | None:
        text = raw.strip()
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            self.problem(ProblemCode.BAD_NUMBER, f"item {self.name!r}: {raw!r} is not a number")
            return None
        return float(text)

    def datetimes(self, kind: str, element: etree._Element, flags: ItemFlags) -> ItemValue:
        parts = [element] if kind != "datetimelist" else [c for c in element if isinstance(c.tag, str)]
        values: list[DominoTime | DateTimeRange | None] = []
        raws: list[str] = []
        dsts: list[bool] = []
        for part in parts:
            name = local_name(part.tag)
            if name == "datetimepair":
                ends = _children(part, "datetime")
                start = self.datetime(ends[0].text or "") if ends else None
                end = self.datetime(ends[1].text or "") if len(ends) > 1 else None
                values.append(DateTimeRange(start, end))
                raws.append("-".join(e.text or "" for e in ends))
                dsts.append(bool(ends) and is_true(ends[0].get("dst")))
            elif name == "datetime":
                values.append(self.datetime(part.text or ""))
                raws.append(part.text or "")
                dsts.append(is_true(part.get("dst")))
        return ItemValue(self.name, kind, tuple(values), flags, raw=tuple(raws), dst=tuple(dsts))

    def datetime(self, raw: str) -> DominoTime | None:
        try:
            return parse_domino_datetime(raw)
        except ValueError as exc:
            self.problem(ProblemCode.BAD_DATETIME, f"item {self.name!r}: {exc}")
            return None

    def raw_data(self, element: etree._Element) -> RawData:
        kind = element.get("type", "")
        try:
            return RawData(kind, decode_base64(element.text))
        except ValueError as exc:
            self.problem(ProblemCode.BAD_BASE64, f"item {self.name!r}: raw data is not valid base64 ({exc})")
            return RawData(kind, None)

    def attachment(self, file: etree._Element) -> DxlAttachment:
        name = file.get("name") or ""
        problems: list[tuple[ProblemCode, str]] = []
        data: bytes | None = None
        filedata = _children(file, "filedata")
        if not filedata:
            problems.append((ProblemCode.NO_FILE_DATA, "the export holds no data for it"))
        else:
            try:
                data = decode_base64(filedata[0].text)
            except ValueError as exc:
                problems.append((ProblemCode.BAD_BASE64, f"its data is not valid base64 ({exc})"))
        compression = file.get("compression") or "none"
        if compression != "none" and data is not None:
            # Huffman/LZ1 are Notes' own; DxlExporter's UncompressAttachments option avoids them.
            problems.append((ProblemCode.COMPRESSED_ATTACHMENT, f"it is stored {compression}-compressed"))
        declared = _int(file.get("size"))
        if declared is not None and data is not None and declared != len(data):
            problems.append((ProblemCode.SIZE_MISMATCH, f"{len(data)} bytes where {declared} were declared"))
        for code, reason in problems:
            self.problem(code, f"attachment {name!r}: {reason}")
        created = _children(file, "created")
        modified = _children(file, "modified")
        return DxlAttachment(
            name=name,
            data=data,
            item_name=self.name,
            declared_size=declared,
            created=self.noteinfo_time(created[0]) if created else None,
            modified=self.noteinfo_time(modified[0]) if modified else None,
            host_type=file.get("hosttype"),
            compression=compression,
            flags=file.get("flags"),
            encoding=file.get("encoding"),
            problems=tuple(reason for _, reason in problems),
        )

    def noteinfo_time(self, holder: etree._Element) -> DominoTime | None:
        stamps = _children(holder, "datetime")
        return self.datetime(stamps[0].text or "") if stamps else None


def read_item(
    item: etree._Element, problems: list[DxlProblem], attachments: list[DxlAttachment]
) -> ItemValue | None:
    """The ItemValue of an <item>; None (and a problem) for an item without a name."""
    name = item.get("name")
    if not name:
        problems.append(
            DxlProblem(ProblemCode.ITEM_WITHOUT_NAME, f"an item on line {item.sourceline} has no name")
        )
        return None
    return _ItemReader(name, problems, attachments).read(item)


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and local_name(c.tag) == name]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
