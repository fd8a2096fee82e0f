"""Org directory actions (组织机构): departments, positions, roles, staff."""

from __future__ import annotations

import re

from django.db import transaction

from oa.core.actions import create_user_account, do_reset_password
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.core.security import generate_password
from oa.directory.models import Department, Position, Role, Staff
from oa.directory.permissions import (
    BUILTIN_ROLES,
    PERMISSION_CODES,
    RESERVED_PERMISSIONS,
    SEPARATED_ADMIN_ROLES,
)

__all__ = ["generate_password"]  # re-exported: provisioning and the staff import use it from here


def _clean_name(value: str, *, field: str = "name", max_length: int = 64, label: str = "名称") -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError(ErrorCode.REQUIRED, f"{label}不能为空。", field=field)
    if len(value) > max_length:
        raise ActionError(ErrorCode.INVALID, f"{label}不超过 {max_length} 个字符。", field=field)
    return value


# --- departments ---------------------------------------------------------------------------


def _check_department_name_free(name: str, parent: Department | None, exclude_pk: int | None = None) -> None:
    clash = Department.objects.filter(name=name, parent=parent)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ActionError(ErrorCode.DUPLICATE, f"同一上级下已有名为“{name}”的部门。", field="name")


@transaction.atomic
def do_create_department(
    *, acting_user, name: str, parent: Department | None = None, code: str = "", order: int = 0, ip=None
) -> Department:
    name = _clean_name(name, label="部门名称")
    _check_department_name_free(name, parent)
    dept = Department.objects.create(name=name, parent=parent, code=(code or "").strip(), order=order)
    record_event(
        "directory.department_created",
        acting_user=acting_user,
        target=dept,
        summary=f"新建部门：{name}",
        ip=ip,
    )
    return dept


@transaction.atomic
def do_update_department(department: Department, *, acting_user, ip=None, **changes) -> Department:
    if "name" in changes:
        department.name = _clean_name(changes["name"], label="部门名称")
    if "parent" in changes:
        parent = changes["parent"]
        node = parent
        while node is not None:
            if node.pk == department.pk:
                raise ActionError(ErrorCode.CYCLE, "不能把部门移到它自己或它的下级部门之下。", field="parent")
            node = node.parent
        department.parent = parent
    if "code" in changes:
        department.code = (changes["code"] or "").strip()
    if "order" in changes:
        department.order = changes["order"]
    _check_department_name_free(department.name, department.parent, exclude_pk=department.pk)
    department.save()
    record_event(
        "directory.department_updated",
        acting_user=acting_user,
        target=department,
        summary=f"修改部门：{department.name}",
        detail={k: getattr(v, "pk", v) for k, v in changes.items()},
        ip=ip,
    )
    return department


@transaction.atomic
def do_delete_department(department: Department, *, acting_user, ip=None) -> None:
    if department.children.exists():
        raise ActionError(
            ErrorCode.IN_USE, f"部门“{department.name}”下还有下级部门，不能删除。", field="id", status=409
        )
    if department.staff.exists():
        raise ActionError(
            ErrorCode.IN_USE, f"部门“{department.name}”下还有人员，不能删除。", field="id", status=409
        )
    record_event(
        "directory.department_deleted",
        acting_user=acting_user,
        target=department,
        summary=f"删除部门：{department.name}",
        ip=ip,
    )
    department.delete()


# --- positions -----------------------------------------------------------------------------


@transaction.atomic
def do_create_position(*, acting_user, name: str, rank: int = 100, ip=None) -> Position:
    name = _clean_name(name, label="职务名称")
    if Position.objects.filter(name=name).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"职务“{name}”已存在。", field="name")
    position = Position.objects.create(name=name, rank=rank)
    record_event(
        "directory.position_created",
        acting_user=acting_user,
        target=position,
        summary=f"新建职务：{name}",
        ip=ip,
    )
    return position


@transaction.atomic
def do_update_position(position: Position, *, acting_user, ip=None, **changes) -> Position:
    if "name" in changes:
        name = _clean_name(changes["name"], label="职务名称")
        if Position.objects.filter(name=name).exclude(pk=position.pk).exists():
            raise ActionError(ErrorCode.DUPLICATE, f"职务“{name}”已存在。", field="name")
        position.name = name
    if "rank" in changes:
        position.rank = changes["rank"]
    position.save()
    record_event(
        "directory.position_updated",
        acting_user=acting_user,
        target=position,
        summary=f"修改职务：{position.name}",
        ip=ip,
    )
    return position


