"""历史数据导入 actions: upload a legacy export (a dry run first), start the real run, fix and
retry a quarantined record. Each is one transaction with its audit event; the runs themselves
are executed by oa/importer/runs.py, in a Celery task for uploads (tasks.py) or in the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.queries import has_permission
from oa.importer.errors import ImportRefused, SourceErrorCode
from oa.importer.mapping import Fixes, Mapper, load_mapping
from oa.importer.models import ImportedRecord, ImportRun, QuarantineItem
from oa.importer.people import PeopleIndex
from oa.importer.records import SourceRecord
from oa.importer.runs import write_mapped
from oa.importer.sources import SourceRefused, open_source, sniff_kind
from oa.importer.uploads import keep_upload, path_of

PERMISSION = "importer.manage"
GiB = 1024**3
# Uploads up to this size are checked while the admin waits, so a malformed file is refused
# at once with its line; larger ones are checked by the run itself (it ends "refused").
SYNC_CHECK_BYTES = 16 * 1024 * 1024


def _require_permission(user) -> None:
    if not has_permission(user, PERMISSION):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有历史数据导入的权限。", status=403)


def _refused(exc: SourceRefused) -> ImportRefused:
    return ImportRefused(exc.code, exc.detail, line=exc.line, column=exc.column)


def _enqueue(run: ImportRun) -> None:
    from oa.importer.tasks import execute_import_run

    transaction.on_commit(lambda: execute_import_run.delay(run.pk))


@transaction.atomic
def do_upload_import(
    upload: IO[bytes], *, acting_user, name: str, mapping: str | None = None, enqueue: bool = True, ip=None
) -> ImportRun:
    """Keep an uploaded export and start its dry run (试导入): the report comes first."""
    _require_permission(acting_user)
    loaded = load_mapping(mapping)
    max_bytes = getattr(settings, "OA_IMPORT_MAX_BYTES", 4 * GiB)
    kept = keep_upload(upload, max_bytes=max_bytes)
    if kept is None:
        raise ImportRefused(SourceErrorCode.TOO_LARGE, f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限。")
    path = path_of(kept.relative_path)
    try:
        kind = sniff_kind(path)
        if kept.size <= getattr(settings, "OA_IMPORT_SYNC_CHECK_BYTES", SYNC_CHECK_BYTES):
            open_source(path, kind, name=name).check()
    except SourceRefused as exc:
        path.unlink(missing_ok=True)
        raise _refused(exc) from None
    run = ImportRun.objects.create(
        source_name=(name or "upload")[:200],
        kind=kind,
        file_path=kept.relative_path,
        file_size=kept.size,
        file_sha256=kept.sha256,
        mapping_code=loaded.code,
        mapping=loaded.content,
        mapping_checksum=loaded.checksum,
        dry_run=True,
        created_by=acting_user,
    )
    record_event(
        "importer.uploaded",
        acting_user=acting_user,
        target=run,
        summary=f"上传历史数据：{run.source_name}（{run.get_kind_display()}，{kept.size} 字节），开始试导入",
        detail={"sha256": kept.sha256, "mapping": loaded.code, "mapping_origin": loaded.origin},
        ip=ip,
    )
    if enqueue:
        _enqueue(run)
    return run


@transaction.atomic
def do_create_file_run(
    path: Path,
    *,
    acting_user,
    dry_run: bool,
    mapping: str | None = None,
    preview: ImportRun | None = None,
    checked_total: int | None = None,
) -> ImportRun:
    """A run over a file on the server (the command line): checked before anything is written
    (`checked_total`: the caller has just checked it and counted its records)."""
    _require_permission(acting_user)
    loaded = load_mapping(mapping)
    path = Path(path).resolve()
    try:
        kind = sniff_kind(path)
        total = checked_total if checked_total is not None else open_source(path, kind).check()
    except SourceRefused as exc:
        raise _refused(exc) from None
    except OSError as exc:
        raise ActionError(ErrorCode.NOT_FOUND, f"无法读取文件 {path}：{exc.strerror}", field="file") from exc
    run = ImportRun.objects.create(
        source_name=path.name[:200],
        kind=kind,
        file_path=str(path),
        file_size=path.stat().st_size,
        mapping_code=loaded.code,
        mapping=loaded.content,
        mapping_checksum=loaded.checksum,
        dry_run=dry_run,
        preview=preview,
        total=total,
        created_by=acting_user,
    )
    record_event(
        "importer.file_run",
        acting_user=acting_user,
        target=run,
        summary=f"{'试导入' if dry_run else '导入'}服务器上的文件：{path}",
        detail={"mapping": loaded.code, "mapping_origin": loaded.origin, "total": total},
    )
    return run


@transaction.atomic
def do_start_import(preview: ImportRun, *, acting_user, ip=None) -> ImportRun:
    """The real run (正式导入) of a file whose dry run the admin has read; same file, same mapping."""
    _require_permission(acting_user)
    preview = ImportRun.objects.select_for_update().get(pk=preview.pk)
    if not preview.dry_run:
        raise ActionError(ErrorCode.STATE, "只能从试导入开始正式导入。", status=409)
    if preview.state != ImportRun.State.DONE:
        raise ActionError(ErrorCode.STATE, "试导入完成后才能正式导入。", status=409)
    busy = ImportRun.objects.filter(
        dry_run=False, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]
    )
    if busy.exists():
        raise ActionError(ErrorCode.STATE, "已有一个导入正在进行，请等它完成后再开始。", status=409)
    run = ImportRun.objects.create(
        source_name=preview.source_name,
        kind=preview.kind,
        file_path=preview.file_path,
        file_size=preview.file_size,
        file_sha256=preview.file_sha256,
        mapping_code=preview.mapping_code,
        mapping=preview.mapping,
        mapping_checksum=preview.mapping_checksum,
        dry_run=False,
        preview=preview,
        total=preview.total,
        created_by=acting_user,
    )
    record_event(
        "importer.started",
        acting_user=acting_user,
        target=run,
        summary=f"正式导入：{run.source_name}（{run.total or 0} 条记录）",
        detail={"preview": preview.pk, "counts": preview.counts},
        ip=ip,
    )
    _enqueue(run)
    return run


@transaction.atomic
def do_retry_quarantined(
    item: QuarantineItem, *, acting_user, fixes: dict | None = None, ip=None
) -> QuarantineItem:
    """修正后重试: map the quarantined record again with the admin's fixes and the unit's
    current mapping (a rule added since applies); import it whole, or keep it in quarantine with
    the new reason. Either way the attempt is recorded."""
    _require_permission(acting_user)
    item = QuarantineItem.objects.select_for_update().select_related("run").get(pk=item.pk)
    if item.run.dry_run:
        raise ActionError(ErrorCode.STATE, "试导入发现的问题不能单独重试：请修正后正式导入。", status=409)
    if item.resolved:
        raise ActionError(ErrorCode.STATE, "这条记录已经导入。", status=409)
    fixes_obj = _clean_fixes(fixes)
    loaded = load_mapping(item.run.mapping_code)
    mapper = Mapper(loaded, people=PeopleIndex(), source_name=item.run.source_name, keep_bytes=True)
    if fixes_obj.form and mapper.rule_named(fixes_obj.form) is None:
        raise ActionError(ErrorCode.INVALID, f"映射中没有表单规则“{fixes_obj.form}”。", field="form")
    record = SourceRecord.from_json(item.record)
    mapped, problems = mapper.map(record, fixes_obj)
    item.attempts += 1
    item.fixes = fixes_obj.as_json()
    if mapped is not None:
        existing = ImportedRecord.objects.filter(legacy_id=mapped.legacy_id).first()
        number = mapped.fields.get("doc_number")
        clash = (
            mapped.fields["direction"] == "outgoing"
            and number
            and _outgoing_number_taken(number, mapped.legacy_id)
        )
        if clash:
            from oa.importer.runs import _duplicate

            problems = [_duplicate(number, clash)]
        else:
            try:
                with transaction.atomic():
                    result = write_mapped(
                        mapped,
                        existing,
                        run=item.run,
                        acting_user=acting_user,
                        fixes=fixes_obj.as_json(),
                        ip=ip,
                    )
            except DatabaseError as exc:  # a refusal no check foresaw: the record stays held
                from oa.importer.runs import _refused

                problems = [_refused(exc)]
            else:
                item.resolved, item.resolved_at, item.resolved_by = True, timezone.now(), acting_user
                item.document = result.document
    if problems:
        first = problems[0]
        item.reason, item.message, item.field = first.reason, first.message, first.field or ""
        item.problems = [p.as_json() for p in problems]
    item.save()
    record_event(
        "importer.quarantine_retried",
        acting_user=acting_user,
        target=item,
        summary=(
            f"修正后导入：{item.location}（{item.key}）"
            if item.resolved
            else f"重试未成功：{item.location}（{item.get_reason_display()}）"
        ),
        detail={"run": item.run_id, "fixes": item.fixes, "document": item.document_id},
        ip=ip,
    )
    return item


def _outgoing_number_taken(number: str, legacy_id: str) -> str | None:
    from oa.documents.models import Direction, Document

    return (
        Document.objects.filter(direction=Direction.OUTGOING, doc_number=number)
        .exclude(legacy_id=legacy_id)
        .values_list("title", flat=True)
        .first()
    )


def _clean_fixes(value: dict | None) -> Fixes:
    from templates_lib.validation.mapping import MAPPING_FIELDS

    if value is not None and not isinstance(value, dict):
        raise ActionError(ErrorCode.INVALID, "修正内容格式不正确。", field="fixes")
    fixes = Fixes.of(value)
    unknown = sorted(set(fixes.fields) - set(MAPPING_FIELDS))
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"不认识的字段：{', '.join(unknown)}。", field="fields")
    for name, typed in fixes.fields.items():
        if typed is not None and not isinstance(typed, str | int):
            raise ActionError(ErrorCode.INVALID, f"字段“{MAPPING_FIELDS[name][0]}”的值应为文本。", field=name)
    return fixes
