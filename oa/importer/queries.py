"""Reads for the import page: runs, their quarantine, and the documents they imported.

Only holders of importer.manage get here (the API checks it); within that, a unit's runs are
all visible to all of them, since importing is an office-wide job.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from oa.core.errors import ActionError, ErrorCode
from oa.documents import search
from oa.documents.models import Document
from oa.importer.models import ImportedRecord, ImportRun, QuarantineItem


def list_runs() -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.select_related("created_by__account")
        .annotate(
            quarantined_open=Count("quarantine", filter=Q(quarantine__resolved=False)),
            quarantined_resolved=Count("quarantine", filter=Q(quarantine__resolved=True)),
        )
        .order_by("-created_at", "-id")
    )


def get_run(pk) -> ImportRun:
    run = list_runs().filter(pk=pk).first()
    if run is None:
        raise ActionError(ErrorCode.NOT_FOUND, "导入记录不存在。", status=404)
    return run


def quarantine_of(run: ImportRun, *, reason: str = "", rule: str = "", resolved: bool | None = None):
    qs = QuarantineItem.objects.filter(run=run).select_related("document")
    if reason:
        qs = qs.filter(reason=reason)
    if rule:
        qs = qs.filter(rule=rule)
    if resolved is not None:
        qs = qs.filter(resolved=resolved)
    return qs.order_by("index")


def get_quarantine_item(pk) -> QuarantineItem:
    item = QuarantineItem.objects.select_related("run", "document").filter(pk=pk).first()
    if item is None:
        raise ActionError(ErrorCode.NOT_FOUND, "隔离记录不存在。", status=404)
    return item


def problems_by_rule(run: ImportRun) -> dict[str, dict[str, int]]:
    """{form rule: {reason: n}} for the report."""
    out: dict[str, dict[str, int]] = {}
    rows = QuarantineItem.objects.filter(run=run).values_list("rule", "reason").annotate(n=Count("id"))
    for rule, reason, n in rows:
        out.setdefault(rule, {})[reason] = n
    return out


def imported_documents(*, run: ImportRun | None = None, query: str = "") -> QuerySet[Document]:
    """Documents that came from legacy systems (those a run last touched, if given), best match
    first when a query is given (the 办文 full-text search, so what is found here is found there)."""
    qs = Document.objects.exclude(legacy_id="")
    if run is not None:
        qs = qs.filter(pk__in=ImportedRecord.objects.filter(last_run=run).values("document_id"))
    text = search.tsquery(query) if query.strip() else ""
    if text:
        from django.contrib.postgres.search import SearchQuery, SearchRank
        from django.db.models import F

        tsq = SearchQuery(text, search_type="raw", config="simple")
        return (
            qs.filter(search_vector=tsq)
            .annotate(rank=SearchRank(F("search_vector"), tsq))
            .order_by("-rank", "-created_at", "-id")
        )
    return qs.order_by("-created_at", "-id")


def available_mappings() -> list[dict]:
    """The mappings a run may use: the unit's own, then the library's it has no copy of."""
    from oa.templates.models import UnitTemplate
    from templates_lib.kinds import TemplateKind
    from templates_lib.models import Template, TemplateVersion

    out = []
    own = set()
    for template in UnitTemplate.objects.filter(kind=TemplateKind.MAPPING).order_by("code"):
        own.add(template.code)
        content = template.content_json if isinstance(template.content_json, dict) else {}
        out.append({"code": template.code, "name": template.name, "origin": "unit", "rules": _rules(content)})
    published = TemplateVersion.State.PUBLISHED
    for template in Template.objects.filter(kind=TemplateKind.MAPPING).exclude(code__in=own).order_by("code"):
        version = template.versions.filter(state=published).order_by("-number").first()
        if version is not None:
            out.append(
                {
                    "code": template.code,
                    "name": template.name,
                    "origin": "library",
                    "rules": _rules(version.content_json),
                }
            )
    return out


def _rules(content: dict) -> list[str]:
    return [form.get("name", "") for form in (content or {}).get("forms", [])]
