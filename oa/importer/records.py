"""One legacy record, whatever it came from: a Domino note or a row of a register.

Each source (oa/importer/sources/<format>/) turns what it reads into SourceRecords; the mapping
(mapping.py) only ever sees these. A record can be written to JSON and read back, so a
quarantined one can be fixed and retried after its file is gone: bytes (attachments,
pictures, raw item data) are then kept in the unit's content-addressed store and the JSON
names them by SHA-256.

Values in JSON are tagged when they are not plain text or numbers:
    {"datetime": "2009-06-02T16:50:55.480000+02:00"}  {"date": "2009-06-02"}  {"time": "16:50:55"}
    {"range": [start, end]}  {"richtext": {...}}  {"raw": {"type": "1", "size": 12, "sha256": ...}}
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

# Raw item data up to this size stays inline (base64) in the JSON; larger goes to the store.
INLINE_BYTES = 4096


@dataclass(slots=True)
class Payload:
    """Bytes a record carries. `data` is None once only the digest is known (a stored record)."""

    data: bytes | None
    sha256: str | None = None
    size: int = 0

    @classmethod
    def of(cls, data: bytes | None) -> Payload:
        if data is None:
            return cls(None)
        return cls(data, hashlib.sha256(data).hexdigest(), len(data))

    def load(self) -> bytes | None:
        if self.data is None and self.sha256:
            from oa.documents.storage import open_blob

            try:
                with open_blob(self.sha256) as stream:
                    self.data = stream.read()
            except FileNotFoundError:
                return None
        return self.data

    def keep(self) -> None:
        """Put the bytes in the unit's store (so the JSON may name them by digest)."""
        if self.data is not None:
            from oa.documents.storage import store_bytes

            store_bytes(self.data)

    def to_json(self, *, keep: bool) -> dict:
        if self.data is None and not self.sha256:
            return {"size": 0, "missing": True}
        if self.data is not None and self.size <= INLINE_BYTES:
            return {"size": self.size, "base64": base64.b64encode(self.data).decode("ascii")}
        if keep:
            self.keep()
        return {"size": self.size, "sha256": self.sha256}

    @classmethod
    def from_json(cls, value: dict) -> Payload:
        if value.get("missing"):
            return cls(None)
        if "base64" in value:
            return cls.of(base64.b64decode(value["base64"]))
        return cls(None, value.get("sha256"), int(value.get("size") or 0))


@dataclass(slots=True)
class SourceImage:
    """A picture inside rich text."""

    format: str  # gif, jpeg, png, bmp, notesbitmap, cgm, imageref
    payload: Payload
    name: str | None = None
    broken: bool = False

    def to_json(self, *, keep: bool) -> dict:
        return {
            "format": self.format,
            "name": self.name,
            "broken": self.broken,
            **self.payload.to_json(keep=keep),
        }

    @classmethod
    def from_json(cls, value: dict) -> SourceImage:
        return cls(value["format"], Payload.from_json(value), value.get("name"), bool(value.get("broken")))


@dataclass(slots=True)
class RichValue:
    """Rich text: plain text for search, HTML with `dxl-image:N` / `dxl-attachment:NAME` references."""

    text: str
    html: str
    images: list[SourceImage] = field(default_factory=list)
    attachment_refs: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


@dataclass(slots=True)
class RawValue:
    """Item data the source did not interpret (Domino rawitemdata: MIME parts, raw rich text)."""

    type: str
    payload: Payload


@dataclass(slots=True)
class SourceItem:
    """A named value: a Notes item or a spreadsheet cell (its column header is the name).

    `type` is the source's own (DXL: text, textlist, number, numberlist, datetime, datetimelist,
    datetimepair, richtext, rawitemdata, objectref, formula, empty, ...); `values` are typed
    Python values (str, float, datetime/date/time, a (start, end) tuple, RichValue, RawValue,
    dict for anything else). `names` holds the raw Notes names of a names/readers/authors item.
    """

    name: str
    type: str
    values: list[Any]
    names: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # The text as written, kept when a value could not be read (it is None in `values`).
    raw: list[str] = field(default_factory=list)

    @property
    def first(self) -> Any:
        return self.values[0] if self.values else None

    @property
    def richtext(self) -> RichValue | None:
        value = self.first
        return value if isinstance(value, RichValue) else None

    @property
    def text(self) -> str:
        """The value as one readable string (lists one per line); unreadable values as written."""
        parts = [
            _as_text(v) if v is not None else (self.raw[i] if i < len(self.raw) else "")
            for i, v in enumerate(self.values)
        ]
        return "\n".join(p for p in parts if p)

    @property
    def unreadable(self) -> bool:
        """Some value was there but could not be read (kept as None, its text in `raw`)."""
        return any(v is None and i < len(self.raw) and self.raw[i].strip() for i, v in enumerate(self.values))

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def to_json(self, *, keep: bool) -> dict:
        out: dict[str, Any] = {
            "type": self.type,
            "values": [_value_to_json(v, keep=keep) for v in self.values],
        }
        if self.names:
            out["names"] = list(self.names)
        if self.flags:
            out["flags"] = list(self.flags)
        if self.raw:
            out["raw"] = list(self.raw)
        return out

    @classmethod
    def from_json(cls, name: str, value: dict) -> SourceItem:
        return cls(
            name=name,
            type=value.get("type", "text"),
            values=[_value_from_json(v) for v in value.get("values", [])],
            names=list(value.get("names", [])),
            flags=list(value.get("flags", [])),
            raw=list(value.get("raw", [])),
        )


