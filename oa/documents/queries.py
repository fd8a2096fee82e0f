"""Who may see which document, and the reads built on that (lists, registers, search, trail).

A unit member sees a document when they drafted or registered it, take part in its flow
(started it, handled or may handle a step of it, had it circulated to them), or belong to its
lead or helper department. Holders of the office-wide document permissions (registering,
reviewing, signing, instructing, archiving) see the unit's registers whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from oa.core.errors import ActionError, ErrorCode
from oa.directory.queries import department_ids_of, permissions_of
from oa.documents import search
from oa.documents.models import Direction, Document, DocumentEvent, DocumentFile
from oa.workflow.models import CirculationRecord, HumanTask, ProcessInstance, TaskEvent
from oa.workflow.queries import handler_q

# Lists count exactly up to this many rows, then estimate (count_documents).
EXACT_COUNT_UP_TO = 10_000
# A search ranks and pages its newest this-many matches (search_documents), looking for them
# among this many newest documents first (_newest).
RANK_WINDOW = 500
RECENT_DOCUMENTS = 20_000
# A reader who sees up to this many documents has them tested one by one (search_documents).
TEST_EACH_UP_TO = 20_000

# Permissions whose holders see every document of the unit (the registers are theirs).
OFFICE_WIDE = frozenset(
    {
        "documents.register",
        "documents.receive",
        "documents.review",
        "documents.sign",
        "documents.instruct",
        "documents.archive",
    }
)


def sees_all(user) -> bool:
    return bool(permissions_of(user) & OFFICE_WIDE)


def visible_q(user) -> Q:
    """Documents `user` may see, as one condition (EXISTS sub-selects, no joins)."""
    if sees_all(user):
        return Q()
    instance = OuterRef("process_instance_id")
    handled = HumanTask.objects.filter(instance_id=instance, completed_by_id=user.pk)
    may_handle = HumanTask.objects.filter(handler_q(user), instance_id=instance, state=HumanTask.State.OPEN)
    circulated = CirculationRecord.objects.filter(instance_id=instance, recipient_id=user.pk)
    helpers = Document.helper_departments.through.objects.filter(
        document_id=OuterRef("pk"), department_id__in=department_ids_of(user.pk)
    )
    return (
        Q(drafter_id=user.pk)
        | Q(process_instance__starter_id=user.pk)
        | Q(Exists(handled))
        | Q(Exists(may_handle))
        | Q(Exists(circulated))
        | Q(lead_department_id__in=department_ids_of(user.pk))
        | Q(Exists(helpers))
    )


def visible_ids(user) -> QuerySet:
    """The ids of the documents `user` may see (visible_q's conditions), as one UNION ALL of
    lookups on the user's own rows, each served by an index."""
    departments = department_ids_of(user.pk)
    instances = (
        ProcessInstance.objects.filter(starter_id=user.pk)
        .order_by()
        .values("pk")
        .union(
            HumanTask.objects.filter(completed_by_id=user.pk).order_by().values("instance_id"),
            HumanTask.objects.filter(handler_q(user), state=HumanTask.State.OPEN)
            .order_by()
            .values("instance_id"),
            CirculationRecord.objects.filter(recipient_id=user.pk).order_by().values("instance_id"),
            all=True,
        )
    )
    return (
        Document.objects.filter(drafter_id=user.pk)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Document.objects.filter(lead_department_id__in=departments).order_by().values("pk"),
            Document.helper_departments.through.objects.filter(department_id__in=departments)
            .order_by()
            .values("document_id"),
            Document.objects.filter(process_instance_id__in=instances).order_by().values("pk"),
            all=True,
        )
    )


def visible_documents(user) -> QuerySet[Document]:
    """The documents `user` may see, for lists and search.

    visible_q's OR of EXISTS tests would run for every document of the unit (1.8 s at 310,000
    documents, bench/documents.py). Instead the user's ids are read once (visible_ids) and
    passed back as one constant array, which PostgreSQL hashes: a page walks the newest
    documents until it has its 20, the count probes the primary key."""
    return _visible(user)[0]


def _visible(user) -> tuple[QuerySet[Document], int | None]:
    """visible_documents, and how many they are (None: the whole unit)."""
    if sees_all(user):
        return Document.objects.all(), None
    ids = sorted(set(visible_ids(user)))
    return Document.objects.filter(_AnyOf(F("pk"), _ids(ids))), len(ids)


def _ids(ids: list[int]) -> Func:
    # One '{1,2,...}'::bigint[] literal: Django would prepare a list parameter element by
    # element (20 ms for a staff member's 7,500 documents).
    return Func(
        Value("{" + ",".join(str(int(i)) for i in ids) + "}"),
        template="%(expressions)s::bigint[]",
        output_field=ArrayField(BigIntegerField()),
    )


