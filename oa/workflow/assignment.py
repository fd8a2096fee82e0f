"""Who handles a step: the assignment rules of `camunda:candidateGroups`, resolved through the
unit's directory (docs/workflow.md, "Assignment rules").

Rules that name people (`starter`, `user:`, `dept_head:`) are resolved to user ids when the
step starts; rules that name groups (`role:`, `dept:`) stay groups, so whoever holds the role
or sits in the department when the to-do list is read sees the task, and the first of them to
act handles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import F, Q

from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Role, Staff
from oa.directory.queries import department_heads, departments_matching

RULE_KINDS = ("role", "dept", "dept_head", "starter", "user")
STARTER = "starter"


@dataclass(frozen=True)
class Rule:
    kind: str
    value: str = ""

    def __str__(self) -> str:
        return self.kind if self.kind == STARTER else f"{self.kind}:{self.value}"


class RuleError(ValueError):
    """A rule that cannot be read (the message is shown to whoever edits the BPMN)."""


VARIABLE = re.compile(r"\$\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}")


def _variable_values(value) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in values:
        if isinstance(item, dict):
            item = item.get("username") or item.get("code") or item.get("name")
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, str | int):
            text = str(item).strip()
            if text and not re.search(r"[,，]", text):
                out.append(text)
    return out


def expand_variables(text: str | None, data: dict, *, step: str, hint: str = "") -> str:
    """`user:${countersigner}` → `user:zhangsan` from the process data when the step starts;
    a list value gives one rule per item. A variable the data lacks (or leaves empty) is a
    refusal naming it (no_assignee), so nothing is written."""
    text = text or ""
    if "${" not in text:
        return text
    parts: list[str] = []
    for part in re.split(r"[,，]", text):
        part = part.strip()
        match = VARIABLE.search(part)
        if not match:
            if part:
                parts.append(part)
            continue
        name = match.group(1)
        values = _variable_values((data or {}).get(name))
        if not values:
            raise ActionError(
                ErrorCode.NO_ASSIGNEE,
                f"步骤“{step}”的办理人规则“{part}”需要流程变量“{hint or name}”，但表单数据中没有提供。",
                field=hint or name,
                status=409,
            )
        parts += [part[: match.start()] + value + part[match.end() :] for value in values]
    return ", ".join(parts)


def parse_rules(text: str | None) -> list[Rule]:
    """`role:leader, dept:办公室, dept_head:starter, starter, user:lin` → rules, in order."""
    rules: list[Rule] = []
    for part in re.split(r"[,，]", text or ""):
        part = part.strip()
        if not part:
            continue
        if part == STARTER:
            rules.append(Rule(STARTER))
            continue
        kind, sep, value = part.partition(":")
        kind, value = kind.strip(), value.strip()
        if not sep or kind not in RULE_KINDS or kind == STARTER:
            raise RuleError(
                f"无法识别的办理人规则“{part}”：应为 role:角色代码、dept:部门代码或名称、"
                "dept_head:starter、dept_head:部门、starter 或 user:用户名。"
            )
        if not value:
            raise RuleError(f"办理人规则“{part}”缺少取值。")
        rules.append(Rule(kind, value))
    return rules


@dataclass
class Assignment:
    """Who may handle one step: a single assignee, or a pool of candidates."""

    assignee_id: int | None = None
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)


def _active_staff():
    return Staff.objects.filter(user__is_active=True)


def _person_rule_users(rule: Rule, starter) -> list[int]:
    if rule.kind == STARTER:
        return [starter.pk] if starter is not None and starter.is_active else []
    if rule.kind == "user":
        user = get_user_model().objects.filter(username=rule.value, is_active=True).first()
        return [user.pk] if user else []
    if rule.kind == "dept_head":
        if rule.value == STARTER:
            staff = Staff.objects.filter(user=starter).first() if starter is not None else None
            return department_heads(staff.department_id if staff else None)
        return [uid for dept in departments_matching(rule.value) for uid in department_heads(dept.pk)]
    raise AssertionError(rule.kind)


def resolve_assignment(rules: list[Rule], *, starter, step: str) -> Assignment:
    """Resolve a step's rules; refuse (nothing written) when nobody could handle it."""
    users: list[int] = []
    roles: list[int] = []
    departments: list[int] = []
    for rule in rules:
        if rule.kind == "role":
            roles += Role.objects.filter(code=rule.value).values_list("id", flat=True)
        elif rule.kind == "dept":
            departments += [d.pk for d in departments_matching(rule.value)]
        else:
            users += _person_rule_users(rule, starter)
    users, roles, departments = _dedupe(users), _dedupe(roles), _dedupe(departments)
    if not roles and not departments and len(users) == 1:
        return Assignment(assignee_id=users[0])
    anyone = bool(users) or (
        (roles or departments)
        and _active_staff().filter(Q(roles__in=roles) | Q(department_id__in=departments)).exists()
    )
    if not anyone:
        rules_text = "、".join(str(r) for r in rules) or "（无）"
        raise ActionError(
            ErrorCode.NO_ASSIGNEE,
            f"步骤“{step}”的办理人规则（{rules_text}）没有匹配到任何在职人员，请先在组织机构中设置。",
            status=409,
        )
    return Assignment(users=users, roles=roles, departments=departments)


