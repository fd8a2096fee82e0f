"""Reads of the library. Units read it too: the public schema is on every unit's search_path."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from templates_lib.models import StarterKit, Template, TemplateVersion

PUBLISHED = TemplateVersion.State.PUBLISHED


def list_templates(*, kind: str | None = None) -> QuerySet[Template]:
    qs = Template.objects.annotate(
        version_count=Count("versions"),
        latest_version=Max("versions__number"),
        latest_published=Max("versions__number", filter=Q(versions__state=PUBLISHED)),
    ).order_by("kind", "code")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def latest_published(template: Template) -> TemplateVersion | None:
    return template.versions.filter(state=PUBLISHED).order_by("-number").first()


def published_version(kind: str, code: str, number: int | None = None) -> TemplateVersion | None:
    """A published version of the library template (kind, code): `number`, or the latest."""
    qs = TemplateVersion.objects.select_related("template").filter(
        template__kind=kind, template__code=code, state=PUBLISHED
    )
    if number is not None:
        return qs.filter(number=number).first()
    return qs.order_by("-number").first()


def latest_published_numbers() -> dict[tuple[str, str], int]:
    """(kind, code) -> latest published version number, for every library template."""
    rows = (
        TemplateVersion.objects.filter(state=PUBLISHED)
        .values_list("template__kind", "template__code")
        .annotate(n=Max("number"))
    )
    return {(kind, code): n for kind, code, n in rows}


def starter_kit_for(unit_kind: str) -> StarterKit | None:
    """The kit a new unit of this kind starts with: the kit made for the kind, else one that
    also suits it (e.g. the city government office starts from the district office kit)."""
    kit = StarterKit.objects.filter(unit_kind=unit_kind).first()
    if kit is None:
        kit = StarterKit.objects.filter(also_suits__contains=[unit_kind]).order_by("code").first()
    return kit


def list_starter_kits() -> QuerySet[StarterKit]:
    # The kits list what they bundle, not the bundled contents.
    versions = TemplateVersion.objects.select_related("template").defer("content_text", "content_json")
    return StarterKit.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("code")
