"""Template library actions (模板库): the only code that writes templates, versions and kits.

Provider staff on the console and the built-in loader (templates_lib/loading.py) both come
through here, so every version is validated and every change audited the same way.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oa.core.audit import actor_label, record_event
from oa.core.errors import ActionError, ErrorCode
from templates_lib.kinds import TemplateKind, is_text_kind
from templates_lib.models import StarterKit, Template, TemplateVersion
from templates_lib.validation import checksum, clean_content
from tenants.modules import BY_CODE, DEFAULT_MODULES, UNIT_KINDS

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
UNIT_KIND_CODES = {k.code for k in UNIT_KINDS}


def _user(acting_user):
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


def clean_code(code: str, *, field: str = "code") -> str:
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ActionError(
            ErrorCode.INVALID,
            "代码须以小写字母开头，只含小写字母、数字、_ 和 -，长度 2–40。",
            field=field,
        )
    return code


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(ErrorCode.REQUIRED, f"{label}不能为空。", field=field)
    if len(value) > max_length:
        raise ActionError(ErrorCode.INVALID, f"{label}不超过 {max_length} 个字符。", field=field)
    return value


def _clean_module(module: str) -> str:
    module = (module or "").strip()
    if module and module not in BY_CODE:
        raise ActionError(ErrorCode.INVALID, f"未知的模块“{module}”。", field="module")
    return module


# --- templates ----------------------------------------------------------------------------


@transaction.atomic
def do_create_template(
    *,
    acting_user,
    kind: str,
    code: str,
    name: str,
    description: str = "",
    module: str = "",
    builtin: bool = False,
    ip=None,
) -> Template:
    if kind not in TemplateKind.values:
        raise ActionError(ErrorCode.INVALID, f"未知的模板类型“{kind}”。", field="kind")
    code = clean_code(code)
    name = _clean_text(name, field="name", label="模板名称", max_length=100)
    if Template.objects.filter(kind=kind, code=code).exists():
        raise ActionError(
            ErrorCode.DUPLICATE,
            f"已有代码为“{code}”的{TemplateKind(kind).label}模板。",
            field="code",
            status=409,
        )
    template = Template.objects.create(
        kind=kind,
        code=code,
        name=name,
        description=(description or "").strip(),
        module=_clean_module(module),
        builtin=builtin,
    )
    record_event(
        "templates.template_created",
        acting_user=acting_user,
        target=template,
        summary=f"新建{template.get_kind_display()}模板：{name}（{code}）",
        detail={"kind": kind, "code": code},
        ip=ip,
    )
    return template


@transaction.atomic
def do_update_template(
    template: Template,
    *,
    acting_user,
    name: str | None = None,
    description: str | None = None,
    module: str | None = None,
    ip=None,
) -> Template:
    changes = {}
    if name is not None:
        name = _clean_text(name, field="name", label="模板名称", max_length=100)
        if name != template.name:
            changes["name"] = [template.name, name]
            template.name = name
    if description is not None and description.strip() != template.description:
        changes["description"] = [template.description, description.strip()]
        template.description = description.strip()
    if module is not None:
        module = _clean_module(module)
        if module != template.module:
            changes["module"] = [template.module, module]
            template.module = module
    if changes:
        template.save(update_fields=["name", "description", "module", "updated_at"])
        record_event(
            "templates.template_updated",
            acting_user=acting_user,
            target=template,
            summary=f"修改模板：{template.name}（{template.code}）",
            detail=changes,
            ip=ip,
        )
    return template


# --- versions -----------------------------------------------------------------------------


def _store(version: TemplateVersion, kind: str, content) -> None:
    if is_text_kind(kind):
        version.content_text, version.content_json = content, None
    else:
        version.content_text, version.content_json = "", content
    version.checksum = checksum(kind, content)


@transaction.atomic
def do_add_draft_version(
    template: Template, *, acting_user, content, notes: str = "", ip=None
) -> TemplateVersion:
    """A new draft (草稿) version: validated now, published (and frozen) later."""
    clean = clean_content(template.kind, content)
    # Lock the template so two uploads cannot take the same number.
    Template.objects.select_for_update().filter(pk=template.pk).first()
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TemplateVersion(
        template=template,
        number=number,
        notes=(notes or "").strip(),
        created_by=_user(acting_user),
        created_by_name=actor_label(acting_user),
    )
    _store(version, template.kind, clean)
    version.save()
    record_event(
        "templates.version_drafted",
        acting_user=acting_user,
        target=version,
        summary=f"上传模板草稿：{template.name} 第 {number} 版",
        detail={"template": template.code, "kind": template.kind, "checksum": version.checksum},
        ip=ip,
    )
    return version


def _refuse_if_published(version: TemplateVersion) -> None:
    if version.is_published:
        raise ActionError(
            ErrorCode.STATE,
            f"第 {version.number} 版已发布，已发布的版本不能修改；请上传新的草稿版本。",
            field="state",
            status=409,
        )


@transaction.atomic
def do_update_draft_version(
    version: TemplateVersion, *, acting_user, content=None, notes: str | None = None, ip=None
) -> TemplateVersion:
    version = TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    _refuse_if_published(version)
    if content is not None:
        _store(version, version.template.kind, clean_content(version.template.kind, content))
    if notes is not None:
        version.notes = notes.strip()
    version.save(update_fields=["content_text", "content_json", "checksum", "notes"])
    record_event(
        "templates.version_updated",
        acting_user=acting_user,
        target=version,
        summary=f"修改模板草稿：{version.template.name} 第 {version.number} 版",
        detail={"checksum": version.checksum},
        ip=ip,
    )
    return version


@transaction.atomic
def do_publish_version(version: TemplateVersion, *, acting_user, ip=None) -> TemplateVersion:
    """Publish a draft: from now on it never changes (units merge against it).

    Starter kits bundling an older version of the same template move to this one, so new
    units get the latest published version; units already provisioned are offered it as an
    upgrade instead.
    """
    version = TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    _refuse_if_published(version)
    template = version.template
    newer = template.versions.filter(state=TemplateVersion.State.PUBLISHED, number__gt=version.number)
    if newer.exists():
        raise ActionError(
            ErrorCode.STATE,
            f"已有更新的已发布版本（第 {newer.order_by('-number').first().number} 版），不能再发布第 {version.number} 版。",
            field="state",
            status=409,
        )
    # Validators may have grown stricter since the draft was uploaded.
    clean_content(template.kind, version.content)
    version.state = TemplateVersion.State.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_at"])
    moved = []
    for kit in StarterKit.objects.filter(versions__template=template).exclude(versions=version).distinct():
        old = kit.versions.filter(template=template)
        kit.versions.remove(*old)
        kit.versions.add(version)
        moved.append(kit.code)
    record_event(
        "templates.version_published",
        acting_user=acting_user,
        target=version,
        summary=f"发布模板：{template.name} 第 {version.number} 版",
        detail={
            "template": template.code,
            "kind": template.kind,
            "checksum": version.checksum,
            "kits": moved,
        },
        ip=ip,
    )
    return version


# --- starter kits -------------------------------------------------------------------------


@transaction.atomic
def do_save_starter_kit(
    *,
    acting_user,
    code: str,
    name: str,
    unit_kind: str,
    modules: list[str],
    versions: list[TemplateVersion],
    description: str = "",
    also_suits: list[str] | None = None,
    builtin: bool = False,
    ip=None,
) -> tuple[StarterKit, bool]:
    """Create or update a starter kit (开通套件). Returns (kit, changed)."""
    code = clean_code(code)
    name = _clean_text(name, field="name", label="套件名称", max_length=100)
    also_suits = list(also_suits or [])
    for kind in [unit_kind, *also_suits]:
        if kind not in UNIT_KIND_CODES:
            raise ActionError(ErrorCode.INVALID, f"未知的单位类型“{kind}”。", field="unit_kind")
    unknown = [m for m in modules if m not in BY_CODE]
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"未知的模块：{', '.join(unknown)}。", field="modules")
    modules = [m for m in DEFAULT_MODULES if m in modules]
    drafts = [v for v in versions if not v.is_published]
    if drafts:
        raise ActionError(
            ErrorCode.STATE,
            f"套件只能包含已发布的模板版本（{drafts[0].template.code} 第 {drafts[0].number} 版是草稿）。",
            field="versions",
        )
    if len({v.template_id for v in versions}) != len(versions):
        raise ActionError(ErrorCode.INVALID, "同一模板在套件中只能出现一个版本。", field="versions")
    clash = StarterKit.objects.filter(unit_kind=unit_kind).exclude(code=code).first()
    if clash is not None:
        raise ActionError(
            ErrorCode.DUPLICATE,
            f"单位类型“{unit_kind}”已有开通套件“{clash.name}”。",
            field="unit_kind",
            status=409,
        )
    kit = StarterKit.objects.filter(code=code).first()
    created = kit is None
    fields = {
        "name": name,
        "description": (description or "").strip(),
        "unit_kind": unit_kind,
        "also_suits": also_suits,
        "modules": modules,
        "builtin": builtin,
    }
    if created:
        kit = StarterKit.objects.create(code=code, **fields)
    before = {f: getattr(kit, f) for f in fields}
    before_versions = set(kit.versions.values_list("pk", flat=True))
    after_versions = {v.pk for v in versions}
    changes = {f: [before[f], value] for f, value in fields.items() if before[f] != value}
    if not created and not changes and before_versions == after_versions:
        return kit, False
    for f, value in fields.items():
        setattr(kit, f, value)
    kit.save()
    kit.versions.set(versions)
    record_event(
        "templates.kit_created" if created else "templates.kit_updated",
        acting_user=acting_user,
        target=kit,
        summary=f"{'新建' if created else '修改'}开通套件：{name}（{code}）",
        detail={
            "changes": changes if not created else {},
            "versions": sorted(f"{v.template.kind}:{v.template.code}@{v.number}" for v in versions),
        },
        ip=ip,
    )
    return kit, True