class _TsMatch(Func):
    """`vector @@ query` as a function call, which no index serves."""

    function = "ts_match_vq"
    output_field = BooleanField()


class _AnyOf(Func):
    """`expression = ANY(array)`, as a condition."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def get_document_for_user(user, pk) -> Document:
    document = (
        Document.objects.select_related(
            "drafter__account", "department", "lead_department", "process_instance"
        )
        .filter(visible_q(user), pk=pk)
        .first()
    )
    if document is None:
        raise ActionError(ErrorCode.NOT_FOUND, "公文不存在或无权查看。", status=404)
    return document


def get_file_for_user(user, document_pk, file_pk) -> DocumentFile:
    document = get_document_for_user(user, document_pk)
    file = DocumentFile.objects.filter(document=document, pk=file_pk).first()
    if file is None:
        raise ActionError(ErrorCode.NOT_FOUND, "文件不存在。", status=404)
    return file


def live_files(document: Document) -> QuerySet[DocumentFile]:
    return document.files.filter(removed_at__isnull=True).select_related("uploaded_by__account")


def trail(document: Document) -> list[dict]:
    """The document's history (流转记录): its own events and its flow's, in time order."""
    rows = [
        {
            "at": e.at,
            "source": "document",
            "action": e.action,
            "action_label": DocumentEvent.Action(e.action).label,
            "actor": e.actor.account.display_name if e.actor_id and hasattr(e.actor, "account") else "",
            "step": "",
            "outcome": "",
            "opinion": "",
            "summary": e.summary,
        }
        for e in document.events.select_related("actor__account")
    ]
    if document.process_instance_id:
        for e in TaskEvent.objects.filter(instance_id=document.process_instance_id):
            rows.append(
                {
                    "at": e.at,
                    "source": "flow",
                    "action": e.action,
                    "action_label": TaskEvent.Action(e.action).label,
                    "actor": e.actor_name,
                    "step": e.step,
                    "outcome": e.outcome,
                    "opinion": e.opinion,
                    "summary": "",
                }
            )
    rows.sort(key=lambda r: r["at"])
    return rows


def opinions(document: Document) -> list[dict]:
    """批示意见: every step's opinion, for the 稿纸/处理笺."""
    return [r for r in trail(document) if r["source"] == "flow" and r["opinion"]]


# --- lists, registers and search ----------------------------------------------------------------


@dataclass
class DocumentFilters:
    direction: str = ""
    doc_type: str = ""
    state: str = ""
    year: int | None = None
    department: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    mine: bool = False


def _filtered(qs: QuerySet, f: DocumentFilters, user) -> QuerySet:
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.doc_type:
        qs = qs.filter(doc_type=f.doc_type)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.year:
        qs = qs.filter(created_at__year=f.year)
    if f.department:
        qs = qs.filter(Q(department_id=f.department) | Q(lead_department_id=f.department))
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    if f.mine:
        qs = qs.filter(drafter_id=user.pk)
    return qs


def list_documents(user, filters: DocumentFilters) -> QuerySet[Document]:
    return list_with_count(user, filters)[0]


def list_with_count(user, filters: DocumentFilters) -> tuple[QuerySet[Document], tuple[int, bool] | None]:
    """The list, newest first, and its (count, exact) when it is known without counting: a
    reader's whole list is the ids visible_documents read (None: count_documents counts)."""
    visible, how_many = _visible(user)
    known = (how_many, True) if how_many is not None and filters == DocumentFilters() else None
    qs = _filtered(visible, filters, user)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(doc_number__icontains=filters.q))
    qs = qs.select_related("drafter__account", "department", "lead_department").defer("search_vector")
    return qs.order_by("-created_at", "-id"), known


def register(user, direction: str, filters: DocumentFilters) -> QuerySet[Document]:
    """发文登记簿 / 收文登记簿: the office's register, in registration order."""
    if direction not in Direction.values:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这种登记簿。", status=404)
    if not sees_all(user):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有查看登记簿的权限。", status=403)
    filters.direction = direction
    return list_documents(user, filters)


def _search_query(query: str) -> SearchQuery:
    text = search.tsquery(query)
    if not text:
        raise ActionError(ErrorCode.REQUIRED, "请输入检索词。", field="q")
    return SearchQuery(text, search_type="raw", config="simple")


@dataclass
class SearchResult:
    documents: QuerySet[Document]  # ranked, best first
    count: int  # of `documents`
    count_exact: bool  # false: more documents match (the newest RANK_WINDOW are ranked)


