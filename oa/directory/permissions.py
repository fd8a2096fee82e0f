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
    Permission(
        "templates.manage", "管理本单位模板（流程、表单、版式、编号、角色集）", "Manage the unit's templates"
    ),
    # Module permissions: granted by the roles of a starter kit's role set (templates_lib
    # builtin/rolesets) and read by the modules as they are built.
    Permission("documents.draft", "拟稿", "Draft documents"),
    Permission("documents.review", "核稿", "Review drafts"),
    Permission("documents.countersign", "会签", "Countersign documents"),
    Permission("documents.sign", "签发", "Sign off documents"),
    Permission("documents.register", "登记与编号", "Register and number documents"),
    Permission("documents.seal", "用印", "Apply the seal"),
    Permission("documents.dispatch", "核发与分发", "Dispatch documents"),
    Permission("documents.receive", "签收与收文登记", "Acknowledge and register incoming documents"),
    Permission("documents.instruct", "拟办与批办", "Propose and give instructions"),
    Permission("documents.archive", "归档", "Archive documents"),
    # 档案 (oa/archive): the archivist keeps the catalogue, loans' records, appraisal and
    # transfer; a leader approves appraisal decisions (keep or destroy).
    Permission("archive.manage", "档案管理（目录、借阅记录、鉴定、移交）", "Manage the archive"),
    Permission("archive.approve", "档案鉴定审批（继续保存或销毁）", "Approve appraisal decisions"),
    Permission("meetings.manage", "会议与会议室管理", "Manage meetings and rooms"),
    Permission("affairs.approve", "事务审批（请假、用车、用印）", "Approve affairs requests"),
    Permission("affairs.vehicles", "车辆调度", "Dispatch vehicles"),
    Permission("supervision.manage", "督办管理", "Manage supervision items"),
    Permission("notices.publish", "信息发布", "Publish notices"),
    # 栏目管理: granted to 系统管理员 (notices 0002); who publishes in a column is the column's list.
    Permission("notices.manage", "信息发布栏目管理", "Manage notice columns"),
    # Legacy data (Domino DXL exports, old registers): granted to 系统管理员 (importer 0002).
    Permission("importer.manage", "历史数据导入", "Import legacy data"),
)
PERMISSION_CODES = frozenset(p.code for p in PERMISSIONS)

SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITADMIN = "auditadmin"
STAFF = "staff"
SEPARATED_ADMIN_ROLES = frozenset({SYSADMIN, SECADMIN, AUDITADMIN})

# The three duties' own powers (三员职责): held only through their built-in roles, never by a
# role a unit creates or edits, so the separation holds by construction (issue 19).
RESERVED_PERMISSIONS = frozenset({"roles.manage", "security.manage", "audit.view"})

BUILTIN_ROLES: tuple[tuple[str, str, list[str]], ...] = (
    (SYSADMIN, "系统管理员", ["directory.manage", "roles.manage", "templates.manage"]),
    (SECADMIN, "安全管理员", ["security.manage"]),
    (AUDITADMIN, "审计管理员", ["audit.view"]),
    (STAFF, "普通用户", []),
)
