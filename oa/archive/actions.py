"""档案 actions: the only writers of the archive's records. Each is one transaction with its
audit event. Archived documents themselves are never changed here, with one exception: the
destruction of an item by an approved appraisal decision (do_destroy_item), which clears the
item's content through the controlled path the immutability trigger allows (migration 0002).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from oa.archive import notify, queries, transfer
from oa.archive.models import AccessRecord, Appraisal, DestructionRecord, Loan, Transfer
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Staff
from oa.directory.queries import has_permission
from oa.documents.models import BodyVersion, Document, DocumentFile
from oa.templates import actions as template_actions
from oa.templates import flows
from oa.workflow import actions as workflow_actions
from oa.workflow.models import ProcessInstance

LOAN_FLOW = "jieyue"
MAX_LOAN_ITEMS = 50


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def max_loan_days() -> int:
    return int(getattr(settings, "OA_ARCHIVE_MAX_LOAN_DAYS", 30))


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not value:
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ActionError(ErrorCode.INVALID, f"{label}不能超过 {max_length} 个字。", field=field)
    return value


def _name(user) -> str:
    account = getattr(user, "account", None)
    return account.display_name if account and account.display_name else user.username


def _archivist_ids() -> list[int]:
    return [s.user_id for s in Staff.objects.select_related("user") if has_permission(s.user, queries.MANAGE)]


def _tell(user_ids: list[int], *, event: str, summary: str, link: str = "", source=None, actor=None) -> None:
    # Inside the action's transaction: the notices go (and are pushed) only if it commits.
    notify.tell(user_ids, event=event, summary=summary, link=link, source=source, actor=actor)


# --- 借阅 ---------------------------------------------------------------------------------------


def _loan_flow_definition(acting_user):
    """The unit's 借阅 flow; a unit provisioned before the flow shipped gets it from the
    library the first time someone borrows."""
    from oa.templates.models import UnitTemplate

    if not UnitTemplate.objects.filter(kind="flow", code=LOAN_FLOW).exists():
        template_actions.do_instantiate_template(acting_user=None, kind="flow", code=LOAN_FLOW)
    return flows.current_definition(flows.flow_template(LOAN_FLOW), acting_user=acting_user)


@transaction.atomic
def do_request_loan(
    *,
    acting_user,
    documents: list[int],
    purpose: str,
    days: int,
    allow_download: bool = False,
    now=None,
    ip=None,
) -> Loan:
    """借阅申请: ask to view (and perhaps download) catalogued items for `days` days; the
    unit's 借阅 flow decides."""
    now = _now(now)
    purpose = _text(purpose, field="purpose", label="借阅用途", max_length=300)
    if not isinstance(days, int) or not 1 <= days <= max_loan_days():
        raise ActionError(ErrorCode.INVALID, f"借阅天数应为 1 至 {max_loan_days()} 天。", field="days")
    ids = sorted({int(pk) for pk in documents or []})
    if not ids:
        raise ActionError(ErrorCode.REQUIRED, "请选择要借阅的档案。", field="documents")
    if len(ids) > MAX_LOAN_ITEMS:
        raise ActionError(ErrorCode.INVALID, f"一次最多借阅 {MAX_LOAN_ITEMS} 件。", field="documents")
    items = list(queries.catalogue(acting_user, queries.CatalogueFilters()).filter(pk__in=ids))
    if len(items) != len(ids):
        raise ActionError(ErrorCode.INVALID, "所选档案不存在、已销毁或不能借阅。", field="documents")
    loan = Loan.objects.create(
        requester=acting_user,
        purpose=purpose,
        days=days,
        allow_download=bool(allow_download),
        requested_at=now,
    )
    loan.documents.set(items)
    title = f"档案借阅：{items[0].title}" + (f" 等 {len(items)} 件" if len(items) > 1 else "")
    instance = workflow_actions.do_start_process(
        _loan_flow_definition(acting_user),
        acting_user=acting_user,
        title=title[:200],
        data={"loan": loan.pk, "days": days, "allow_download": bool(allow_download)},
        business_key=f"archive.loan:{loan.pk}",
        now=now,
        ip=ip,
    )
    Loan.objects.filter(pk=loan.pk).update(process_instance=instance)
    loan.process_instance = instance
    record_event(
        "archive.loan_requested",
        acting_user=acting_user,
        target=loan,
        summary=f"申请借阅档案 {len(items)} 件（{days} 天）：{purpose}",
        detail={"documents": ids, "days": days, "allow_download": bool(allow_download)},
        ip=ip,
    )
    return loan