def search_documents(user, query: str, filters: DocumentFilters) -> QuerySet[Document]:
    """Documents matching every word of `query` that the user may see, best first (see
    search_with_count)."""
    return search_with_count(user, query, filters).documents


def search_with_count(user, query: str, filters: DocumentFilters) -> SearchResult:
    """Documents matching every word of `query` that the user may see, best first, and how
    many.

    Testing a document against the query or ranking it reads its 2 KB search vector; that is
    cheap for a few thousand matches and takes seconds for a word like 安全 or 通知, which
    half of a unit's documents contain (bench/documents.py). So the newest
    RANK_WINDOW matches are ranked and paged, which is all of them unless the query is that
    common; then count_exact is false: more documents match than are shown."""
    tsq = _search_query(query)
    filters.q = ""
    visible, how_many = _visible(user)
    if how_many is not None and how_many <= TEST_EACH_UP_TO:
        # A reader's own documents are tested one by one (the function, not the operator, so
        # that the planner does not take the index): it takes the words of one jieba-split
        # term (责任分工表: 责任, 分工, 表) as independent, guesses a few hundred matches in the
        # unit where there are 27,000, and would read them all to keep the reader's 650.
        match = Q(_TsMatch(F("search_vector"), tsq))
    else:
        match = Q(search_vector=tsq)
    matches = _filtered(visible, filters, user).filter(match)
    newest = _newest(matches, whole_unit=how_many is None)
    documents = (
        Document.objects.filter(_AnyOf(F("pk"), _ids(newest[:RANK_WINDOW])))
        .annotate(rank=SearchRank(F("search_vector"), tsq))
        .select_related("drafter__account", "department", "lead_department")
        .defer("search_vector")
        .prefetch_related(Prefetch("files", queryset=_searched_files(), to_attr="searched_files"))
        .order_by("-rank", "-created_at", "-id")
    )
    return SearchResult(documents, min(len(newest), RANK_WINDOW), len(newest) <= RANK_WINDOW)


def _newest(matches: QuerySet[Document], *, whole_unit: bool) -> list[int]:
    """The ids of the newest RANK_WINDOW + 1 matches.

    Over the whole unit they are looked for among the newest RECENT_DOCUMENTS documents first,
    which is where a common word's are: the planner estimates the words of one query term
    (责任分工表: 责任, 分工, 表) as independent and, guessing a few hundred matches where there
    are 27,000, reads every match to sort them (150 ms); within a bounded range either of its
    plans is cheap. A reader's own documents are few enough to be read directly."""

    def first(qs: QuerySet[Document]) -> list[int]:
        return list(qs.order_by("-created_at", "-id").values_list("pk", flat=True)[: RANK_WINDOW + 1])

    if whole_unit:
        recent = Document.objects.order_by("-created_at").values_list("created_at", flat=True)
        since = next(iter(recent[RECENT_DOCUMENTS - 1 : RECENT_DOCUMENTS]), None)
        if since is not None:
            found = first(matches.filter(created_at__gte=since))
            if len(found) > RANK_WINDOW:
                return found
    return first(matches)


def count_documents(qs: QuerySet, *, exact_up_to: int | None = None) -> tuple[int, bool]:
    """(count, exact) for a list's pagination. Counting 260,000 rows of a register exactly
    costs a scan of them on every page (70–400 ms); past `exact_up_to` rows the count is the
    planner's estimate (within a few per cent for the registers' filters), which the list
    shows as approximate (约)."""
    exact_up_to = exact_up_to or EXACT_COUNT_UP_TO
    qs = qs.order_by()
    capped = qs.values("pk")[: exact_up_to + 1].count()
    if capped <= exact_up_to:
        return capped, True
    return max(_estimated_rows(qs), capped), False


def _estimated_rows(qs: QuerySet) -> int:
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _searched_files() -> QuerySet[DocumentFile]:
    return DocumentFile.objects.filter(removed_at__isnull=True).exclude(role=DocumentFile.Role.RENDERED)


def hits(document: Document, query: str) -> dict:
    """Where the query's words appear: highlighted title, body and attachment snippets."""
    title = search.highlight(document.title, query, width=400, limit=1)
    # search_documents prefetches them for the whole page.
    searched = getattr(document, "searched_files", None)
    files = [
        {"file": f.pk, "name": f.name, "snippets": snippets}
        for f in (searched if searched is not None else _searched_files().filter(document=document))
        if (snippets := search.highlight(f"{f.name} {f.text}", query, limit=2))
    ]
    return {
        "title": title[0] if title else "",
        "body": search.highlight(document.body_text, query),
        "files": files,
    }


def directions() -> list[str]:
    return list(Direction.values)
