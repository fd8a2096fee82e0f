"""Running an import: the same code for the Celery task, the command line and the tests.

A run reads its file once to check it (a refused file ends the run before anything is
written, with the line and the reason) and to count its records, then streams the records
through the mapping in batches. Each batch is one transaction that also saves the run's
progress and counts, and each record in it a savepoint: a record either becomes a whole
archived document or lands in the quarantine, never half of either.

The per-record contract (issue 11; keep it when making this faster, issue 17):
- what the database would refuse is found by the mapping (limits.py), so a dry run quarantines
  exactly the records the real run does;
- a database error inside a record's savepoint quarantines that record (`write_refused`) and
  the batch goes on; a database error in the batch's shared writes (Batch.flush) rolls the
  batch back and it is done again one record per transaction. No failure of one record loses
  the rest of the file, and nothing is left half-written.

Safe to run twice: a finished run does nothing; a run interrupted part-way (a worker killed)
starts its file again, and the ledger (ImportedRecord) makes the records it had already
written count as they did the first time rather than be written again.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.documents.models import Direction, Document
from oa.importer import limits
from oa.importer.errors import Reason
from oa.importer.mapping import Fixes, LoadedMapping, MappedDocument, Mapper, Problem
from oa.importer.models import ImportedRecord, ImportRun, QuarantineItem
from oa.importer.people import PeopleIndex
from oa.importer.records import SourceRecord
from oa.importer.sources import SourceRefused, open_source
from oa.importer.uploads import file_digest, path_of
from oa.importer.writing import ArchiveNumbers, create_document, update_document

logger = logging.getLogger(__name__)
Outcome = ImportRun.Outcome
BATCH = 50


@dataclass
class Result:
    outcome: str
    rule: str
    document: Document | None = None


def execute_run(run_id: int, *, on_progress: Callable[[ImportRun], None] | None = None) -> ImportRun:
    """Run (or finish) the import run `run_id` in the current unit's schema."""
    run = ImportRun.objects.get(pk=run_id)
    if run.finished:
        return run
    with _unit_lock(exclusive=not run.dry_run):
        run.refresh_from_db()
        if run.finished:
            return run
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.RUNNING, started_at=run.started_at or timezone.now(), done=0, counts={}
        )
        run.refresh_from_db()
        try:
            _execute(run, on_progress)
        except SourceRefused as refused:
            _finish(run, ImportRun.State.REFUSED, refusal=refused.as_json())
        except Exception as exc:
            logger.exception("import run %s failed", run.pk)
            _finish(run, ImportRun.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
            raise
    return run


def _execute(run: ImportRun, on_progress) -> None:
    path = path_of(run.file_path)
    if run.file_sha256 and file_digest(path) != run.file_sha256:
        raise SourceRefused("changed", "文件在试导入之后被改动过，请重新上传。")
    source = open_source(path, run.kind, name=run.source_name)
    run.total = source.check()
    ImportRun.objects.filter(pk=run.pk).update(total=run.total)
    if on_progress:
        on_progress(run)
    mapping = LoadedMapping(run.mapping_code, run.mapping, run.mapping_checksum, "run")
    importer = Importer(run, mapping)
    for batch in _batched(source.records(), BATCH):
        importer.run_batch(batch)
        if on_progress:
            on_progress(run)
    run.summary = source.summary
    _finish(run, ImportRun.State.DONE)


def _finish(run: ImportRun, state: str, *, refusal: dict | None = None, error: str = "") -> None:
    with transaction.atomic():
        run.state = state
        run.finished_at = timezone.now()
        run.refusal = refusal or {}
        run.error = error
        run.save(update_fields=["state", "finished_at", "refusal", "error", "summary"])
        totals = run.outcome_totals()
        what = "试导入" if run.dry_run else "导入"
        if state == ImportRun.State.DONE:
            summary = (
                f"{what}完成：{run.source_name}，新建 {totals['created']}、更新 {totals['updated']}、"
                f"未变化 {totals['unchanged']}、隔离 {totals['quarantined']}"
            )
        elif state == ImportRun.State.REFUSED:
            summary = f"{what}拒绝了文件 {run.source_name}：{(refusal or {}).get('detail', '')}"
        else:
            summary = f"{what}出错中止：{run.source_name}"
        record_event(
            "importer.run_finished",
            acting_user=run.created_by,
            target=run,
            summary=summary,
            detail={"state": state, "dry_run": run.dry_run, "counts": run.counts, "total": run.total},
        )


class Importer:
    """Maps and writes (or, in a dry run, only judges) the records of one run."""

    def __init__(self, run: ImportRun, mapping: LoadedMapping):
        self.run = run
        self.acting_user = run.created_by
        self.mapper = Mapper(
            mapping, people=PeopleIndex(), source_name=run.source_name, keep_bytes=not run.dry_run
        )
        self.counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        # 发文字号 seen in this file, for the dry run's duplicate check (the database has the
        # real run's: the unique constraint on outgoing numbers).
        self.outgoing_numbers: dict[str, str] = {}
        self.seen_keys: set[str] = set()
        self.keys: dict[int, str] = {}  # id(record) → its legacy key, for the quarantine row

    def counts_json(self) -> dict:
        return {rule: dict(outcomes) for rule, outcomes in sorted(self.counts.items())}

    def run_batch(self, records: list[SourceRecord]) -> None:
        """One batch in one transaction with the run's progress. If the database refuses
        something no check foresaw and the batch's own writes fail (its savepoints catch what
        one record does), the batch is rolled back and done again one record per transaction:
        the record that fails is quarantined (write_refused) and the others are written, so a
        failure never loses the rest of the file."""
        state = self.snapshot()
        try:
            with transaction.atomic():
                self._commit(self.process(records), len(records))
            return
        except DatabaseError:
            logger.warning(
                "import run %s: a batch failed, retried record by record", self.run.pk, exc_info=True
            )
            self.restore(state)
        for record in records:
            state = self.snapshot()
            try:
                with transaction.atomic():
                    self._commit(self.process([record]), 1)
            except DatabaseError as exc:
                self.restore(state)
                with transaction.atomic():
                    self._commit([self.quarantine(record, [_refused(exc)])], 1)

    def _commit(self, results: list[Result], done: int) -> None:
        for result in results:
            self.counts[result.rule][result.outcome] += 1
        self.run.done += done
        self.run.counts = self.counts_json()
        self.run.save(update_fields=["done", "counts"])

    def snapshot(self) -> tuple:
        """What a batch changes in memory, to put back when its transaction is rolled back."""
        return (
            {rule: Counter(outcomes) for rule, outcomes in self.counts.items()},
            dict(self.outgoing_numbers),
            set(self.seen_keys),
            self.run.done,
        )

    def restore(self, state: tuple) -> None:
        counts, numbers, keys, done = state
        self.counts = defaultdict(Counter, counts)
        self.outgoing_numbers, self.seen_keys, self.run.done = numbers, keys, done

    def process(self, records: list[SourceRecord]) -> list[Result]:
        """One batch, in the caller's transaction: each record whole or quarantined, then what
        the batch writes together (trail rows, ledger rows, 件号 counters)."""
        self.batch = Batch()
        self.keys = {}
        results = list(self._process(records))
        self.batch.flush(self.run)
        return results

    def _process(self, records: list[SourceRecord]) -> Iterator[Result]:
        keys = [self.mapper.key_of(record) for record in records]
        ledger = {
            r.legacy_id: r
            for r in ImportedRecord.objects.filter(legacy_id__in=[k for k in keys if k]).select_related(
                "document"
            )
        }
        mapped = []
        for record, key in zip(records, keys, strict=True):
            # A record the admin once fixed out of quarantine is read with the same fixes again.
            fixes = Fixes.of(ledger[key].fixes) if key in ledger and ledger[key].fixes else None
            self.keys[id(record)] = key or ""
            mapped.append((record, *self.mapper.map(record, fixes)))
        for record, document, problems in mapped:
            if document is not None and document.legacy_id in self.seen_keys:
                problem = Problem(
                    Reason.DUPLICATE_KEY,
                    f"唯一标识“{document.legacy_id}”在本文件中出现了不止一次，只导入第一次出现的记录。",
                )
                yield self.quarantine(record, [problem], rule=document.rule)
                continue
            if document is not None:
                self.seen_keys.add(document.legacy_id)
            if document is None:
                yield self.quarantine(record, problems)
            elif self.run.dry_run:
                yield self.judge(record, document, ledger.get(document.legacy_id))
            else:
                yield self.write(record, document, ledger)

    def rule_of(self, record: SourceRecord, problems: list[Problem]) -> str:
        rule = self.mapper.rule_for(record)
        return rule.name if rule is not None else f"（未知表单）{record.form or ''}".strip()

    def quarantine(self, record: SourceRecord, problems: list[Problem], *, rule: str | None = None) -> Result:
        rule = rule or self.rule_of(record, problems)
        first = problems[0]
        title = ""
        if first.reason != Reason.MISSING_TITLE:
            mapped_rule = self.mapper.rule_named(rule)
            for name in mapped_rule.fields.get("title", []) if mapped_rule else []:
                item = record.item(name)
                if item is not None and not item.is_empty:
                    title = item.text.replace("\n", " ")[:200]
                    break
        key = self.keys.get(id(record)) or self.mapper.key_of(record) or ""
        stored_key = _bounded_key(key)
        # Whatever the record holds, its quarantine row can be written: no NUL, and values past
        # the cap cut to a preview (noted in the record, so a retry knows).
        stored, cut = limits.storable(record.to_json(keep=not self.run.dry_run))
        if cut:
            stored.setdefault("meta", {})["cut_in_quarantine"] = cut[:20]
        problems_json, _ = limits.storable([p.as_json() for p in problems])
        defaults = {
            "key": stored_key,
            "form": limits.text(record.form or "", 100),
            "rule": limits.text(rule, 60),
            "location": limits.text(record.location, 120),
            "title": limits.text(title, 200),
            "reason": first.reason,
            "message": first.message.replace("\x00", "\ufffd"),
            "field": limits.text(first.field or "", 40),
            "problems": problems_json,
            "record": stored,
        }
        if not self.run.dry_run and stored_key:
            # One open quarantine row per record across real runs: a re-run that quarantines it
            # again takes over the earlier row's fixes and attempts, and the earlier row goes.
            earlier = QuarantineItem.objects.filter(
                key=stored_key, resolved=False, run__dry_run=False
            ).exclude(run=self.run)
            for old in earlier.only("pk", "fixes", "attempts"):
                defaults["attempts"] = max(defaults.get("attempts", 0), old.attempts)
                defaults["fixes"] = old.fixes or defaults.get("fixes", {})
            earlier.delete()
        QuarantineItem.objects.update_or_create(run=self.run, index=record.index, defaults=defaults)
        return Result(Outcome.QUARANTINED, rule)

    def judge(self, record: SourceRecord, mapped: MappedDocument, existing: ImportedRecord | None) -> Result:
        """A dry run's verdict: what a real run would do with the record."""
        problem = self.duplicate_number(mapped)
        if problem is not None:
            return self.quarantine(record, [problem], rule=mapped.rule)
        if existing is None:
            return Result(Outcome.CREATED, mapped.rule)
        same = existing.fingerprint == mapped.fingerprint
        return Result(Outcome.UNCHANGED if same else Outcome.UPDATED, mapped.rule, existing.document)

    def duplicate_number(self, mapped: MappedDocument) -> Problem | None:
        number = mapped.fields.get("doc_number") or ""
        if mapped.fields["direction"] != Direction.OUTGOING or not number:
            return None
        seen = self.outgoing_numbers.setdefault(number, mapped.legacy_id)
        other = (
            Document.objects.filter(direction=Direction.OUTGOING, doc_number=number)
            .exclude(legacy_id=mapped.legacy_id)
            .values_list("title", flat=True)
            .first()
        )
        if seen != mapped.legacy_id or other is not None:
            return _duplicate(number, other)
        return None

    def write(
        self, record: SourceRecord, mapped: MappedDocument, ledger: dict[str, ImportedRecord]
    ) -> Result:
        existing = ledger.get(mapped.legacy_id)
        if existing is not None and existing.last_run_id == self.run.pk:
            # A resumed run: this record was written before the interruption; count it as then.
            return Result(existing.last_outcome, mapped.rule, existing.document)
        if existing is not None and existing.fingerprint == mapped.fingerprint:
            self.batch.unchanged.append(existing.pk)
            return Result(Outcome.UNCHANGED, mapped.rule, existing.document)
        waiting = len(self.batch.events), len(self.batch.ledger)
        try:
            with transaction.atomic():
                result = write_mapped(
                    mapped, existing, run=self.run, acting_user=self.acting_user, batch=self.batch
                )
        except DatabaseError as exc:
            # The record's savepoint is rolled back (its 件号 given back): it alone is quarantined.
            del self.batch.events[waiting[0] :], self.batch.ledger[waiting[1] :]
            if isinstance(exc, IntegrityError) and "doc_outgoing_number_unique" in str(exc):
                other = Document.objects.filter(doc_number=mapped.fields.get("doc_number")).first()
                problem = _duplicate(mapped.fields.get("doc_number", ""), other.title if other else None)
            else:
                logger.warning("import run %s: %s refused by the database", self.run.pk, record.location)
                problem = _refused(exc)
            return self.quarantine(record, [problem], rule=mapped.rule)
        self.batch.written.append((_bounded_key(mapped.legacy_id), result.document))
        return result


@dataclass
class Batch:
    """What the records of one transaction write together, after their own savepoints: trail
    rows and ledger rows in two bulk inserts, the unchanged records' ledger in one update, and
    the 件号 counters once each. A record written in the batch is whole even so: its document,
    files and number are in its savepoint, and the batch commits or rolls back as one."""

    numbers: ArchiveNumbers = field(default_factory=ArchiveNumbers)
    events: list = field(default_factory=list)
    ledger: list[ImportedRecord] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    # (legacy key, document) of each record written: an open quarantine row an earlier run left
    # for it is resolved by this run.
    written: list[tuple[str, Document | None]] = field(default_factory=list)

    def flush(self, run: ImportRun) -> None:
        from oa.documents.models import DocumentEvent

        self.numbers.flush()
        DocumentEvent.objects.bulk_create(self.events)
        ImportedRecord.objects.bulk_create(self.ledger)
        if self.unchanged:
            ImportedRecord.objects.filter(pk__in=self.unchanged).update(
                last_run=run, last_outcome=Outcome.UNCHANGED, updated_at=timezone.now()
            )
        if self.written:
            documents = dict(self.written)
            held = QuarantineItem.objects.filter(key__in=documents, resolved=False, run__dry_run=False)
            for item in held.exclude(run=run).only("pk", "key"):
                QuarantineItem.objects.filter(pk=item.pk).update(
                    resolved=True, resolved_at=timezone.now(), resolved_by=run.created_by,
                    document=documents[item.key],
                )  # fmt: skip
        self.events, self.ledger, self.unchanged, self.written = [], [], [], []


def write_mapped(
    mapped: MappedDocument,
    existing: ImportedRecord | None,
    *,
    run: ImportRun,
    acting_user,
    batch: Batch | None = None,
    fixes: dict | None = None,
    ip=None,
) -> Result:
    """Create or update the document of one mapped record and its ledger row (the caller holds
    a transaction or savepoint). With a `batch`, its trail and ledger rows wait for the batch's
    flush; without one (a retry from the quarantine) everything is written now."""
    now = timezone.now()
    alone = batch is None
    batch = batch or Batch()
    if existing is None:
        document = create_document(
            mapped, acting_user=acting_user, now=now, numbers=batch.numbers, events=batch.events
        )
        batch.ledger.append(
            ImportedRecord(
                legacy_id=mapped.legacy_id,
                document=document,
                fingerprint=mapped.fingerprint,
                first_run=run,
                last_run=run,
                last_outcome=Outcome.CREATED,
                updated_at=now,
                fixes=fixes or {},
            )
        )
        if alone:
            batch.flush(run)
        return Result(Outcome.CREATED, mapped.rule, document)
    document = Document.objects.select_for_update().get(pk=existing.document_id)
    changed = update_document(document, mapped, acting_user=acting_user, now=now, ip=ip)
    outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
    ImportedRecord.objects.filter(pk=existing.pk).update(
        fingerprint=mapped.fingerprint,
        last_run=run,
        last_outcome=outcome,
        updated_at=now,
        **({"fixes": fixes} if fixes is not None else {}),
    )
    return Result(outcome, mapped.rule, document)


def _duplicate(number: str, other_title: str | None) -> Problem:
    where = f"已有发文“{other_title}”使用" if other_title else "本文件中另一份发文也使用"
    return Problem(
        Reason.DUPLICATE_NUMBER, f"发文字号“{number}”{where}，发文字号不能重复。", field="doc_number"
    )


def _refused(exc: DatabaseError) -> Problem:
    """A refusal no check foresaw (a constraint or trigger added since): the database's words."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return Problem(Reason.WRITE_REFUSED, f"数据库拒绝保存这条记录（{type(exc).__name__}）：{detail}")


def _bounded_key(key: str) -> str:
    from oa.importer.mapping import _bounded_key as bounded

    return bounded(key)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _unit_lock:
    """One real run at a time per unit (a session-level advisory lock on the unit's schema), so
    two runs never race to create the same legacy record; dry runs write nothing and share it."""

    def __init__(self, *, exclusive: bool):
        self.key = zlib.crc32(f"oa.importer:{connection.schema_name}".encode())
        self.exclusive = exclusive

    def __enter__(self):
        function = "pg_advisory_lock" if self.exclusive else "pg_advisory_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [self.key])
        return self

    def __exit__(self, *exc):
        function = "pg_advisory_unlock" if self.exclusive else "pg_advisory_unlock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [self.key])
        return False