def step_decide_loan(loan: Loan, *, acting_user, outcome: str, opinion: str, now) -> None:
    """The 借阅 flow's approval step (inside the workflow action's transaction)."""
    if loan.state != Loan.State.PENDING:
        raise ActionError(ErrorCode.STATE, "这条借阅申请已经处理过了。", status=409)
    if loan.requester_id == acting_user.pk:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "不能审批自己的借阅申请。", status=403)
    loan.decided_by, loan.decided_at, loan.opinion = acting_user, now, (opinion or "")[:300]
    if outcome == "approve":
        loan.state = Loan.State.APPROVED
        loan.expires_at = now + timedelta(days=loan.days)
        summary = f"批准借阅（至 {timezone.localtime(loan.expires_at):%Y-%m-%d %H:%M}）"
    else:
        loan.state = Loan.State.REJECTED
        loan.ended_at = now
        summary = f"不批准借阅：{opinion}"
    loan.save(update_fields=["state", "decided_by", "decided_at", "opinion", "expires_at", "ended_at"])
    record_event(f"archive.loan_{loan.state}", acting_user=acting_user, target=loan, summary=summary)
    _tell(
        [loan.requester_id],
        event=f"archive.loan_{loan.state}",
        summary=summary,
        link=f"/portal/archive/loans/{loan.pk}",
        source=loan,
        actor=acting_user,
    )


def sync_loan_with_flow(loan: Loan, instance: ProcessInstance, *, actor) -> None:
    """A flow that ended or was cancelled without approving leaves nothing lent."""
    if loan.state != Loan.State.PENDING:
        return
    if instance.state == ProcessInstance.State.CANCELLED:
        state, summary = Loan.State.CANCELLED, "撤销借阅申请"
    elif instance.state == ProcessInstance.State.COMPLETED:
        state, summary = Loan.State.REJECTED, "借阅申请未获批准"
    else:
        return
    Loan.objects.filter(pk=loan.pk).update(state=state, ended_at=instance.ended_at or timezone.now())
    loan.state = state
    record_event(f"archive.loan_{state}", acting_user=actor, target=loan, summary=summary)


@transaction.atomic
def do_record_access(
    loan: Loan, document: Document, *, acting_user, action: str, file_name: str = "", now=None, ip=None
) -> AccessRecord:
    """利用登记: one view or download of a lent item (the caller has checked the loan runs)."""
    now = _now(now)
    if action == AccessRecord.Action.DOWNLOAD and not loan.allow_download:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "这次借阅只允许查阅，不允许下载。", status=403)
    record = AccessRecord.objects.create(
        loan=loan,
        document=document,
        user=acting_user,
        action=action,
        file_name=file_name[:200],
        at=now,
        ip=ip,
    )
    record_event(
        f"archive.item_{action}ed" if action == "download" else "archive.item_viewed",
        acting_user=acting_user,
        target=document,
        summary=f"{AccessRecord.Action(action).label}档案：{document.archive_code} {document.title}",
        detail={"loan": loan.pk, "file": file_name},
        ip=ip,
    )
    return record


@transaction.atomic
def do_end_loan(loan: Loan, *, acting_user, now=None, ip=None) -> Loan:
    """归还 (the borrower) or 收回 (the archivist): a running loan ends now."""
    now = _now(now)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.requester_id != acting_user.pk and not queries.is_archivist(acting_user):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有借阅人或档案管理员可以结束借阅。", status=403)
    if not queries.is_running(loan, now):
        raise ActionError(ErrorCode.STATE, "这条借阅已不在借阅期内。", status=409)
    loan.state, loan.ended_at, loan.expires_at = Loan.State.EXPIRED, now, now
    loan.save(update_fields=["state", "ended_at", "expires_at"])
    who = "归还" if loan.requester_id == acting_user.pk else "收回"
    record_event(
        "archive.loan_ended", acting_user=acting_user, target=loan, summary=f"{who}借阅的档案", ip=ip
    )
    return loan


