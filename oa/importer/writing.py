"""Writing imported documents: created archived, and brought up to date when a re-run finds
their legacy record changed (ADR 0011).

An imported document is history: it is written with its files, indexed for search and
archived (档号, 保管期限) in one transaction, after which the database refuses every change to
it (migration documents 0002). Updating one from a re-run goes through `legacy_maintenance()`,
the only place that sets the transaction-local `oa.legacy_import` setting the trigger honours
(documents 0003): it lets through an update of a document that came from a legacy system and
stays archived, and new files, never a deletion; every such update writes a trail row on the
document and an audit event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection
from django.utils import timezone

from oa.core.audit import record_event
from oa.documents import numbering, search
from oa.documents.models import Direction, Document, DocumentEvent, DocumentFile, Retention
from oa.documents.storage import store_bytes
from oa.documents.text_extraction import extract_text
from oa.importer.mapping import MappedDocument, MappedFile
from templates_lib.validation.mapping import MAPPING_FIELDS

# Document fields a mapped record may set (the rest are the importer's own: state, drafter, ...).
DOCUMENT_FIELDS = (
    "direction", "doc_type", "title", "doc_number", "number_year", "source_agency", "agency_name",
    "main_recipients", "copy_to", "signature_agency", "printing_agency", "signer_name", "signer_id",
    "issued_date", "received_on", "printing_date", "deadline", "signed_at", "classification",
    "secrecy_period", "urgency", "copy_number", "copies", "publish_level", "note", "body_html",
    "body_text", "created_at", "updated_at",
)  # fmt: skip
LABELS = {name: label for name, (label, _kind) in MAPPING_FIELDS.items()} | {
    "direction": "收发文",
    "signer_name": "签发人",
    "signer_id": "签发人",
    "number_year": "文号年份",
    "body_html": "正文",
    "body_text": "正文",
    "updated_at": "修改时间",
    "lead_department_id": "承办部门",
    "department_id": "拟稿部门",
    "extra": "附加信息",
}


@contextmanager
def legacy_maintenance() -> Iterator[None]:
    """Let this transaction (savepoint) change archived documents that came from a legacy system.

    `set_config(..., true)` is local to the transaction; a savepoint rolled back takes it back
    too, and it is switched off again as soon as the block is done.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('oa.legacy_import', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('oa.legacy_import', 'off', true)")


def _values(mapped: MappedDocument) -> dict:
    fields = mapped.fields
    values = {name: fields[name] for name in DOCUMENT_FIELDS if fields.get(name) is not None}
    values.setdefault("copies", 1)
    department = fields.get("department_id")
    # 承办部门 of a 收文 is its lead department; the department of a 发文 is the drafting one.
    if mapped.fields["direction"] == Direction.INCOMING:
        values["lead_department_id"] = department
    else:
        values["department_id"] = department
    values["completed_at"] = values["updated_at"]
    return values


def _store_files(document: Document, files: list[MappedFile], *, actor, at: datetime, first: int = 0) -> list:
    rows = []
    for order, file in enumerate(files, start=first):
        store_bytes(file.data)
        info = file.inspected
        rows.append(
            DocumentFile(
                document=document,
                role=DocumentFile.Role.ATTACHMENT,
                name=info.display_name[:200],
                kind=info.kind,
                mime_type=info.mime_type,
                size=info.size,
                sha256=info.sha256,
                order=order,
                # PostgreSQL text cannot hold NUL, which a PDF's or a Word file's text may carry.
                text=extract_text(info, file.data).replace("\x00", ""),
                uploaded_by=actor,
                uploaded_at=at,
            )
        )
    return DocumentFile.objects.bulk_create(rows)


class ArchiveNumbers:
    """件号 for the documents of one transaction (a batch of a run, or one retry).

    The counter rows are the ones documents archived in the platform use (key
    `archive:<retention>:<org>`, per year), so the two never share a number. Each row is locked
    the first time the transaction needs it and bumped in memory after that; `flush()` writes
    the last numbers before the transaction commits. A document whose insert fails gives its
    number back, so numbers are neither duplicated nor skipped (不重号、不空号).
    """

    def __init__(self) -> None:
        self._counters: dict[tuple[str, int], object] = {}
        self._org_codes: dict[int | None, str] = {}
        self._last: tuple[str, int] | None = None

    def org_of(self, department_id: int | None) -> str:
        if department_id not in self._org_codes:
            from oa.directory.models import Department

            code = (
                Department.objects.filter(pk=department_id).values_list("code", flat=True).first()
                if department_id
                else ""
            )
            self._org_codes[department_id] = (code or "BGS").upper()
        return self._org_codes[department_id]

    def take(self, document: Document, retention: str) -> str:
        """档号 = 全宗号-门类代码·年度-保管期限-机构代码-件号 (DA/T 22-2015 §7.1)."""
        when = document.issued_date or document.received_on or timezone.localdate(document.created_at)
        org = self.org_of(document.lead_department_id or document.department_id)
        key = (f"archive:{retention}:{org}"[:40], when.year)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = numbering._lock_counter(*key)
        counter.last += 1
        self._last = key
        return f"{(connection.schema_name or 'unit').upper()}-WS·{when.year}-{retention}-{org}-{counter.last:04d}"

    def give_back(self) -> None:
        """Undo the last take() (its document was not written)."""
        if self._last is not None:
            self._counters[self._last].last -= 1
            self._last = None

    def flush(self) -> None:
        for counter in self._counters.values():
            counter.save(update_fields=["last"])


def _origin(mapped: MappedDocument) -> str:
    info = mapped.extra.get("import", {})
    where = "Domino" if info.get("source") == "dxl" else "登记簿"
    form = info.get("form") or info.get("rule") or ""
    return f"{where}（{form}，{mapped.legacy_id}）" if form else f"{where}（{mapped.legacy_id}）"


def creation_events(document: Document, mapped: MappedDocument, *, acting_user, now: datetime) -> list:
    """Its trail: created in the legacy system (when, by whom), then imported and archived."""
    authors = "、".join(a["name"] for a in mapped.extra.get("authors", []))
    return [
        DocumentEvent(
            document=document,
            action=DocumentEvent.Action.CREATED,
            actor=None,
            at=document.created_at,
            summary=f"在原系统中创建{f'（{authors}）' if authors else ''}"[:300],
            detail={"legacy_id": mapped.legacy_id, "authors": mapped.extra.get("authors", [])},
        ),
        DocumentEvent(
            document=document,
            action=DocumentEvent.Action.ARCHIVED,
            actor=acting_user,
            at=now,
            summary=f"从{_origin(mapped)}导入并归档：档号 {document.archive_code}，"
            f"保管期限 {Retention(document.retention).label}"[:300],
            detail={"legacy_id": mapped.legacy_id, "rule": mapped.rule, "record": mapped.record_kind},
        ),
    ]


def create_document(
    mapped: MappedDocument, *, acting_user, now: datetime, numbers: ArchiveNumbers, events: list | None = None
) -> Document:
    """A new archived document from a mapped record, in the caller's transaction.

    A document with files is written, its files added, then archived (the files cannot be
    added to an archived document); one without is written archived in one INSERT. Its two
    trail rows go to `events` for the caller to insert with the batch, or are inserted now.
    """
    retention = mapped.fields.get("retention") or Retention.YEARS_10
    document = Document(
        **_values(mapped),
        drafter=acting_user,  # the technical owner; the original authors are in extra
        state=Document.State.ARCHIVED,
        legacy_id=mapped.legacy_id,
        extra=mapped.extra,
        retention=retention,
        archived_by=acting_user,
    )
    document.archive_code = numbers.take(document, retention)
    try:
        if not mapped.files:
            document.archived_at = now
        document.save(force_insert=True)
        if mapped.files:
            _store_files(document, mapped.files, actor=acting_user, at=now)
            document.archived_at = now  # the last write before the row freezes
            document.save(update_fields=["archived_at"])
        search.index_document(document)  # its search vector is all an archived row still takes
    except Exception:
        numbers.give_back()  # the caller's savepoint takes the rows back; the number too
        raise
    rows = creation_events(document, mapped, acting_user=acting_user, now=now)
    if events is None:
        DocumentEvent.objects.bulk_create(rows)
    else:
        events.extend(rows)
    return document


def update_document(
    document: Document, mapped: MappedDocument, *, acting_user, now: datetime, ip=None
) -> list[str]:
    """Bring an imported (archived) document in line with its changed legacy record.

    The 档号 and 保管期限 it was filed with stay: a filed item keeps its number. Files no longer
    in the record are marked removed (rows are never deleted); new ones are added.
    """
    values = _values(mapped) | {"extra": mapped.extra}
    changed = [name for name, value in values.items() if getattr(document, name) != value]
    live = list(document.files.filter(removed_at__isnull=True, role=DocumentFile.Role.ATTACHMENT))
    wanted = {(f.name[:200], f.inspected.sha256) for f in mapped.files}
    gone = [f for f in live if (f.name, f.sha256) not in wanted]
    have = {(f.name, f.sha256) for f in live}
    new = [f for f in mapped.files if (f.name[:200], f.inspected.sha256) not in have]
    if not changed and not gone and not new:
        return []
    with legacy_maintenance():
        for name in changed:
            setattr(document, name, values[name])
        if changed:
            document.save(update_fields=changed)
        if gone:
            DocumentFile.objects.filter(pk__in=[f.pk for f in gone]).update(removed_at=now)
        if new:
            first = max((f.order for f in live), default=-1) + 1
            _store_files(document, new, actor=acting_user, at=now, first=first)
        search.index_document(document)
    what = sorted({LABELS.get(name, name) for name in changed if name not in ("updated_at", "completed_at")})
    if gone or new:
        what.append("附件")
    summary = f"重新导入：原系统中的记录已修改，更新了{'、'.join(what) or '修改时间'}"
    DocumentEvent.objects.create(
        document=document,
        action=DocumentEvent.Action.EDITED,
        actor=acting_user,
        at=now,
        summary=summary[:300],
        detail={
            "legacy_id": mapped.legacy_id,
            "fields": changed,
            "files_added": [f.name for f in new],
            "files_removed": [f.name for f in gone],
        },
    )
    record_event(
        "importer.archived_document_updated",
        acting_user=acting_user,
        target=document,
        summary=f"重新导入更新已归档的历史公文：{document.title}（{document.archive_code}）",
        detail={
            "legacy_id": mapped.legacy_id,
            "fields": changed,
            "files_added": len(new),
            "files_removed": len(gone),
        },
        ip=ip,
    )
    return changed + (["files"] if gone or new else [])