@transaction.atomic
def do_delete_position(position: Position, *, acting_user, ip=None) -> None:
    if position.staff.exists():
        raise ActionError(
            ErrorCode.IN_USE, f"仍有人员担任“{position.name}”，不能删除。", field="id", status=409
        )
    record_event(
        "directory.position_deleted",
        acting_user=acting_user,
        target=position,
        summary=f"删除职务：{position.name}",
        ip=ip,
    )
    position.delete()


# --- roles ---------------------------------------------------------------------------------


ROLE_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def _clean_permissions(permissions) -> list[str]:
    if not isinstance(permissions, list | tuple):
        raise ActionError(ErrorCode.INVALID, "权限须为权限代码列表。", field="permissions")
    unknown = sorted(set(permissions) - PERMISSION_CODES)
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"未知的权限代码：{', '.join(unknown)}。", field="permissions")
    reserved = sorted(set(permissions) & RESERVED_PERMISSIONS)
    if reserved:
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES,
            f"三员权限只能通过内置的系统管理员、安全管理员、审计管理员角色持有，不能授予其他角色：{', '.join(reserved)}。",
            field="permissions",
        )
    return sorted(set(permissions))


def ensure_builtin_roles() -> None:
    """Create the built-in roles if missing (run in the template schema; clones inherit them)."""
    for code, name, perms in BUILTIN_ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "permissions": perms, "builtin": True})


@transaction.atomic
def do_create_role(*, acting_user, code: str, name: str, permissions: list[str], ip=None) -> Role:
    name = _clean_name(name, label="角色名称")
    code = (code or "").strip()
    if not ROLE_CODE.match(code):
        raise ActionError(
            ErrorCode.INVALID,
            "角色代码须以小写字母开头，只含小写字母、数字、_ 和 -，且不超过 40 个字符。",
            field="code",
        )
    if Role.objects.filter(code=code).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"角色代码“{code}”已存在。", field="code")
    if Role.objects.filter(name=name).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"角色“{name}”已存在。", field="name")
    role = Role.objects.create(code=code, name=name, permissions=_clean_permissions(permissions))
    record_event(
        "directory.role_created",
        acting_user=acting_user,
        target=role,
        summary=f"新建角色：{name}",
        detail={"permissions": role.permissions},
        ip=ip,
    )
    return role


@transaction.atomic
def do_update_role(role: Role, *, acting_user, ip=None, **changes) -> Role:
    if role.builtin and "permissions" in changes and role.code in SEPARATED_ADMIN_ROLES:
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES, "三员角色的权限由平台固定，不能修改。", field="permissions"
        )
    if "name" in changes:
        name = _clean_name(changes["name"], label="角色名称")
        if Role.objects.filter(name=name).exclude(pk=role.pk).exists():
            raise ActionError(ErrorCode.DUPLICATE, f"角色“{name}”已存在。", field="name")
        role.name = name
    if "permissions" in changes:
        role.permissions = _clean_permissions(changes["permissions"])
    role.save()
    record_event(
        "directory.role_updated",
        acting_user=acting_user,
        target=role,
        summary=f"修改角色：{role.name}",
        detail={"permissions": role.permissions},
        ip=ip,
    )
    return role


@transaction.atomic
def do_delete_role(role: Role, *, acting_user, ip=None) -> None:
    if role.builtin:
        raise ActionError(ErrorCode.INVALID, "内置角色不能删除。", field="id")
    record_event(
        "directory.role_deleted",
        acting_user=acting_user,
        target=role,
        summary=f"删除角色：{role.name}",
        ip=ip,
    )
    role.delete()


def check_role_separation(roles: list[Role]) -> None:
    admin_roles = [r for r in roles if r.code in SEPARATED_ADMIN_ROLES]
    if len(admin_roles) > 1:
        names = "、".join(r.name for r in admin_roles)
        raise ActionError(
            ErrorCode.ROLE_CONFLICT,
            f"系统管理员、安全管理员、审计管理员须由不同人员担任，不能同时授予：{names}。",
            field="roles",
        )


def admin_roles_of(staff: Staff) -> set[str]:
    return {code for code in staff.roles.values_list("code", flat=True) if code in SEPARATED_ADMIN_ROLES}


def check_no_admin_roles(roles: list[Role], *, field: str = "roles") -> None:
    """The admin roles are never granted or revoked through the directory (ADR 0015)."""
    admin = [r for r in roles if r.code in SEPARATED_ADMIN_ROLES]
    if admin:
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES,
            f"三员角色（{'、'.join(r.name for r in admin)}）只能由安全管理员申请、平台审批后授予或撤销。",
            field=field,
        )


