"""Audit events of the current schema: the provider's on the console, a unit's on its host."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission

from api.permissions import IsProvider, on_console, unit_permission
from oa.core.models import AuditEvent

CanViewUnitAudit = unit_permission("audit.view")


class CanViewAudit(BasePermission):
    def has_permission(self, request, view) -> bool:
        checker = IsProvider() if on_console() else CanViewUnitAudit()
        return checker.has_permission(request, view)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "summary",
            "detail",
            "ip",
            "created_at",
        ]


class AuditEventListView(generics.ListAPIView):
    permission_classes = [CanViewAudit]
    serializer_class = AuditEventSerializer

    @extend_schema(parameters=[OpenApiParameter("action", str, description="action prefix, e.g. auth.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = AuditEvent.objects.all()
        action = self.request.query_params.get("action")
        if action:
            qs = qs.filter(action__startswith=action)
        return qs