@dataclass(slots=True)
class SourceAttachment:
    name: str
    payload: Payload
    problems: list[str] = field(default_factory=list)  # why the source could not read it
    created: datetime | None = None
    modified: datetime | None = None

    def to_json(self, *, keep: bool) -> dict:
        return {
            "name": self.name,
            "problems": list(self.problems),
            "created": _value_to_json(self.created, keep=keep),
            "modified": _value_to_json(self.modified, keep=keep),
            **self.payload.to_json(keep=keep),
        }

    @classmethod
    def from_json(cls, value: dict) -> SourceAttachment:
        return cls(
            name=value["name"],
            payload=Payload.from_json(value),
            problems=list(value.get("problems", [])),
            created=_value_from_json(value.get("created")),
            modified=_value_from_json(value.get("modified")),
        )


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """What the source could not read in this record (the reader's problem codes)."""

    code: str
    message: str
    item: str | None = None


@dataclass(slots=True)
class SourceRecord:
    source: str  # dxl, xlsx, csv
    key: str | None  # the Domino UNID; a register row has its key from the mapping
    form: str | None
    index: int  # 1-based position in the file
    location: str  # where it is, for people: "第 12 个文档（第 340 行）"
    created: datetime | date | None = None
    modified: datetime | date | None = None
    updated_by: list[str] = field(default_factory=list)  # raw Notes names, the creator first
    items: list[SourceItem] = field(default_factory=list)
    attachments: list[SourceAttachment] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # source details (noteinfo, database), JSON-ready
    _by_name: dict[str, SourceItem] | None = field(default=None, repr=False)

    def item(self, name: str) -> SourceItem | None:
        """The first item of that name, compared case-insensitively as Notes does."""
        if self._by_name is None:
            self._by_name = {}
            for item in self.items:
                self._by_name.setdefault(item.name.casefold(), item)
        return self._by_name.get(name.casefold())

    def to_json(self, *, keep: bool = False) -> dict:
        """JSON for the quarantine; `keep` puts large bytes in the unit's store first."""
        return {
            "source": self.source,
            "key": self.key,
            "form": self.form,
            "index": self.index,
            "location": self.location,
            "created": _value_to_json(self.created, keep=keep),
            "modified": _value_to_json(self.modified, keep=keep),
            "updated_by": list(self.updated_by),
            "items": [{"name": item.name, **item.to_json(keep=keep)} for item in self.items],
            "attachments": [a.to_json(keep=keep) for a in self.attachments],
            "problems": [{"code": p.code, "message": p.message, "item": p.item} for p in self.problems],
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, value: dict) -> SourceRecord:
        return cls(
            source=value["source"],
            key=value.get("key"),
            form=value.get("form"),
            index=int(value.get("index") or 0),
            location=value.get("location", ""),
            created=_value_from_json(value.get("created")),
            modified=_value_from_json(value.get("modified")),
            updated_by=list(value.get("updated_by", [])),
            items=[SourceItem.from_json(item["name"], item) for item in value.get("items", [])],
            attachments=[SourceAttachment.from_json(a) for a in value.get("attachments", [])],
            problems=[
                SourceProblem(p["code"], p["message"], p.get("item")) for p in value.get("problems", [])
            ],
            meta=value.get("meta", {}),
        )


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, RichValue):
        return value.text
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple):
        return "-".join(_as_text(v) for v in value if v is not None)
    if isinstance(value, RawValue):
        return ""
    return "" if value is None else str(value)


def _value_to_json(value: Any, *, keep: bool) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, tuple):
        return {"range": [_value_to_json(v, keep=keep) for v in value]}
    if isinstance(value, RichValue):
        return {
            "richtext": {
                "text": value.text,
                "html": value.html,
                "images": [i.to_json(keep=keep) for i in value.images],
                "attachment_refs": list(value.attachment_refs),
                "links": list(value.links),
            }
        }
    if isinstance(value, RawValue):
        return {"raw": {"type": value.type, **value.payload.to_json(keep=keep)}}
    if isinstance(value, dict):
        return {"other": value}
    return str(value)


def _value_from_json(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "time" in value:
        return time.fromisoformat(value["time"])
    if "range" in value:
        return tuple(_value_from_json(v) for v in value["range"])
    if "richtext" in value:
        rich = value["richtext"]
        return RichValue(
            text=rich.get("text", ""),
            html=rich.get("html", ""),
            images=[SourceImage.from_json(i) for i in rich.get("images", [])],
            attachment_refs=list(rich.get("attachment_refs", [])),
            links=list(rich.get("links", [])),
        )
    if "raw" in value:
        raw = value["raw"]
        return RawValue(raw.get("type", ""), Payload.from_json(raw))
    if "other" in value:
        return value["other"]
    return value
