"""Permission codes a unit's roles grant, and the built-in roles every unit starts with.

The three administrator roles are separated (三员分立, 等保 2.0 §8.1.4.2): nobody may hold two.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Permission:
    code: str
    name: str
    name_en: str


PERMISSIONS: tuple[Permission, ...] = (
    Permission("directory.manage", "管理部门、职务和人员", "Manage departments, positions and staff"),
    Permission("roles.manage", "管理角色与授权", "Manage roles and grants"),
    Permission("security.manage", "账户安全（重置密码、解锁）", "Account security (reset, unlock)"),
    Permission("audit.view", "查看审计日志", "View the audit log"),
)
PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)

SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITADMIN = "auditadmin"
STAFF = "staff"
SEPARATED_ADMIN_ROLES = frozenset({SYSADMIN, SECADMIN, AUDITADMIN})

BUILTIN_ROLES: tuple[tuple[str, str, list[str]], ...] = (
    (SYSADMIN, "系统管理员", ["directory.manage", "roles.manage"]),
    (SECADMIN, "安全管理员", ["security.manage"]),
    (AUDITADMIN, "审计管理员", ["audit.view"]),
    (STAFF, "普通用户", []),
)
