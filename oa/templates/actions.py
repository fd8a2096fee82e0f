"""A unit's templates (本单位模板): instantiate from the library, edit, fork, upgrade.

All of these run with the connection on the unit's schema; the library (public schema) is
read through the search_path django-tenants sets ("<unit>, public").
"""

from __future__ import annotations

from django.db import transaction

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Role
from oa.directory.permissions import RESERVED_PERMISSIONS
from oa.templates.flows import check_flow_targets, deploy_flow_template
from oa.templates.models import UnitTemplate
from oa.templates.upgrades import plan_upgrade
from templates_lib.actions import clean_code
from templates_lib.kinds import TemplateKind, is_text_kind
from templates_lib.models import StarterKit, TemplateVersion
from templates_lib.queries import published_version
from templates_lib.validation import checksum, clean_content
from templates_lib.validation.problems import refuse


def _store(template: UnitTemplate, content) -> None:
    if is_text_kind(template.kind):
        template.content_text, template.content_json = content, None
    else:
        template.content_text, template.content_json = "", content
    template.checksum = checksum(template.kind, content)


def _copy_of(version: TemplateVersion) -> UnitTemplate:
    library = version.template
    copy = UnitTemplate(
        kind=library.kind,
        code=library.code,
        name=library.name,
        parent_code=library.code,
        parent_version=version.number,
    )
    _store(copy, version.content)
    return copy


def _roles_from(versions: list[TemplateVersion]) -> list[Role]:
    """The roles the role sets define that the unit does not have yet (by code or name)."""
    existing = set(Role.objects.values_list("code", flat=True)) | set(
        Role.objects.values_list("name", flat=True)
    )
    roles = []
    for version in versions:
        if version.template.kind != TemplateKind.ROLESET:
            continue
        for role in version.content["roles"]:
            if role["code"] in existing or role["name"] in existing:
                continue
            existing |= {role["code"], role["name"]}
            # A role set never brings the three duties' powers (they stay with the built-in roles).
            permissions = sorted(set(role["permissions"]) - RESERVED_PERMISSIONS)
            roles.append(Role(code=role["code"], name=role["name"], permissions=permissions))
    return roles


@transaction.atomic
def instantiate_starter_kit(unit, kit: StarterKit, *, acting_user=None) -> list[UnitTemplate]:
    """Give a newly provisioned unit its starter kit: a copy of every template version the
    kit bundles, and the roles of its role sets (the flows' candidate groups name them).

    Runs inside do_provision_unit's transaction on the unit's schema, so a failure here
    leaves no unit behind. Bulk inserts keep it to a few statements: provisioning is
    benchmarked at ≤ 0.5 s per unit, so the kit's flows are deployed as process definitions
    lazily, the first time someone starts them (oa/templates/flows.py).
    """
    # do_provision_unit prefetches the versions while still on the public schema.
    prefetched = "versions" in getattr(kit, "_prefetched_objects_cache", {})
    versions = list(kit.versions.all() if prefetched else kit.versions.select_related("template"))
    have = set(UnitTemplate.objects.values_list("kind", "code"))
    copies = [_copy_of(v) for v in versions if (v.template.kind, v.template.code) not in have]
    UnitTemplate.objects.bulk_create(copies)
    roles = _roles_from(versions)
    Role.objects.bulk_create(roles)
    record_event(
        "templates.kit_instantiated",
        acting_user=acting_user,
        target_type="templates_lib.starterkit",
        target_id=kit.code,
        summary=f"应用开通套件：{kit.name}（{len(copies)} 个模板，{len(roles)} 个角色）",
        detail={
            "unit": unit.code,
            "templates": [f"{c.kind}:{c.code}@{c.parent_version}" for c in copies],
            "roles": [r.code for r in roles],
        },
    )
    return copies


@transaction.atomic
def do_instantiate_template(
    *, acting_user, kind: str, code: str, version: int | None = None, ip=None
) -> UnitTemplate:
    """Copy a published library template into the unit (one that its kit did not bring)."""
    source = published_version(kind, code, version)
    if source is None:
        raise ActionError(
            ErrorCode.NOT_FOUND, f"模板库中没有已发布的模板“{kind}:{code}”。", field="code", status=404
        )
    if UnitTemplate.objects.filter(kind=kind, code=code).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"本单位已有模板“{code}”。", field="code", status=409)
    template = _copy_of(source)
    template.save()
    deploy_flow_template(template, acting_user=acting_user, ip=ip)
    roles = _roles_from([source])
    Role.objects.bulk_create(roles)
    record_event(
        "templates.instantiated",
        acting_user=acting_user,
        target=template,
        summary=f"从模板库引入：{template.name} 第 {source.number} 版",
        detail={"kind": kind, "code": code, "version": source.number, "roles": [r.code for r in roles]},
        ip=ip,
    )
    return template


