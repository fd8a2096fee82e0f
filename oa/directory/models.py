from __future__ import annotations

from django.conf import settings
from django.db import models


class Department(models.Model):
    """A department (部门) in the unit's org tree."""

    name = models.CharField(max_length=64)
    code = models.CharField(max_length=32, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.IntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="department_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="department_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position (职务), e.g. 主任, 科长, 科员; rank orders them (lower is more senior)."""

    name = models.CharField(max_length=64, unique=True)
    rank = models.IntegerField(default=100)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role grants permission codes (oa/directory/permissions.py) to its members."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=64, unique=True)
    permissions = models.JSONField(default=list)
    builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A staff member (人员): the unit-side profile of a user account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField(max_length=32, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="members")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.user.username


class AdminRoleRequest(models.Model):
    """A request to grant or revoke one of the three admin roles (三员授权申请).

    Filed by the unit's 安全管理员, decided by the provider on the console (two-person rule,
    ADR 0015): nobody in the unit can give themselves or anyone else an admin role.
    """

    class Action(models.TextChoices):
        GRANT = "grant", "授予"
        REVOKE = "revoke", "撤销"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"
        WITHDRAWN = "withdrawn", "已撤回"

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="admin_role_requests")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The provider staff member who decided (a public-schema account: kept as text).
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "role"],
                condition=models.Q(status="pending"),
                name="admin_role_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.role_id} for {self.staff_id} ({self.status})"