@transaction.atomic
def do_expire_loans(*, now=None) -> int:
    """到期收回 (the beat task, in each unit): loans past their end are marked expired. Access
    is refused at the end time whether or not this has run (queries.loaned_item)."""
    now = _now(now)
    due = list(
        Loan.objects.select_for_update(skip_locked=True).filter(
            state=Loan.State.APPROVED, expires_at__lte=now
        )
    )
    for loan in due:
        loan.state, loan.ended_at = Loan.State.EXPIRED, now
        loan.save(update_fields=["state", "ended_at"])
        record_event("archive.loan_expired", acting_user=None, target=loan, summary="借阅到期，自动收回")
        _tell(
            [loan.requester_id],
            event="archive.loan_expired",
            summary="您借阅的档案已到期收回",
            link=f"/portal/archive/loans/{loan.pk}",
            source=loan,
        )
    return len(due)


# --- 鉴定与销毁 ---------------------------------------------------------------------------------


@transaction.atomic
def do_propose_appraisal(
    document: Document,
    *,
    acting_user,
    proposal: str,
    reason: str,
    keep_years: int | None = None,
    now=None,
    ip=None,
) -> Appraisal:
    """鉴定意见: the archivist proposes to keep (for more years) or destroy an item that is due."""
    now = _now(now)
    queries.require(acting_user, queries.MANAGE, "档案鉴定")
    if proposal not in Appraisal.Proposal.values:
        raise ActionError(ErrorCode.INVALID, "鉴定意见应为继续保存或销毁。", field="proposal")
    reason = _text(reason, field="reason", label="鉴定理由", max_length=500)
    if proposal == Appraisal.Proposal.KEEP:
        if not isinstance(keep_years, int) or not 1 <= keep_years <= 50:
            raise ActionError(ErrorCode.INVALID, "继续保存的年限应为 1 至 50 年。", field="keep_years")
    else:
        keep_years = None
    due = {item.pk: item for item in queries.due_for_appraisal(acting_user, today=timezone.localdate(now))}
    item = due.get(document.pk)
    if item is None:
        raise ActionError(
            ErrorCode.STATE, "这件档案未到保管期限，或已有鉴定结论。", field="document", status=409
        )
    if item.open_appraisal is not None:
        raise ActionError(ErrorCode.DUPLICATE, "这件档案已有待处理的鉴定意见。", field="document", status=409)
    appraisal = Appraisal.objects.create(
        document=document,
        proposal=proposal,
        keep_years=keep_years,
        reason=reason,
        proposed_by=acting_user,
        proposed_at=now,
    )
    record_event(
        "archive.appraisal_proposed",
        acting_user=acting_user,
        target=appraisal,
        summary=f"鉴定意见：{document.archive_code} {Appraisal.Proposal(proposal).label}（{reason}）",
        detail={"document": document.pk, "proposal": proposal, "keep_years": keep_years},
        ip=ip,
    )
    approvers = [
        s.user_id for s in Staff.objects.select_related("user") if has_permission(s.user, queries.APPROVE)
    ]
    _tell(
        approvers,
        event="archive.appraisal_proposed",
        summary=f"待审批的档案鉴定：{document.archive_code}",
        link="/portal/archive/appraisal",
        source=appraisal,
        actor=acting_user,
    )
    return appraisal


