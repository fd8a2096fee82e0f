from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.auth.me import me_payload, modules_payload
from api.auth.serializers import MeSerializer, ModuleSerializer
from api.permissions import IsUnitMember


class HomeUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class HomeSerializer(serializers.Serializer):
    user = MeSerializer()
    unit = HomeUnitSerializer()
    modules = ModuleSerializer(many=True)


class HomeView(APIView):
    """The staff portal's home page (统一门户首页): who I am and what my unit has."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=HomeSerializer)
    def get(self, request):
        unit = request.tenant
        return Response(
            {
                "user": me_payload(request.user, on_console=False),
                "unit": {"code": unit.code, "name": unit.name},
                "modules": modules_payload(unit),
            }
        )
