from __future__ import annotations

from dataclasses import asdict

from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.directory import serializers as s
from api.permissions import IsUnitMember, client_ip, unit_permission
from oa.core.actions import do_unlock_account
from oa.core.errors import ActionError, ErrorCode
from oa.directory import actions
from oa.directory.admin_roles import do_request_admin_role
from oa.directory.importing import do_import_staff
from oa.directory.models import AdminRoleRequest, Department, Position, Role, Staff
from oa.directory.permissions import PERMISSIONS
from oa.directory.queries import list_staff, roles_with_counts

CanManageDirectory = unit_permission("directory.manage")
CanManageRoles = unit_permission("roles.manage")
CanManageSecurity = unit_permission("security.manage")


def read_permission(write_permission):
    """Everyone in the unit may read the directory (it is the unit's address book); writes need the code."""

    class Permission(write_permission):
        def has_permission(self, request, view) -> bool:
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return IsUnitMember().has_permission(request, view)
            return super().has_permission(request, view)

    return Permission


def require_roles_permission(request, view) -> None:
    if not CanManageRoles().has_permission(request, view):
        raise ActionError(
            ErrorCode.PERMISSION_DENIED, "授予角色需要“管理角色与授权”权限。", field="roles", status=403
        )


def get_or_404(model: type[Model], pk: int, label: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ActionError(ErrorCode.NOT_FOUND, f"{label}不存在。", status=404)
    return obj


class DepartmentListView(APIView):
    permission_classes = [read_permission(CanManageDirectory)]

    @extend_schema(responses=s.DepartmentSerializer(many=True))
    def get(self, request):
        return Response(s.DepartmentSerializer(Department.objects.all(), many=True).data)

    @extend_schema(request=s.DepartmentInput, responses={201: s.DepartmentSerializer})
    def post(self, request):
        data = s.DepartmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        dept = actions.do_create_department(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.DepartmentSerializer(dept).data, status=status.HTTP_201_CREATED)


class DepartmentDetailView(APIView):
    permission_classes = [CanManageDirectory]

    @extend_schema(request=s.DepartmentUpdateInput, responses=s.DepartmentSerializer)
    def patch(self, request, pk: int):
        dept = get_or_404(Department, pk, "部门")
        data = s.DepartmentUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        dept = actions.do_update_department(
            dept, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.DepartmentSerializer(dept).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        actions.do_delete_department(
            get_or_404(Department, pk, "部门"), acting_user=request.user, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PositionListView(APIView):
    permission_classes = [read_permission(CanManageDirectory)]

    @extend_schema(responses=s.PositionSerializer(many=True))
    def get(self, request):
        return Response(s.PositionSerializer(Position.objects.all(), many=True).data)

    @extend_schema(request=s.PositionInput, responses={201: s.PositionSerializer})
    def post(self, request):
        data = s.PositionInput(data=request.data)
        data.is_valid(raise_exception=True)
        position = actions.do_create_position(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.PositionSerializer(position).data, status=status.HTTP_201_CREATED)


class PositionDetailView(APIView):
    permission_classes = [CanManageDirectory]

    @extend_schema(request=s.PositionUpdateInput, responses=s.PositionSerializer)
    def patch(self, request, pk: int):
        position = get_or_404(Position, pk, "职务")
        data = s.PositionUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        position = actions.do_update_position(
            position, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.PositionSerializer(position).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        actions.do_delete_position(
            get_or_404(Position, pk, "职务"), acting_user=request.user, ip=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleListView(APIView):
    permission_classes = [read_permission(CanManageRoles)]

    @extend_schema(responses=s.RoleSerializer(many=True))
    def get(self, request):
        return Response(s.RoleSerializer(roles_with_counts(), many=True).data)

    @extend_schema(request=s.RoleInput, responses={201: s.RoleSerializer})
    def post(self, request):
        data = s.RoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        role = actions.do_create_role(acting_user=request.user, ip=client_ip(request), **data.validated_data)
        return Response(
            s.RoleSerializer(roles_with_counts().get(pk=role.pk)).data, status=status.HTTP_201_CREATED
        )


class RoleDetailView(APIView):
    permission_classes = [CanManageRoles]

    @extend_schema(request=s.RoleUpdateInput, responses=s.RoleSerializer)
    def patch(self, request, pk: int):
        role = get_or_404(Role, pk, "角色")
        data = s.RoleUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        actions.do_update_role(role, acting_user=request.user, ip=client_ip(request), **data.validated_data)
        return Response(s.RoleSerializer(roles_with_counts().get(pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        actions.do_delete_role(get_or_404(Role, pk, "角色"), acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PermissionListView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.PermissionSerializer(many=True))
    def get(self, request):
        return Response([asdict(p) for p in PERMISSIONS])


class StaffListView(generics.ListAPIView):
    permission_classes = [read_permission(CanManageDirectory)]
    serializer_class = s.StaffSerializer

    @extend_schema(parameters=[OpenApiParameter("search", str), OpenApiParameter("department", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        department = self.request.query_params.get("department")
        return list_staff(
            search=self.request.query_params.get("search", "").strip(),
            department_id=int(department) if department and department.isdigit() else None,
        )

    @extend_schema(request=s.StaffInput, responses={201: s.StaffSerializer})
    def post(self, request):
        data = s.StaffInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["roles"]:
            require_roles_permission(request, self)
        # An administrator chose this password: the person must change it at first login.
        staff = actions.do_create_staff(
            acting_user=request.user, ip=client_ip(request), must_change_password=True, **data.validated_data
        )
        return Response(s.StaffSerializer(staff).data, status=status.HTTP_201_CREATED)


def get_staff(pk: int) -> Staff:
    staff = (
        Staff.objects.select_related("user", "user__account", "department", "position").filter(pk=pk).first()
    )
    if staff is None:
        raise ActionError(ErrorCode.NOT_FOUND, "人员不存在。", status=404)
    return staff


class StaffDetailView(APIView):
    permission_classes = [read_permission(CanManageDirectory)]

    @extend_schema(responses=s.StaffSerializer)
    def get(self, request, pk: int):
        return Response(s.StaffSerializer(get_staff(pk)).data)

    @extend_schema(request=s.StaffUpdateInput, responses=s.StaffSerializer)
    def patch(self, request, pk: int):
        staff = get_staff(pk)
        data = s.StaffUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "roles" in data.validated_data:
            require_roles_permission(request, self)
        staff = actions.do_update_staff(
            staff, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.StaffSerializer(get_staff(staff.pk)).data)


class StaffResetPasswordView(APIView):
    """A generated one-time password (never one the resetter chooses), shown once."""

    permission_classes = [CanManageSecurity]

    @extend_schema(request=None, responses=s.OneTimePasswordSerializer)
    def post(self, request, pk: int):
        staff = get_staff(pk)
        password = actions.do_reset_staff_password(staff, acting_user=request.user, ip=client_ip(request))
        return Response(
            s.OneTimePasswordSerializer({"username": staff.user.username, "password": password}).data
        )


class StaffUnlockView(APIView):
    permission_classes = [CanManageSecurity]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        do_unlock_account(get_staff(pk).user, acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffImportView(APIView):
    permission_classes = [CanManageDirectory]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": s.ImportInput}, responses=s.ImportResultSerializer)
    def post(self, request):
        data = s.ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = do_import_staff(
            upload.name,
            upload.read(),
            acting_user=request.user,
            dry_run=data.validated_data["dry_run"],
            can_grant_roles=CanManageRoles().has_permission(request, self),
            ip=client_ip(request),
        )
        return Response(s.ImportResultSerializer(asdict(result)).data)


class AdminRoleRequestListView(APIView):
    """三员授权申请: the 安全管理员 asks; the provider decides on the console (ADR 0015)."""

    permission_classes = [CanManageSecurity]

    @extend_schema(responses=s.AdminRoleRequestSerializer(many=True))
    def get(self, request):
        rows = AdminRoleRequest.objects.select_related("staff__user__account", "role", "requested_by")
        return Response(s.AdminRoleRequestSerializer(rows[:200], many=True).data)

    @extend_schema(request=s.AdminRoleRequestInput, responses={201: s.AdminRoleRequestSerializer})
    def post(self, request):
        data = s.AdminRoleRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = do_request_admin_role(
            acting_user=request.user,
            staff=data.validated_data["staff"],
            role_code=data.validated_data["role"],
            action=data.validated_data["action"],
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(s.AdminRoleRequestSerializer(row).data, status=status.HTTP_201_CREATED)
