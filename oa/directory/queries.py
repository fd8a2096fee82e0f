"""Reads that decide who may do what in a unit's directory."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from oa.directory.models import Department, Role, Staff
from oa.directory.permissions import RESERVED_PERMISSIONS, SEPARATED_ADMIN_ROLES


def staff_for(user) -> Staff | None:
    return Staff.objects.select_related("department", "position").filter(user=user).first()


def permissions_of(user) -> set[str]:
    """Permission codes the user holds through roles (none for inactive or anonymous users)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    codes: set[str] = set()
    for role_code, builtin, perms in Role.objects.filter(members__user=user).values_list(
        "code", "builtin", "permissions"
    ):
        if builtin and role_code in SEPARATED_ADMIN_ROLES:
            codes.update(perms)
        else:
            # The three duties' powers count only through their built-in roles, whatever a
            # role row may hold (defence in depth behind the actions' refusal; issue 19).
            codes.update(p for p in perms if p not in RESERVED_PERMISSIONS)
    return codes


def has_permission(user, code: str) -> bool:
    return code in permissions_of(user)


def user_ids_with_permission(code: str) -> list[int]:
    """Active people who hold `code` through a role (e.g. who signs for incoming documents)."""
    return list(
        Staff.objects.filter(roles__permissions__contains=[code], user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def list_staff(*, search: str = "", department_id: int | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.select_related("user", "user__account", "department", "position").prefetch_related(
        Prefetch("roles", queryset=Role.objects.only("id", "name"))
    )
    if search:
        from django.db.models import Q

        qs = qs.filter(
            Q(user__username__icontains=search)
            | Q(user__account__display_name__icontains=search)
            | Q(phone__icontains=search)
        )
    if department_id:
        qs = qs.filter(department_id__in=department_subtree_ids(department_id))
    return qs.order_by("department__order", "position__rank", "id")


def department_subtree_ids(root_id: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for pk, parent in Department.objects.values_list("id", "parent_id"):
        parents.setdefault(parent, []).append(pk)
    out, stack = [], [root_id]
    while stack:
        pk = stack.pop()
        out.append(pk)
        stack.extend(parents.get(pk, []))
    return out


def department_path(department: Department | None) -> str:
    names = []
    seen = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        names.append(department.name)
        department = department.parent
    return "/".join(reversed(names))


def roles_with_counts() -> QuerySet[Role]:
    return Role.objects.annotate(member_count=Count("members"))


# --- reads other modules resolve people through (oa.workflow's assignment rules) -------------


def departments_matching(value: str) -> list[Department]:
    """A department by code, else by name (names may repeat under different parents)."""
    by_code = list(Department.objects.filter(code=value).exclude(code=""))
    return by_code or list(Department.objects.filter(name=value))


def department_heads(department_id: int | None) -> list[int]:
    """User ids of a department's most senior active staff (lowest Position.rank); all of
    them on a tie."""
    if department_id is None:
        return []
    ranked = Staff.objects.filter(user__is_active=True, department_id=department_id, position__isnull=False)
    top = ranked.order_by("position__rank").values_list("position__rank", flat=True).first()
    if top is None:
        return []
    return list(ranked.filter(position__rank=top).order_by("id").values_list("user_id", flat=True))


def role_ids_of(user_id: int) -> QuerySet:
    """The user's role ids, as a subquery (values("role_id"))."""
    return Staff.roles.through.objects.filter(staff__user_id=user_id).values("role_id")


def department_ids_of(user_id: int) -> QuerySet:
    """The user's department id (at most one), as a subquery (values("department_id"))."""
    return Staff.objects.filter(user_id=user_id, department__isnull=False).values("department_id")
