"""A DxlDocument as the importer's SourceRecord (the mapping never sees DXL itself)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from oa.importer.records import (
    Payload,
    RawValue,
    RichValue,
    SourceAttachment,
    SourceImage,
    SourceItem,
    SourceProblem,
    SourceRecord,
)
from oa.importer.sources.dxl.datetimes import DateTimeRange
from oa.importer.sources.dxl.items import DxlAttachment, ItemValue, ObjectRef, RawData
from oa.importer.sources.dxl.reader import DxlDatabaseInfo, DxlDocument
from oa.importer.sources.dxl.richtext import RichText

# Items that are not values of the record: the form's name, and the attachments themselves.
_NOT_VALUES = frozenset({"form", "$file"})
_FLAG_NAMES = ("summary", "sign", "seal", "sealed", "protected", "readers", "authors", "names", "placeholder")


def to_record(document: DxlDocument, database: DxlDatabaseInfo | None = None) -> SourceRecord:
    where = f"第 {document.index} 个文档" + (f"（第 {document.line} 行）" if document.line else "")
    meta: dict[str, Any] = {
        "unid": document.unid,
        "note_id": document.note_id,
        "sequence": document.sequence,
        "element": document.element,
    }
    if document.parent_unid:
        meta["parent_unid"] = document.parent_unid
    if document.is_response:
        meta["response"] = True
    if document.is_conflict:
        meta["conflict"] = True
    for name in ("revised", "added_to_file"):
        value = getattr(document, name)
        if value is not None:
            meta[name] = value.isoformat()
    if document.signed_by:
        meta["signed_by"] = [n.raw for n in document.signed_by]
    if document.warnings:
        meta["warnings"] = list(document.warnings)
    if database is not None:
        meta["database"] = {
            k: v for k, v in asdict(database).items() if v is not None and k != "data_modified"
        }
    return SourceRecord(
        source="dxl",
        key=document.unid,
        form=document.form,
        index=document.index,
        location=where,
        created=document.created,
        modified=document.modified,
        updated_by=[n.raw for n in document.updated_by],
        items=[_item(i) for i in document.item_list if i.name.casefold() not in _NOT_VALUES],
        attachments=[_attachment(a) for a in document.attachments],
        problems=[SourceProblem(str(p.code), p.message, p.item) for p in document.problems],
        meta=meta,
    )


def _item(item: ItemValue) -> SourceItem:
    flags = [name for name in _FLAG_NAMES if getattr(item.flags, name)]
    names = [n.raw for n in item.names]
    # The written text only matters where a value could not be read (a bad date or number).
    raw = list(item.raw) if item.raw and any(v is None for v in item.values) else []
    return SourceItem(
        name=item.name,
        type=item.type,
        values=[_value(v) for v in item.values],
        names=names,
        flags=flags,
        raw=raw,
    )


def _value(value: Any) -> Any:
    if isinstance(value, RichText):
        return RichValue(
            text=value.text,
            html=value.html,
            images=[
                SourceImage(i.format, Payload.of(i.data), name=i.name, broken=i.broken) for i in value.images
            ],
            attachment_refs=list(value.attachment_refs),
            links=[{k: v for k, v in asdict(link).items() if v is not None} for link in value.links],
        )
    if isinstance(value, RawData):
        return RawValue(value.type, Payload.of(value.data))
    if isinstance(value, DateTimeRange):
        return (value.start, value.end)
    if isinstance(value, ObjectRef):
        return {"objectref": dict(value.attributes)}
    if isinstance(value, DxlAttachment):
        return {"attachment": value.name}  # the file itself is in the record's attachments
    return value


def _attachment(attachment: DxlAttachment) -> SourceAttachment:
    return SourceAttachment(
        name=attachment.name,
        payload=Payload.of(attachment.data),
        problems=list(attachment.problems),
        created=attachment.created if not isinstance(attachment.created, str) else None,
        modified=attachment.modified if not isinstance(attachment.modified, str) else None,
    )