def check_not_another_admin(staff: Staff, acting_user, *, what: str, field: str = "id") -> None:
    """Nobody edits, deactivates or resets one of the other two admins (三员互不管理)."""
    theirs = admin_roles_of(staff)
    if not theirs or staff.user_id == getattr(acting_user, "pk", None):
        return
    mine: set[str] = set()
    actor_staff = Staff.objects.filter(user_id=getattr(acting_user, "pk", None)).first()
    if actor_staff is not None:
        mine = admin_roles_of(actor_staff)
    if theirs - mine:
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES,
            f"三员之间互不管理：不能{what}“{staff.user.username}”，请由平台运营方处理。",
            field=field,
            status=403,
        )


# --- staff ---------------------------------------------------------------------------------


def create_staff(
    *,
    username: str,
    display_name: str,
    password: str,
    department: Department | None = None,
    position: Position | None = None,
    phone: str = "",
    email: str = "",
    roles: list[Role] | None = None,
    must_change_password: bool = False,
) -> Staff:
    """Create the account and staff profile. The caller holds the transaction and audits."""
    roles = list(roles or [])
    check_role_separation(roles)
    user = create_user_account(
        username,
        display_name=display_name,
        password=password,
        email=email,
        must_change_password=must_change_password,
    )
    staff = Staff.objects.create(
        user=user, department=department, position=position, phone=(phone or "").strip()
    )
    if roles:
        staff.roles.set(roles)
    return staff


@transaction.atomic
def do_create_staff(*, acting_user, ip=None, **fields) -> Staff:
    check_no_admin_roles(list(fields.get("roles") or []))
    staff = create_staff(**fields)
    record_event(
        "directory.staff_created",
        acting_user=acting_user,
        target=staff,
        summary=f"新增人员：{staff.user.account.display_name}（{staff.user.username}）",
        detail={"roles": [r.code for r in staff.roles.all()]},
        ip=ip,
    )
    return staff


@transaction.atomic
def do_update_staff(staff: Staff, *, acting_user, ip=None, **changes) -> Staff:
    # Placing someone in the org tree is the directory's job; their account is not. Only
    # real changes count, so a form that sends every field back unchanged is fine.
    current = {
        "display_name": staff.user.account.display_name,
        "email": staff.user.email,
        "is_active": staff.user.is_active,
        "roles": set(staff.roles.all()),
    }
    changed = [
        key
        for key in ("is_active", "roles", "display_name", "email")
        if key in changes and (set(changes[key]) if key == "roles" else changes[key]) != current[key]
    ]
    if changed:
        check_not_another_admin(staff, acting_user, what="修改", field=changed[0])
    if "roles" in changes:
        before = {r for r in staff.roles.all() if r.code in SEPARATED_ADMIN_ROLES}
        after = {r for r in changes["roles"] if r.code in SEPARATED_ADMIN_ROLES}
        check_no_admin_roles(sorted(before ^ after, key=lambda r: r.pk))
    user = staff.user
    account = user.account
    if "display_name" in changes:
        account.display_name = _clean_name(changes["display_name"], field="display_name", label="姓名")
        user.first_name = account.display_name[:150]
        account.save(update_fields=["display_name"])
    if "email" in changes:
        user.email = changes["email"] or ""
    if "is_active" in changes:
        if not changes["is_active"] and user.pk == getattr(acting_user, "pk", None):
            raise ActionError(ErrorCode.INVALID, "不能停用自己的账户。", field="is_active")
        user.is_active = bool(changes["is_active"])
    user.save()
    for key in ("department", "position"):
        if key in changes:
            setattr(staff, key, changes[key])
    if "phone" in changes:
        staff.phone = (changes["phone"] or "").strip()
    staff.save()
    if "roles" in changes:
        roles = list(changes["roles"])
        check_role_separation(roles)
        staff.roles.set(roles)
    record_event(
        "directory.staff_updated",
        acting_user=acting_user,
        target=staff,
        summary=f"修改人员：{account.display_name}（{user.username}）",
        detail={
            k: ([r.code for r in v] if k == "roles" else getattr(v, "pk", v)) for k, v in changes.items()
        },
        ip=ip,
    )
    return staff


def do_reset_staff_password(staff: Staff, *, acting_user, ip=None) -> str:
    """A generated one-time password for the staff member (shown once to the resetter)."""
    check_not_another_admin(staff, acting_user, what="重置密码")
    if staff.user_id == getattr(acting_user, "pk", None):
        raise ActionError(ErrorCode.INVALID, "不能重置自己的密码，请在个人设置中修改。", field="id")
    return do_reset_password(staff.user, acting_user=acting_user, ip=ip)


def resolve_roles(role_ids) -> list[Role]:
    roles = list(Role.objects.filter(pk__in=role_ids))
    if len(roles) != len(set(role_ids)):
        raise ActionError(ErrorCode.INVALID, "角色不存在。", field="roles")
    return roles