@transaction.atomic
def do_edit_unit_template(
    template: UnitTemplate, *, acting_user, content=None, name=None, ip=None
) -> UnitTemplate:
    template = UnitTemplate.objects.select_for_update().get(pk=template.pk)
    changed = []
    if name is not None:
        name = (name or "").strip()
        if not name:
            raise ActionError(ErrorCode.REQUIRED, "模板名称不能为空。", field="name")
        if len(name) > 100:
            raise ActionError(ErrorCode.INVALID, "模板名称不超过 100 个字符。", field="name")
        if name != template.name:
            template.name = name
            changed.append("name")
    if content is not None:
        before = template.checksum
        _store(template, clean_content(template.kind, content))
        if template.checksum != before:
            template.edited = True
            changed.append("content")
    template.save()
    if "content" in changed and template.kind == TemplateKind.FLOW:
        check_flow_targets(template)
    if "content" in changed and template.kind == TemplateKind.NUMBERING:
        check_numbering_collisions(template)
    if changed:
        deploy_flow_template(template, acting_user=acting_user, ip=ip)
    record_event(
        "templates.edited",
        acting_user=acting_user,
        target=template,
        summary=f"修改本单位模板：{template.name}",
        detail={"changed": changed, "checksum": template.checksum},
        ip=ip,
    )
    return template


def _number_format(content: dict) -> str:
    return (content.get("pattern") or "").replace("{机关代字}", (content.get("agency_abbr") or "").strip())


def check_numbering_collisions(template: UnitTemplate) -> None:
    """Refuse a numbering rule that would print the same numbers as another rule of the unit
    for the same purpose (two series both giving 思政办〔2026〕1号 would be 重号)."""
    content = template.content_json or {}
    mine = _number_format(content)
    for other in UnitTemplate.objects.filter(kind=TemplateKind.NUMBERING).exclude(pk=template.pk):
        theirs = other.content_json or {}
        if theirs.get("purpose") == content.get("purpose") and _number_format(theirs) == mine:
            raise ActionError(
                ErrorCode.TEMPLATE_INVALID,
                f"编号规则与“{other.name}”（{other.code}）生成的编号格式相同（{mine}），会出现重号，"
                "请修改格式或机关代字。",
                field="content",
            )


@transaction.atomic
def do_fork_unit_template(
    source: UnitTemplate, *, acting_user, code: str, name: str, ip=None
) -> UnitTemplate:
    """A variant of a template under a new code (e.g. 请假 → 病假), with the same parent,
    so library upgrades still merge into it."""
    code = clean_code(code)
    name = (name or "").strip()
    if not name:
        raise ActionError(ErrorCode.REQUIRED, "模板名称不能为空。", field="name")
    if UnitTemplate.objects.filter(kind=source.kind, code=code).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"本单位已有代码为“{code}”的模板。", field="code", status=409)
    fork = UnitTemplate(
        kind=source.kind,
        code=code,
        name=name[:100],
        parent_code=source.parent_code,
        parent_version=source.parent_version,
        forked=True,
        edited=source.edited,
    )
    _store(fork, source.content)
    fork.save()
    deploy_flow_template(fork, acting_user=acting_user, ip=ip)
    record_event(
        "templates.forked",
        acting_user=acting_user,
        target=fork,
        summary=f"另存模板：{source.name} → {fork.name}（{code}）",
        detail={"source": source.code, "kind": source.kind},
        ip=ip,
    )
    return fork


@transaction.atomic
def do_upgrade_unit_template(
    template: UnitTemplate,
    *,
    acting_user,
    version: int | None = None,
    resolutions: dict[str, str] | None = None,
    ip=None,
) -> UnitTemplate:
    """Move to a newer library version, keeping the unit's edits (three-way merge).

    Refused with merge_conflict (409), listing the conflicts, until each has a resolution.
    """
    template = UnitTemplate.objects.select_for_update().get(pk=template.pk)
    plan = plan_upgrade(template, version=version, resolutions=resolutions)
    merge = plan.merge
    if merge.unresolved:
        conflicts = [c.as_dict(merge.resolutions) for c in merge.conflicts]
        raise ActionError(
            ErrorCode.MERGE_CONFLICT,
            f"有 {len(merge.unresolved)} 处冲突需要选择保留本单位的修改（ours）还是新版本（theirs）。",
            field="resolutions",
            errors=[{"field": "resolutions", "code": str(ErrorCode.MERGE_CONFLICT), **c} for c in conflicts],
            status=409,
        )
    refuse(merge.problems)
    content = clean_content(template.kind, merge.content)
    previous = template.parent_version
    _store(template, content)
    template.parent_version = plan.target.number
    # Still "edited" when the unit's changes survived the merge.
    template.edited = template.checksum != plan.target.checksum
    template.save()
    deploy_flow_template(template, acting_user=acting_user, ip=ip)
    record_event(
        "templates.upgraded",
        acting_user=acting_user,
        target=template,
        summary=f"升级本单位模板：{template.name} 第 {previous} 版 → 第 {plan.target.number} 版",
        detail={
            "from": previous,
            "to": plan.target.number,
            "resolutions": merge.resolutions,
            "kept_edits": template.edited,
        },
        ip=ip,
    )
    return template
