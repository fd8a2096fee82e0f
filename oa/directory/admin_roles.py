"""Granting and revoking the three admin roles (三员授权): a two-person rule (ADR 0015).

The unit's 安全管理员 files a request; the provider approves or rejects it on the console.
The provider may also grant or revoke directly (to appoint a unit's first 安全管理员 and
审计管理员, or to recover a unit) and is the only one who resets an admin's password.
Nothing in the directory (roles, staff forms, imports) can give or take an admin role.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from oa.core.actions import do_reset_password
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.actions import admin_roles_of, check_role_separation
from oa.directory.models import AdminRoleRequest, Role, Staff
from oa.directory.permissions import SECADMIN, SEPARATED_ADMIN_ROLES

Action = AdminRoleRequest.Action


def admin_role(code: str, *, field: str = "role") -> Role:
    role = Role.objects.filter(code=code, builtin=True).first() if code in SEPARATED_ADMIN_ROLES else None
    if role is None:
        raise ActionError(
            ErrorCode.INVALID,
            "只能申请系统管理员、安全管理员或审计管理员角色（sysadmin、secadmin、auditadmin）。",
            field=field,
        )
    return role


def _check_change(staff: Staff, role: Role, action: str) -> None:
    """Whether granting/revoking `role` for `staff` is possible now (checked again on approval)."""
    held = list(staff.roles.all())
    if action == Action.GRANT:
        if role in held:
            raise ActionError(
                ErrorCode.STATE, f"“{staff.user.username}”已是{role.name}。", field="role", status=409
            )
        if not staff.user.is_active:
            raise ActionError(
                ErrorCode.STATE, f"“{staff.user.username}”的账户已停用。", field="staff", status=409
            )
        check_role_separation([*held, role])
    elif action == Action.REVOKE:
        if role not in held:
            raise ActionError(
                ErrorCode.STATE, f"“{staff.user.username}”不是{role.name}。", field="role", status=409
            )
    else:
        raise ActionError(ErrorCode.INVALID, "操作须为 grant（授予）或 revoke（撤销）。", field="action")


def _apply(staff: Staff, role: Role, action: str) -> None:
    if action == Action.GRANT:
        staff.roles.add(role)
    else:
        staff.roles.remove(role)


@transaction.atomic
def do_request_admin_role(
    *, acting_user, staff: Staff, role_code: str, action: str, reason: str = "", ip=None
) -> AdminRoleRequest:
    actor_staff = Staff.objects.filter(user_id=acting_user.pk).first()
    if actor_staff is None or SECADMIN not in admin_roles_of(actor_staff):
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES, "三员授权只能由安全管理员申请。", field="role", status=403
        )
    role = admin_role(role_code)
    if staff.user_id == acting_user.pk:
        raise ActionError(
            ErrorCode.SEPARATION_OF_DUTIES, "不能为自己申请或撤销三员角色。", field="staff", status=403
        )
    _check_change(staff, role, action)
    if AdminRoleRequest.objects.filter(
        staff=staff, role=role, status=AdminRoleRequest.Status.PENDING
    ).exists():
        raise ActionError(ErrorCode.DUPLICATE, "已有一份相同的申请在等待平台审批。", field="role", status=409)
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ActionError(ErrorCode.INVALID, "申请理由不超过 300 个字符。", field="reason")
    request = AdminRoleRequest.objects.create(
        staff=staff, role=role, action=action, reason=reason, requested_by=acting_user
    )
    record_event(
        "directory.admin_role_requested",
        acting_user=acting_user,
        target=request,
        summary=f"申请{request.get_action_display()}{role.name}：{staff.user.username}（待平台审批）",
        detail={"staff": staff.pk, "role": role.code, "action": action},
        ip=ip,
    )
    return request


def provider_label(provider_user) -> str:
    return f"平台运营方 {provider_user.username}"


@transaction.atomic
def do_decide_admin_role_request(
    request: AdminRoleRequest, *, provider_user, approve: bool, note: str = "", ip=None
) -> AdminRoleRequest:
    """The provider's decision, written in the unit's schema (the caller has switched to it)."""
    request = AdminRoleRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AdminRoleRequest.Status.PENDING:
        raise ActionError(ErrorCode.STATE, "该申请已处理。", field="id", status=409)
    if approve:
        _check_change(request.staff, request.role, request.action)
        _apply(request.staff, request.role, request.action)
    request.status = AdminRoleRequest.Status.APPROVED if approve else AdminRoleRequest.Status.REJECTED
    request.decided_by = provider_user.username
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()[:300]
    request.save()
    verb = "批准" if approve else "驳回"
    record_event(
        f"directory.admin_role_request_{request.status}",
        acting_user=None,
        actor_name=provider_label(provider_user),
        target=request,
        summary=f"{verb}三员授权申请：{request.get_action_display()}{request.role.name}（{request.staff.user.username}）",
        detail={"staff": request.staff_id, "role": request.role.code, "action": request.action},
        ip=ip,
    )
    return request


@transaction.atomic
def do_provider_change_admin_role(
    *, provider_user, staff: Staff, role_code: str, action: str, ip=None
) -> None:
    """The provider grants or revokes an admin role directly (e.g. a new unit's first officers)."""
    role = admin_role(role_code)
    _check_change(staff, role, action)
    _apply(staff, role, action)
    AdminRoleRequest.objects.filter(staff=staff, role=role, status=AdminRoleRequest.Status.PENDING).update(
        status=AdminRoleRequest.Status.WITHDRAWN, decided_by=provider_user.username, decided_at=timezone.now()
    )
    record_event(
        f"directory.admin_role_{'granted' if action == Action.GRANT else 'revoked'}",
        acting_user=None,
        actor_name=provider_label(provider_user),
        target=staff,
        summary=f"平台{'授予' if action == Action.GRANT else '撤销'}{role.name}：{staff.user.username}",
        detail={"role": role.code, "action": action},
        ip=ip,
    )


@transaction.atomic
def do_provider_reset_admin_password(*, provider_user, staff: Staff, ip=None) -> str:
    """Only the provider resets an admin's password: a generated one-time password."""
    if not admin_roles_of(staff):
        raise ActionError(
            ErrorCode.INVALID, "该人员不是三员，请由本单位安全管理员重置密码。", field="id", status=409
        )
    password = do_reset_password(staff.user, acting_user=None, ip=ip)
    record_event(
        "directory.admin_password_reset",
        acting_user=None,
        actor_name=provider_label(provider_user),
        target=staff,
        summary=f"平台重置三员密码（一次性密码）：{staff.user.username}",
        ip=ip,
    )
    return password


def admin_staff():
    """Staff holding any of the three admin roles."""
    return (
        Staff.objects.filter(roles__code__in=SEPARATED_ADMIN_ROLES)
        .select_related("user", "user__account")
        .prefetch_related("roles")
        .distinct()
        .order_by("id")
    )
