"""Reads of a unit's templates."""

from __future__ import annotations

from django.db.models import QuerySet

from oa.templates.models import UnitTemplate
from templates_lib.queries import list_templates


def list_unit_templates(*, kind: str | None = None) -> QuerySet[UnitTemplate]:
    # Lists never show the content (BPMN runs to tens of kilobytes).
    qs = UnitTemplate.objects.defer("content_text", "content_json").order_by("kind", "code")
    return qs.filter(kind=kind) if kind else qs


def get_unit_template(pk: int) -> UnitTemplate | None:
    return UnitTemplate.objects.filter(pk=pk).first()


def library_for_unit() -> list[dict]:
    """Published library templates a unit admin may bring in, and whether the unit has them."""
    installed = set(UnitTemplate.objects.values_list("kind", "code"))
    return [
        {
            "kind": t.kind,
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "module": t.module,
            "latest_version": t.latest_published,
            "installed": (t.kind, t.code) in installed,
        }
        for t in list_templates()
        if t.latest_published
    ]
