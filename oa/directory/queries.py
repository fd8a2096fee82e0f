"""Reads that decide who may do what in a unit's directory."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from oa.directory.models import Department, Role, Staff


def staff_for(user) -> Staff | None:
    return Staff.objects.select_related("department", "position").filter(user=user).first()


def permissions_of(user) -> set[str]:
    """Permission codes the user holds through roles (none for inactive or anonymous users)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    codes: set[str] = set()
    for perms in Role.objects.filter(members__user=user).values_list("permissions", flat=True):
        codes.update(perms)
    return codes


def has_permission(user, code: str) -> bool:
    return code in permissions_of(user)


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
