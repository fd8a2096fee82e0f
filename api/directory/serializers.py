from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.auth.serializers import IdName
from oa.directory.models import AdminRoleRequest, Department, Position, Role, Staff


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "order"]


class DepartmentInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    order = serializers.IntegerField(required=False, default=0)


class DepartmentUpdateInput(DepartmentInput):
    name = serializers.CharField(max_length=200, required=False)
    order = serializers.IntegerField(required=False)


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "rank"]


class PositionInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    rank = serializers.IntegerField(required=False, default=100)


class PositionUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    rank = serializers.IntegerField(required=False)


class RoleSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, default=0)
    permissions = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Role
        fields = ["id", "name", "code", "permissions", "builtin", "member_count"]


class RoleInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=64)
    permissions = serializers.ListField(child=serializers.CharField(), default=list)


class RoleUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    permissions = serializers.ListField(child=serializers.CharField(), required=False)


class PermissionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class StaffSerializer(serializers.ModelSerializer):
    # The account's id: what other modules name people by (信息发布 audiences and publishers).
    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.account.display_name")
    email = serializers.CharField(source="user.email")
    is_active = serializers.BooleanField(source="user.is_active")
    department = IdName(allow_null=True)
    position = IdName(allow_null=True)
    roles = IdName(many=True)
    locked = serializers.SerializerMethodField()

    class Meta:
        model = Staff
        fields = [
            "id",
            "user_id",
            "username",
            "display_name",
            "department",
            "position",
            "phone",
            "email",
            "is_active",
            "locked",
            "roles",
        ]

    def get_locked(self, staff) -> bool:
        until = staff.user.account.locked_until
        return bool(until and until > timezone.now())


class StaffInput(serializers.Serializer):
    username = serializers.CharField(max_length=200, allow_blank=True)
    display_name = serializers.CharField(max_length=200, allow_blank=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    roles = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(), many=True, required=False, default=list
    )


class StaffUpdateInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=200, required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), required=False, allow_null=True
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    roles = serializers.PrimaryKeyRelatedField(queryset=Role.objects.all(), many=True, required=False)


class OneTimePasswordSerializer(serializers.Serializer):
    """A generated one-time password, shown once; it must be changed at next login."""

    username = serializers.CharField()
    password = serializers.CharField()


class AdminRoleRequestSerializer(serializers.ModelSerializer):
    staff = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = AdminRoleRequest
        fields = [
            "id",
            "staff",
            "role",
            "action",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "username": {"type": "string"},
                "display_name": {"type": "string"},
            },
        }
    )
    def get_staff(self, obj) -> dict:
        user = obj.staff.user
        return {"id": obj.staff_id, "username": user.username, "display_name": user.account.display_name}

    @extend_schema_field(
        {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    )
    def get_role(self, obj) -> dict:
        return {"code": obj.role.code, "name": obj.role.name}

    def get_requested_by(self, obj) -> str:
        return obj.requested_by.username if obj.requested_by else ""


class AdminRoleRequestInput(serializers.Serializer):
    staff = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())
    role = serializers.ChoiceField(choices=["sysadmin", "secadmin", "auditadmin"])
    action = serializers.ChoiceField(choices=AdminRoleRequest.Action.values)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ImportInput(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


class GeneratedPasswordSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    generated_passwords = GeneratedPasswordSerializer(many=True)
