"""Reads of the archive that decide who sees what.

The catalogue (档案目录) is every archived document of the unit (`archived_at` set), with the
parts of its 档号 (全宗号-WS·年度-保管期限-机构代码-件号, DA/T 22-2015 §7.1) read back from the
code itself, so imported history and filed documents are catalogued alike. The archivist
(`archive.manage`) sees every item; other staff see the catalogue entries of unclassified
items (what they may ask to borrow), never the content: that needs a running loan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from oa.archive.models import AccessRecord, Appraisal, DestructionRecord, Loan, Transfer
from oa.core.errors import ActionError, ErrorCode
from oa.directory.queries import has_permission
from oa.documents.models import Classification, Document, DocumentFile, Retention

MANAGE = "archive.manage"
APPROVE = "archive.approve"
# 档号 parts; the 机构代码 may itself hold a hyphen, the others never do.
CODE_PATTERN = r"^(.+)-WS·(\d{4})-(Y|D30|D10)-(.+)-(\d+)$"
RETENTION_YEARS = {Retention.YEARS_10: 10, Retention.YEARS_30: 30}


def _part(index: int, cast: str = "text") -> RawSQL:
    # index and cast are constants of this module; the pattern is a parameter.
    return RawSQL(  # noqa: S611
        f"((regexp_match(documents_document.archive_code, %s))[{index}])::{cast}", (CODE_PATTERN,)
    )


def is_archivist(user) -> bool:
    return has_permission(user, MANAGE)


def require(user, code: str, what: str) -> None:
    if not has_permission(user, code):
        raise ActionError(ErrorCode.PERMISSION_DENIED, f"您没有“{what}”的权限。", status=403)


def destroyed_q() -> Q:
    return Q(Exists(DestructionRecord.objects.filter(document_id=OuterRef("pk"))))


def archived_items() -> QuerySet[Document]:
    """Every archived item, with its 档号 parts as `fonds`, `year`, `org`, `item_no`."""
    return (
        Document.objects.filter(archived_at__isnull=False)
        .annotate(fonds=_part(1), year=_part(2, "int"), org=_part(4), item_no=_part(5, "int"))
        .annotate(destroyed=destroyed_q())
    )


@dataclass(frozen=True)
class CatalogueFilters:
    fonds: str = ""
    year: int | None = None
    retention: str = ""
    org: str = ""
    doc_type: str = ""
    q: str = ""
    include_destroyed: bool = False


def catalogue(user, filters: CatalogueFilters) -> QuerySet[Document]:
    """The catalogue entries `user` may see, in 档号 order (DA/T 22-2015 §8.1: by 年度, 保管期限,
    机构, 件号)."""
    items = archived_items()
    if not is_archivist(user):
        items = items.filter(classification=Classification.NONE)
    if filters.fonds:
        items = items.filter(fonds=filters.fonds.upper())
    if filters.year:
        items = items.filter(year=filters.year)
    if filters.retention:
        items = items.filter(retention=filters.retention)
    if filters.org:
        items = items.filter(org=filters.org.upper())
    if filters.doc_type:
        items = items.filter(doc_type=filters.doc_type)
    if filters.q:
        items = items.filter(
            Q(title__icontains=filters.q)
            | Q(archive_code__icontains=filters.q)
            | Q(doc_number__icontains=filters.q)
        )
    if not filters.include_destroyed:
        items = items.filter(destroyed=False)
    return items.order_by("year", "retention", "org", "item_no", "pk")


def facets() -> dict:
    """The values the catalogue can be filtered by (for the page's selects)."""
    items = archived_items().order_by()
    return {
        "fonds": sorted({v for v in items.values_list("fonds", flat=True) if v}),
        "years": sorted({v for v in items.values_list("year", flat=True) if v}, reverse=True),
        "orgs": sorted({v for v in items.values_list("org", flat=True) if v}),
    }


def get_item(user, pk) -> Document:
    """One catalogue entry (404 when it is not an archived item the user may see)."""
    item = catalogue(user, CatalogueFilters(include_destroyed=True)).filter(pk=pk).first()
    if item is None:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这件档案。", status=404)
    return item


def live_files(document: Document) -> QuerySet[DocumentFile]:
    return document.files.filter(removed_at__isnull=True).order_by("role", "order", "id")


# --- 借阅 ---------------------------------------------------------------------------------------


def loans_for(user, *, all_of_unit: bool = False) -> QuerySet[Loan]:
    loans = Loan.objects.select_related("requester__account", "decided_by__account").prefetch_related(
        "documents"
    )
    if all_of_unit:
        require(user, MANAGE, "档案管理")
        return loans
    return loans.filter(requester_id=user.pk)


def get_loan_for_user(user, pk) -> Loan:
    """The requester's own loan; the archivist sees every loan; anyone else gets 404."""
    loan = Loan.objects.filter(pk=pk).select_related("requester__account").first()
    if loan is None or (loan.requester_id != user.pk and not is_archivist(user)):
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条借阅记录。", status=404)
    return loan


def is_running(loan: Loan, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return loan.state == Loan.State.APPROVED and loan.expires_at is not None and loan.expires_at > now


def loaned_item(user, loan_pk, document_pk, *, now: datetime | None = None) -> tuple[Loan, Document]:
    """The item of a running loan of the user's. The check is made here, at access time, not
    only by the expiry sweep: a loan past its `expires_at` lends nothing even before the beat
    task has marked it expired."""
    loan = Loan.objects.filter(pk=loan_pk, requester_id=user.pk).first()
    if loan is None:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条借阅记录。", status=404)
    document = loan.documents.filter(pk=document_pk).first()
    if document is None:
        raise ActionError(ErrorCode.NOT_FOUND, "借阅单中没有这件档案。", status=404)
    if not is_running(loan, now):
        detail = (
            "借阅尚未批准。" if loan.state == Loan.State.PENDING else "借阅已到期或未获批准，不能再查阅。"
        )
        raise ActionError(ErrorCode.LOAN_EXPIRED, detail, status=403)
    if DestructionRecord.objects.filter(document_id=document.pk).exists():
        raise ActionError(ErrorCode.STATE, "这件档案已销毁。", status=410)
    return loan, document


def access_records(user, loan: Loan | None = None) -> QuerySet[AccessRecord]:
    require(user, MANAGE, "档案管理")
    records = AccessRecord.objects.select_related("user__account", "document", "loan")
    return records.filter(loan=loan) if loan is not None else records


# --- 鉴定 ---------------------------------------------------------------------------------------


def due_year(item: Document) -> int | None:
    """The first year in which the item may be appraised: the retention counts full years from
    the year after filing (DA/T 22-2015 §6.1); 永久 is never due."""
    years = RETENTION_YEARS.get(item.retention)
    if years is None or not getattr(item, "year", None):
        return None
    return item.year + years + 1


def due_for_appraisal(user, *, today=None) -> list[Document]:
    """Items whose retention has run out and that no decision keeps for now or has destroyed."""
    require(user, MANAGE, "档案管理")
    this_year = (today or timezone.localdate()).year
    kept_until = {
        a.document_id: a.review_year
        for a in Appraisal.objects.filter(
            proposal=Appraisal.Proposal.KEEP, state=Appraisal.State.DONE
        ).order_by("decided_at")
    }
    items = archived_items().filter(destroyed=False).exclude(retention=Retention.PERMANENT)
    due = []
    for item in items.order_by("year", "retention", "org", "item_no"):
        first = due_year(item)
        if first is None or first > this_year:
            continue
        if kept_until.get(item.pk) and kept_until[item.pk] > this_year:
            continue
        item.due_year = first
        item.open_appraisal = Appraisal.objects.filter(
            document=item, state__in=[Appraisal.State.PROPOSED, Appraisal.State.APPROVED]
        ).first()
        due.append(item)
    return due


def appraisals(user) -> QuerySet[Appraisal]:
    if not (has_permission(user, MANAGE) or has_permission(user, APPROVE)):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有“档案鉴定”的权限。", status=403)
    return Appraisal.objects.select_related("document", "proposed_by__account", "decided_by__account")


def get_appraisal(user, pk) -> Appraisal:
    appraisal = appraisals(user).filter(pk=pk).first()
    if appraisal is None:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条鉴定记录。", status=404)
    return appraisal


def destruction_register(user) -> QuerySet[DestructionRecord]:
    if not (has_permission(user, MANAGE) or has_permission(user, APPROVE)):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有“档案鉴定”的权限。", status=403)
    return DestructionRecord.objects.select_related("destroyed_by__account", "appraisal__decided_by__account")


# --- 移交 ---------------------------------------------------------------------------------------


def transfers(user) -> QuerySet[Transfer]:
    require(user, MANAGE, "档案管理")
    return Transfer.objects.select_related("created_by__account", "verified_by__account")


def get_transfer(user, pk) -> Transfer:
    transfer = transfers(user).filter(pk=pk).first()
    if transfer is None:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条移交记录。", status=404)
    return transfer
