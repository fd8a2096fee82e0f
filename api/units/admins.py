"""The provider's side of the three admins (三员) of a unit: the two-person rule (ADR 0015).

The unit's 安全管理员 files grant/revoke requests; the provider approves or rejects them here,
grants or revokes directly (a new unit's first officers), and resets an admin's password.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.directory.serializers import AdminRoleRequestSerializer, OneTimePasswordSerializer
from api.permissions import IsProvider, client_ip
from api.units.views import get_unit
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory import admin_roles
from oa.directory.models import AdminRoleRequest, Staff
from oa.directory.permissions import SEPARATED_ADMIN_ROLES


class UnitAdminSerializer(serializers.Serializer):
    staff_id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    locked = serializers.BooleanField()


class UnitAdminsSerializer(serializers.Serializer):
    admins = UnitAdminSerializer(many=True)
    requests = AdminRoleRequestSerializer(many=True)


class AdminChangeInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=sorted(SEPARATED_ADMIN_ROLES))
    action = serializers.ChoiceField(choices=AdminRoleRequest.Action.values)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _admins_payload() -> dict:
    now = timezone.now()
    admins = [
        {
            "staff_id": staff.pk,
            "username": staff.user.username,
            "display_name": staff.user.account.display_name,
            "roles": sorted(r.code for r in staff.roles.all() if r.code in SEPARATED_ADMIN_ROLES),
            "is_active": staff.user.is_active,
            "locked": bool(staff.user.account.locked_until and staff.user.account.locked_until > now),
        }
        for staff in admin_roles.admin_staff()
    ]
    rows = AdminRoleRequest.objects.select_related("staff__user__account", "role", "requested_by")[:200]
    # Serialised here, while the connection is on the unit's schema.
    return UnitAdminsSerializer({"admins": admins, "requests": list(rows)}).data


def _console_event(action: str, request, unit, summary: str, detail: dict) -> None:
    record_event(
        action,
        acting_user=request.user,
        target=unit,
        summary=summary,
        detail=detail,
        ip=client_ip(request),
    )


class UnitAdminsView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=UnitAdminsSerializer)
    def get(self, request, code: str):
        unit = get_unit(code)
        with schema_context(unit.schema_name):
            payload = _admins_payload()
        return Response(payload)

    @extend_schema(request=AdminChangeInput, responses=UnitAdminsSerializer)
    def post(self, request, code: str):
        unit = get_unit(code)
        data = AdminChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        with transaction.atomic():
            with schema_context(unit.schema_name):
                staff = (
                    Staff.objects.select_related("user").filter(user__username__iexact=v["username"]).first()
                )
                if staff is None:
                    raise ActionError(
                        ErrorCode.NOT_FOUND,
                        f"本单位没有用户“{v['username']}”。",
                        field="username",
                        status=404,
                    )
                admin_roles.do_provider_change_admin_role(
                    provider_user=request.user,
                    staff=staff,
                    role_code=v["role"],
                    action=v["action"],
                    ip=client_ip(request),
                )
                payload = _admins_payload()
            _console_event(
                f"units.admin_role_{'granted' if v['action'] == 'grant' else 'revoked'}",
                request,
                unit,
                f"{unit.name}：{'授予' if v['action'] == 'grant' else '撤销'} {v['username']} 的三员角色 {v['role']}",
                {"username": staff.user.username, "role": v["role"], "action": v["action"]},
            )
        return Response(payload)


class UnitAdminRequestDecisionView(APIView):
    permission_classes = [IsProvider]
    approve = True

    @extend_schema(request=DecisionInput, responses=AdminRoleRequestSerializer)
    def post(self, request, code: str, pk: int):
        unit = get_unit(code)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            with schema_context(unit.schema_name):
                row = AdminRoleRequest.objects.filter(pk=pk).first()
                if row is None:
                    raise ActionError(ErrorCode.NOT_FOUND, "申请不存在。", status=404)
                row = admin_roles.do_decide_admin_role_request(
                    row,
                    provider_user=request.user,
                    approve=self.approve,
                    note=data.validated_data["note"],
                    ip=client_ip(request),
                )
                body = AdminRoleRequestSerializer(row).data
            _console_event(
                f"units.admin_role_request_{row.status}",
                request,
                unit,
                f"{unit.name}：{'批准' if self.approve else '驳回'}三员授权申请 #{row.pk}",
                {"request": row.pk, "role": body["role"]["code"], "username": body["staff"]["username"]},
            )
        return Response(body)


class UnitAdminRequestRejectView(UnitAdminRequestDecisionView):
    approve = False


class UnitAdminResetPasswordView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=None, responses={200: OneTimePasswordSerializer})
    def post(self, request, code: str, pk: int):
        unit = get_unit(code)
        with transaction.atomic():
            with schema_context(unit.schema_name):
                staff = Staff.objects.select_related("user").filter(pk=pk).first()
                if staff is None:
                    raise ActionError(ErrorCode.NOT_FOUND, "人员不存在。", status=404)
                password = admin_roles.do_provider_reset_admin_password(
                    provider_user=request.user, staff=staff, ip=client_ip(request)
                )
                username = staff.user.username
            _console_event(
                "units.admin_password_reset",
                request,
                unit,
                f"{unit.name}：重置三员 {username} 的密码（一次性密码）",
                {"username": username},
            )
        return Response(OneTimePasswordSerializer({"username": username, "password": password}).data)