@transaction.atomic
def do_decide_appraisal(
    appraisal: Appraisal, *, acting_user, approve: bool, opinion: str = "", now=None, ip=None
) -> Appraisal:
    """鉴定审批: a holder of archive.approve, not the proposer, approves or refuses."""
    now = _now(now)
    queries.require(acting_user, queries.APPROVE, "档案鉴定审批")
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if appraisal.state != Appraisal.State.PROPOSED:
        raise ActionError(ErrorCode.STATE, "这条鉴定意见已经审批过了。", status=409)
    if appraisal.proposed_by_id == acting_user.pk:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "鉴定意见须由提出人以外的领导审批。", status=403)
    opinion = _text(opinion, field="opinion", label="不同意的意见", max_length=300, required=not approve)
    appraisal.decided_by, appraisal.decided_at, appraisal.opinion = acting_user, now, opinion
    if not approve:
        appraisal.state = Appraisal.State.REJECTED
    elif appraisal.proposal == Appraisal.Proposal.KEEP:
        # 继续保存 takes effect at once: the item is due again after the extra years.
        appraisal.state = Appraisal.State.DONE
        appraisal.review_year = timezone.localdate(now).year + appraisal.keep_years
    else:
        appraisal.state = Appraisal.State.APPROVED
    appraisal.save()
    verdict = "批准" if approve else "不批准"
    record_event(
        "archive.appraisal_decided",
        acting_user=acting_user,
        target=appraisal,
        summary=f"{verdict}鉴定意见：{appraisal.document.archive_code} {appraisal.get_proposal_display()}",
        detail={"approve": approve, "opinion": opinion},
        ip=ip,
    )
    _tell(
        [appraisal.proposed_by_id],
        event="archive.appraisal_decided",
        summary=f"鉴定意见已{verdict}",
        link="/portal/archive/appraisal",
        source=appraisal,
        actor=acting_user,
    )
    return appraisal


def _controlled_destruction(on: bool = True) -> None:
    # The one path through the immutability trigger (archive migration 0002): for this
    # transaction only, an archived document's content may be cleared, nothing else changed.
    # Shut again right after the writes, in case a caller's transaction goes on.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('oa.archive_destruction', %s, true)", ["on" if on else ""])


@transaction.atomic
def do_destroy_item(document: Document, *, acting_user, now=None, ip=None) -> DestructionRecord:
    """销毁: carry out an approved destroy decision. The register row keeps what the item was;
    its body, extracted text and file contents are removed."""
    now = _now(now)
    queries.require(acting_user, queries.MANAGE, "档案销毁")
    appraisal = (
        Appraisal.objects.select_for_update()
        .filter(document_id=document.pk, proposal=Appraisal.Proposal.DESTROY, state=Appraisal.State.APPROVED)
        .first()
    )
    if appraisal is None:
        raise ActionError(
            ErrorCode.NO_DECISION, "没有经批准的销毁鉴定结论，不能销毁。", field="document", status=409
        )
    item = queries.archived_items().select_for_update(of=("self",)).get(pk=document.pk)
    files = list(item.files.order_by("id"))
    record = DestructionRecord.objects.create(
        document=item,
        appraisal=appraisal,
        archive_code=item.archive_code,
        title=item.title,
        doc_number=item.doc_number,
        retention=item.retention,
        year=item.year or 0,
        files=[{"name": f.name, "role": f.role, "sha256": f.sha256, "size": f.size} for f in files],
        destroyed_by=acting_user,
        destroyed_at=now,
    )
    _controlled_destruction()
    Document.objects.filter(pk=item.pk).update(body_html="", body_text="", search_vector=None)
    DocumentFile.objects.filter(document=item).update(text="", removed_at=now)
    BodyVersion.objects.filter(document=item).update(body_html="")
    _controlled_destruction(on=False)
    appraisal.state = Appraisal.State.DONE
    appraisal.save(update_fields=["state"])
    record_event(
        "archive.item_destroyed",
        acting_user=acting_user,
        target=item,
        summary=f"销毁档案：{item.archive_code} {item.title}（鉴定第 {appraisal.pk} 号）",
        detail={"appraisal": appraisal.pk, "files": len(files)},
        ip=ip,
    )
    digests = [f.sha256 for f in files]
    transaction.on_commit(lambda: _remove_blobs(item.pk, digests))
    return record


