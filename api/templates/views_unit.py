"""A unit's own templates on the unit's host (unit admins with templates.manage)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import client_ip, unit_permission
from api.templates import serializers as s
from oa.core.errors import ActionError, ErrorCode
from oa.templates import actions
from oa.templates.models import UnitTemplate
from oa.templates.queries import get_unit_template, library_for_unit, list_unit_templates
from oa.templates.upgrades import plan_upgrade
from templates_lib.kinds import TemplateKind
from templates_lib.queries import latest_published_numbers

CanManageTemplates = unit_permission("templates.manage")


def get_template(pk: int) -> UnitTemplate:
    template = get_unit_template(pk)
    if template is None:
        raise ActionError(ErrorCode.NOT_FOUND, "模板不存在。", status=404)
    return template


def with_latest() -> dict:
    return {"latest": latest_published_numbers()}


class UnitTemplateListView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=TemplateKind.values)],
        responses=s.UnitTemplateSerializer(many=True),
    )
    def get(self, request):
        kind = request.query_params.get("kind")
        templates = list_unit_templates(kind=kind if kind in TemplateKind.values else None)
        return Response(s.UnitTemplateSerializer(templates, many=True, context=with_latest()).data)

    @extend_schema(
        request=s.InstantiateInput,
        responses={201: s.UnitTemplateDetailSerializer},
        description="Bring a published library template into the unit.",
    )
    def post(self, request):
        data = s.InstantiateInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = actions.do_instantiate_template(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        body = s.UnitTemplateDetailSerializer(template, context=with_latest()).data
        return Response(body, status=status.HTTP_201_CREATED)


class LibraryView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(responses=s.LibraryEntrySerializer(many=True))
    def get(self, request):
        return Response(s.LibraryEntrySerializer(library_for_unit(), many=True).data)


class UnitTemplateDetailView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(responses=s.UnitTemplateDetailSerializer)
    def get(self, request, pk: int):
        return Response(s.UnitTemplateDetailSerializer(get_template(pk), context=with_latest()).data)

    @extend_schema(request=s.UnitTemplateEditInput, responses=s.UnitTemplateDetailSerializer)
    def patch(self, request, pk: int):
        data = s.UnitTemplateEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = actions.do_edit_unit_template(
            get_template(pk), acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.UnitTemplateDetailSerializer(template, context=with_latest()).data)


class UnitTemplateForkView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(request=s.ForkInput, responses={201: s.UnitTemplateDetailSerializer})
    def post(self, request, pk: int):
        data = s.ForkInput(data=request.data)
        data.is_valid(raise_exception=True)
        fork = actions.do_fork_unit_template(
            get_template(pk), acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        body = s.UnitTemplateDetailSerializer(fork, context=with_latest()).data
        return Response(body, status=status.HTTP_201_CREATED)


class UpgradePreviewView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(
        request=s.UpgradeInput,
        responses=s.UpgradePreviewSerializer,
        description="What an upgrade would do, with the resolutions given so far. Writes nothing.",
    )
    def post(self, request, pk: int):
        data = s.UpgradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_upgrade(get_template(pk), **data.validated_data)
        return Response(s.UpgradePreviewSerializer(plan.preview()).data)


class UpgradeView(APIView):
    permission_classes = [CanManageTemplates]

    @extend_schema(
        request=s.UpgradeInput,
        responses=s.UnitTemplateDetailSerializer,
        description="Upgrade to a newer library version; 409 merge_conflict lists conflicts still to choose.",
    )
    def post(self, request, pk: int):
        data = s.UpgradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = actions.do_upgrade_unit_template(
            get_template(pk), acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.UnitTemplateDetailSerializer(template, context=with_latest()).data)