def expand_users(rules: list[Rule], *, starter) -> list[str]:
    """The rules as an ordered list of usernames: a multi-instance step's signers.

    In rule order; inside a role or department the most junior come first (highest rank
    number), so 依次审批 over `role:leaders` climbs from 科长 to 主任.
    """
    ids: list[int] = []
    junior_first = (F("position__rank").desc(nulls_first=True), "id")
    for rule in rules:
        if rule.kind == "role":
            ids += (
                _active_staff()
                .filter(roles__code=rule.value)
                .order_by(*junior_first)
                .values_list("user_id", flat=True)
            )
        elif rule.kind == "dept":
            depts = [d.pk for d in departments_matching(rule.value)]
            ids += (
                _active_staff()
                .filter(department_id__in=depts)
                .order_by(*junior_first)
                .values_list("user_id", flat=True)
            )
        else:
            ids += _person_rule_users(rule, starter)
    ids = _dedupe(ids)
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    return [names[i] for i in ids if i in names]


def user_matches(user, rules: list[Rule], *, starter) -> bool:
    """Whether `user` is among the people the rules name (e.g. candidateStarterGroups)."""
    staff = Staff.objects.filter(user=user).first()
    for rule in rules:
        if rule.kind == "role":
            if staff and staff.roles.filter(code=rule.value).exists():
                return True
        elif rule.kind == "dept":
            if staff and staff.department_id in {d.pk for d in departments_matching(rule.value)}:
                return True
        elif user.pk in _person_rule_users(rule, starter):
            return True
    return False


def _dedupe(values: list[int]) -> list[int]:
    return list(dict.fromkeys(values))


def unknown_rule_targets(rules_text: str | None) -> list[str]:
    """Rules naming a role, person or department this unit does not have. Checked when a
    unit deploys a flow, so a typo in the editor is refused at save time rather than when
    a document reaches that step. Rules filled from process data (`${...}`) are checked
    when the step starts."""
    problems = []
    for rule in parse_rules(rules_text):
        value = rule.value
        if not value or "${" in value:
            continue
        if rule.kind == "role" and not Role.objects.filter(code=value).exists():
            problems.append(f"角色“{value}”不存在")
        elif rule.kind == "user" and not get_user_model().objects.filter(username=value).exists():
            problems.append(f"人员“{value}”不存在")
        elif rule.kind in ("dept", "dept_head") and value != STARTER and not departments_matching(value):
            problems.append(f"部门“{value}”不存在")
    return problems