def _remove_blobs(document_pk: int, digests: list[str]) -> None:
    """Delete the stored bytes no other document's file still uses (the store is
    content-addressed: the same attachment may be filed twice)."""
    from oa.documents.storage import blob_path

    for digest in set(digests):
        if DocumentFile.objects.filter(sha256=digest).exclude(document_id=document_pk).exists():
            continue
        blob_path(digest).unlink(missing_ok=True)


# --- 移交 ---------------------------------------------------------------------------------------


def _unit():
    return getattr(connection, "tenant", None)


@transaction.atomic
def do_export_transfer(*, acting_user, year: int, now=None, ip=None) -> tuple[Transfer, bytes]:
    """移交: pack the year's archive (not what was destroyed) and keep the record of it."""
    from oa.documents.storage import store_bytes

    now = _now(now)
    queries.require(acting_user, queries.MANAGE, "档案移交")
    if not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ActionError(ErrorCode.INVALID, "请填写有效的年度。", field="year")
    items = list(queries.catalogue(acting_user, queries.CatalogueFilters(year=year)))
    if not items:
        raise ActionError(ErrorCode.INVALID, f"{year} 年度没有可移交的档案。", field="year")
    unit = _unit()
    fonds = items[0].fonds or (connection.schema_name or "").upper()
    identifier = uuid.uuid4().hex
    built = transfer.build_package(
        items,
        identifier=identifier,
        unit_name=getattr(unit, "name", "") or fonds,
        fonds=fonds,
        year=year,
        by=_name(acting_user),
        at=now,
    )
    store_bytes(built.data)
    record = Transfer.objects.create(
        year=year,
        fonds=fonds,
        identifier=identifier,
        item_count=built.item_count,
        package_sha256=built.sha256,
        package_size=len(built.data),
        created_by=acting_user,
        created_at=now,
    )
    record.documents.set(items)
    record_event(
        "archive.transfer_exported",
        acting_user=acting_user,
        target=record,
        summary=f"导出 {year} 年度移交包：{built.item_count} 件（SHA-256 {built.sha256[:16]}…）",
        detail={"year": year, "sha256": built.sha256, "items": built.item_count},
        ip=ip,
    )
    return record, built.data


@transaction.atomic
def do_verify_transfer(
    *, acting_user, data: bytes, now=None, ip=None
) -> tuple[transfer.Verification, Transfer | None]:
    """Re-import check: the package is verified on its own, then against the unit's record of
    the transfer it claims to be (same package digest, same items)."""
    now = _now(now)
    queries.require(acting_user, queries.MANAGE, "档案移交")
    if not data:
        raise ActionError(ErrorCode.REQUIRED, "请选择移交包文件。", field="file")
    result = transfer.verify_package(data)
    record = (
        Transfer.objects.select_for_update().filter(identifier=result.identifier).first()
        if result.identifier
        else None
    )
    if result.identifier and record is None:
        result.problems.append("本单位没有这个移交包的移交记录。")
    if record is not None:
        if record.package_sha256 != result.sha256:
            result.problems.append("移交包与移交记录的 SHA-256 不符：文件已被改动。")
        codes = sorted(record.documents.values_list("archive_code", flat=True))
        if sorted(result.archive_codes) != codes:
            result.problems.append("移交包中的档案与移交记录不一致。")
    result.ok = not result.problems
    if record is not None and result.ok:
        record.state, record.verified_by, record.verified_at = Transfer.State.VERIFIED, acting_user, now
        record.save(update_fields=["state", "verified_by", "verified_at"])
    record_event(
        "archive.transfer_verified" if result.ok else "archive.transfer_verify_failed",
        acting_user=acting_user,
        target=record,
        target_type="" if record is not None else "archive.transfer",
        target_id="" if record is not None else result.sha256[:16],
        summary=("移交包校验通过" if result.ok else f"移交包校验未通过（{len(result.problems)} 处问题）")
        + (f"：{record.year} 年度 {record.item_count} 件" if record is not None else ""),
        detail={"sha256": result.sha256, "problems": result.problems[:20]},
        ip=ip,
    )
    return result, record
