"""Role-set templates: the roles a unit starts with and the permission codes they grant.

    {"roles": [{"code": "office_head", "name": "办公室主任", "permissions": ["documents.review"]}]}

Codes follow the unit's role-code rule and permissions must be codes the platform knows
(oa/directory/permissions.py, which declares the module permissions too): a role set that
grants an unknown code would create roles that silently grant nothing. The built-in roles
(the three separated administrators and 普通用户) are every unit's already and cannot be
redefined by a template.
"""

from __future__ import annotations

from oa.directory.actions import ROLE_CODE
from oa.directory.permissions import BUILTIN_ROLES, PERMISSION_CODES
from templates_lib.validation.jsondoc import schema_problems
from templates_lib.validation.problems import Problem, pointer

ROLESET_SCHEMA = {
    "type": "object",
    "required": ["roles"],
    "additionalProperties": False,
    "properties": {
        "roles": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name", "permissions"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 64},
                    "description": {"type": "string"},
                    "permissions": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                },
            },
        }
    },
}
BUILTIN_CODES = {code for code, _name, _perms in BUILTIN_ROLES}
BUILTIN_NAMES = {name for _code, name, _perms in BUILTIN_ROLES}


def check_roleset(content) -> list[Problem]:
    problems = schema_problems(ROLESET_SCHEMA, content)
    if problems:
        return problems
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for index, role in enumerate(content["roles"]):
        code, name = role["code"], role["name"].strip()
        if not ROLE_CODE.match(code):
            problems.append(
                Problem(
                    f"角色代码“{code}”须以小写字母开头，只含小写字母、数字、_ 和 -，且不超过 40 个字符。",
                    pointer=pointer("roles", index, "code"),
                )
            )
        elif code in BUILTIN_CODES:
            problems.append(
                Problem(
                    f"“{code}”是内置角色，不能在角色集中重新定义。", pointer=pointer("roles", index, "code")
                )
            )
        elif code in codes:
            problems.append(
                Problem(
                    f"角色代码“{code}”与第 {codes[code] + 1} 个角色重复。",
                    pointer=pointer("roles", index, "code"),
                )
            )
        codes.setdefault(code, index)
        if name in BUILTIN_NAMES:
            problems.append(
                Problem(f"“{name}”是内置角色的名称，请换一个名称。", pointer=pointer("roles", index, "name"))
            )
        elif name in names:
            problems.append(
                Problem(
                    f"角色名称“{name}”与第 {names[name] + 1} 个角色重复。",
                    pointer=pointer("roles", index, "name"),
                )
            )
        names.setdefault(name, index)
        for p_index, permission in enumerate(role["permissions"]):
            if permission not in PERMISSION_CODES:
                problems.append(
                    Problem(
                        f"未知的权限代码“{permission}”。",
                        pointer=pointer("roles", index, "permissions", p_index),
                    )
                )
    return problems
