"""Unit lifecycle actions (开通、停用、启用、删除) and provider accounts, in the public schema."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from oa.core.actions import create_user_account
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.actions import create_staff, generate_password
from oa.directory.models import Role
from oa.directory.permissions import SYSADMIN
from oa.templates.actions import instantiate_starter_kit
from templates_lib.models import StarterKit, TemplateVersion
from templates_lib.queries import starter_kit_for
from tenants.models import Domain, Unit
from tenants.modules import BY_CODE, DEFAULT_MODULES, UNIT_KINDS
from tenants.provisioning import clone_template_schema, drop_schema

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,29}$")
RESERVED_CODES = frozenset(
    {
        "public",
        "www",
        "api",
        "admin",
        "static",
        "media",
        "console",
        "template",
        "localhost",
        "mail",
        "hub",
        "exchange",
        "information_schema",
        "test",
        "default",
    }
)


def validate_unit_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise ActionError(ErrorCode.REQUIRED, "单位代码不能为空。", field="code")
    if not CODE_PATTERN.match(code):
        raise ActionError(
            ErrorCode.INVALID,
            "单位代码须以小写字母开头，只含小写字母和数字，长度 2–30（它将用作访问地址 <代码>.域名 和数据库模式名）。",
            field="code",
        )
    if code in RESERVED_CODES or code == settings.OA_TEMPLATE_SCHEMA or code.startswith("pg"):
        raise ActionError(ErrorCode.RESERVED, f"“{code}”是保留字，不能用作单位代码。", field="code")
    return code


def validate_unit_fields(*, name: str, kind: str, modules: list[str] | None) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise ActionError(ErrorCode.REQUIRED, "单位名称不能为空。", field="name")
    if len(name) > 100:
        raise ActionError(ErrorCode.INVALID, "单位名称不超过 100 个字符。", field="name")
    if kind not in {k.code for k in UNIT_KINDS}:
        raise ActionError(ErrorCode.INVALID, f"未知的单位类型“{kind}”。", field="kind")
    if modules is None:
        modules = list(DEFAULT_MODULES)
    unknown = [m for m in modules if m not in BY_CODE]
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"未知的模块：{', '.join(unknown)}。", field="modules")
    return name, kind, [m for m in DEFAULT_MODULES if m in modules]


ADMIN_FIELDS = {
    "username": "admin_username",
    "display_name": "admin_display_name",
    "password": "admin_password",
}


@dataclass
class ProvisionResult:
    unit: Unit
    created: bool
    admin_username: str
    admin_password: str | None  # only when generated here; shown once


def do_provision_unit(
    *,
    acting_user,
    code: str,
    name: str,
    kind: str = "district_office",
    admin_username: str = "admin",
    admin_display_name: str = "单位管理员",
    admin_password: str | None = None,
    modules: list[str] | None = None,
    starter_kit: str | None = None,
    if_exists: str = "error",
    ip: str | None = None,
) -> ProvisionResult:
    """Create a unit: its registry row and host, its schema (cloned from the template), its
    starter kit's templates and roles, and its first administrator (系统管理员), all in one
    transaction.

    The starter kit is the one named, else the one for the unit's kind; its modules are the
    unit's unless `modules` is given. With if_exists="skip", provisioning an existing unit
    of the same name does nothing, which makes the command line and demo set-up idempotent.
    """
    code = validate_unit_code(code)
    kit = choose_starter_kit(kind, starter_kit)
    if modules is None and kit is not None:
        modules = list(kit.modules)
    name, kind, modules = validate_unit_fields(name=name, kind=kind, modules=modules)
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        if if_exists == "skip" and existing.name == name:
            return ProvisionResult(existing, False, admin_username, None)
        raise ActionError(
            ErrorCode.DUPLICATE, f"单位代码“{code}”已被“{existing.name}”使用。", field="code", status=409
        )
    generated = admin_password is None
    password = admin_password or generate_password()
    previous = connection.tenant
    try:
        with transaction.atomic():
            connection.set_schema_to_public()
            unit = Unit.objects.create(
                schema_name=code,
                code=code,
                name=name,
                kind=kind,
                modules=modules,
                starter_kit=kit.code if kit else "",
            )
            Domain.objects.create(domain=f"{code}.{settings.OA_BASE_DOMAIN}", tenant=unit, is_primary=True)
            clone_template_schema(code)
            connection.set_tenant(unit)
            if kit is not None:
                instantiate_starter_kit(unit, kit, acting_user=None)
            try:
                admin = create_staff(
                    username=admin_username,
                    display_name=admin_display_name,
                    password=password,
                    roles=list(Role.objects.filter(code=SYSADMIN)),
                    must_change_password=generated,
                )
            except ActionError as exc:
                # The admin's fields are named admin_* on the unit form.
                exc.field = ADMIN_FIELDS.get(exc.field or "", exc.field)
                raise
            record_event(
                "unit.provisioned",
                acting_user=None,
                target=admin,
                summary=f"单位开通，首位系统管理员：{admin.user.username}",
                detail={"by": getattr(acting_user, "username", "system")},
                ip=ip,
            )
            connection.set_schema_to_public()
            record_event(
                "unit.created",
                acting_user=acting_user,
                target=unit,
                target_id=code,
                summary=f"开通单位：{name}（{code}）",
                detail={
                    "kind": kind,
                    "modules": modules,
                    "admin": admin_username,
                    "starter_kit": unit.starter_kit,
                },
                ip=ip,
            )
    except IntegrityError as exc:
        raise ActionError(
            ErrorCode.DUPLICATE, f"单位代码“{code}”已被使用。", field="code", status=409
        ) from exc
    finally:
        connection.set_tenant(previous) if previous is not None else connection.set_schema_to_public()
    return ProvisionResult(unit, True, admin_username, password if generated else None)


def choose_starter_kit(kind: str, code: str | None) -> StarterKit | None:
    """The kit named, else the kit for the unit's kind; None when the library has none
    (a platform whose built-in templates were never loaded still provisions bare units)."""
    if code:
        kit = StarterKit.objects.filter(code=code).first()
        if kit is None:
            raise ActionError(ErrorCode.INVALID, f"未知的开通套件“{code}”。", field="starter_kit")
    else:
        kit = starter_kit_for(kind)
    if kit is not None:
        # Read the bundled versions now, in the public schema, in two queries.
        kit = StarterKit.objects.prefetch_related(
            Prefetch("versions", queryset=TemplateVersion.objects.select_related("template"))
        ).get(pk=kit.pk)
    return kit


@transaction.atomic
def do_suspend_unit(unit: Unit, *, acting_user, reason: str, ip: str | None = None) -> Unit:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(ErrorCode.REQUIRED, "请填写停用原因。", field="reason")
    if unit.status == Unit.Status.SUSPENDED:
        raise ActionError(ErrorCode.STATE, f"单位“{unit.name}”已处于停用状态。", field="status", status=409)
    unit.status = Unit.Status.SUSPENDED
    unit.suspend_reason = reason[:200]
    unit.suspended_at = timezone.now()
    unit.save(update_fields=["status", "suspend_reason", "suspended_at"])
    record_event(
        "unit.suspended",
        acting_user=acting_user,
        target=unit,
        target_id=unit.code,
        summary=f"停用单位：{unit.name}（{reason}）",
        ip=ip,
    )
    return unit


@transaction.atomic
def do_resume_unit(unit: Unit, *, acting_user, ip: str | None = None) -> Unit:
    if unit.status == Unit.Status.ACTIVE:
        raise ActionError(ErrorCode.STATE, f"单位“{unit.name}”未停用。", field="status", status=409)
    unit.status = Unit.Status.ACTIVE
    unit.suspend_reason = ""
    unit.suspended_at = None
    unit.save(update_fields=["status", "suspend_reason", "suspended_at"])
    record_event(
        "unit.resumed",
        acting_user=acting_user,
        target=unit,
        target_id=unit.code,
        summary=f"启用单位：{unit.name}",
        ip=ip,
    )
    return unit


@transaction.atomic
def do_update_unit(
    unit: Unit, *, acting_user, name: str | None = None, modules: list[str] | None = None, ip=None
) -> Unit:
    new_name, _kind, new_modules = validate_unit_fields(
        name=unit.name if name is None else name,
        kind=unit.kind,
        modules=unit.modules if modules is None else modules,
    )
    changes = {}
    if new_name != unit.name:
        changes["name"] = [unit.name, new_name]
    if new_modules != unit.modules:
        changes["modules"] = [unit.modules, new_modules]
    unit.name, unit.modules = new_name, new_modules
    unit.save(update_fields=["name", "modules"])
    record_event(
        "unit.updated",
        acting_user=acting_user,
        target=unit,
        target_id=unit.code,
        summary=f"修改单位：{unit.name}",
        detail=changes,
        ip=ip,
    )
    return unit


@transaction.atomic
def do_delete_unit(unit: Unit, *, acting_user, confirm: str, ip: str | None = None) -> None:
    """Drop a unit and all its data. The caller must type the unit's code to confirm."""
    if (confirm or "").strip() != unit.code:
        raise ActionError(
            ErrorCode.CONFIRMATION_MISMATCH, f"请输入单位代码“{unit.code}”以确认删除。", field="confirm"
        )
    if unit.is_public:
        raise ActionError(ErrorCode.INVALID, "不能删除平台公共模式。", field="code")
    code, name = unit.code, unit.name
    record_event(
        "unit.deleted",
        acting_user=acting_user,
        target_type="tenants.unit",
        target_id=code,
        summary=f"删除单位：{name}（{code}）",
        ip=ip,
    )
    Domain.objects.filter(tenant=unit).delete()
    unit.delete()
    drop_schema(code)


# --- provider accounts (平台账户, public schema) ---------------------------------------------


@transaction.atomic
def do_create_provider_account(
    *, acting_user, username: str, display_name: str, password: str, email: str = "", ip=None
):
    assert connection.schema_name == "public"
    user = create_user_account(
        username, display_name=display_name, password=password, email=email, is_staff=True
    )
    record_event(
        "provider.account_created",
        acting_user=acting_user,
        target=user,
        summary=f"新增平台账户：{display_name}（{username}）",
        ip=ip,
    )
    return user


@transaction.atomic
def do_update_provider_account(
    user, *, acting_user, display_name: str | None = None, is_active: bool | None = None, ip=None
):
    account = user.account
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            raise ActionError(ErrorCode.REQUIRED, "姓名不能为空。", field="display_name")
        account.display_name = display_name
        account.save(update_fields=["display_name"])
    if is_active is not None:
        if not is_active and user.pk == acting_user.pk:
            raise ActionError(ErrorCode.INVALID, "不能停用自己的账户。", field="is_active")
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    record_event(
        "provider.account_updated",
        acting_user=acting_user,
        target=user,
        summary=f"修改平台账户：{user.username}",
        detail={"display_name": display_name, "is_active": is_active},
        ip=ip,
    )
    return user
