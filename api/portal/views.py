from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.auth.me import me_payload, modules_payload
from api.auth.serializers import MeSerializer, ModuleSerializer
from api.permissions import IsUnitMember
from oa.directory.queries import permissions_of
from oa.portal.sections import LAYOUTS, HomeContext, home_sections


class HomeUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class HomeItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    link = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    unread = serializers.BooleanField()
    tag = serializers.CharField()
    tag_type = serializers.CharField()


class HomeGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    link = serializers.CharField()


class HomeSectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    layout = serializers.ChoiceField(choices=LAYOUTS)
    count = serializers.IntegerField(allow_null=True)
    more_link = serializers.CharField()
    start = serializers.DateTimeField(allow_null=True)
    groups = HomeGroupSerializer(many=True)
    items = HomeItemSerializer(many=True)


class HomeSerializer(serializers.Serializer):
    user = MeSerializer()
    unit = HomeUnitSerializer()
    modules = ModuleSerializer(many=True)
    sections = HomeSectionSerializer(many=True)


class HomeView(APIView):
    """The staff portal's home page (统一门户首页): who I am, what my unit has, and the
    registered sections (oa.portal.sections): to-do, notifications, calendar, shortcuts..."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=HomeSerializer)
    def get(self, request):
        unit = request.tenant
        ctx = HomeContext(
            user=request.user,
            unit=unit,
            now=timezone.now(),
            permissions=frozenset(permissions_of(request.user)),
        )
        return Response(
            {
                "user": me_payload(request.user, on_console=False),
                "unit": {"code": unit.code, "name": unit.name},
                "modules": modules_payload(unit),
                "sections": HomeSectionSerializer(home_sections(ctx), many=True).data,
            }
        )
