"""The template library on the console (provider staff only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import JSONParser
from api.permissions import IsProvider, client_ip
from api.templates import serializers as s
from oa.core.errors import ActionError, ErrorCode
from templates_lib import actions
from templates_lib.diffing import structural_diff, unified_diff
from templates_lib.kinds import TemplateKind
from templates_lib.models import Template, TemplateVersion
from templates_lib.queries import list_starter_kits, list_templates


def get_template(pk: int) -> Template:
    template = list_templates().filter(pk=pk).first()
    if template is None:
        raise ActionError(ErrorCode.NOT_FOUND, "模板不存在。", status=404)
    return template


def get_version(template: Template, number: int, *, field: str | None = None) -> TemplateVersion:
    version = template.versions.select_related("template").filter(number=number).first()
    if version is None:
        raise ActionError(
            ErrorCode.NOT_FOUND, f"模板“{template.name}”没有第 {number} 版。", field=field, status=404
        )
    return version


class TemplateListView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=TemplateKind.values)],
        responses=s.TemplateSerializer(many=True),
    )
    def get(self, request):
        kind = request.query_params.get("kind")
        templates = list_templates(kind=kind if kind in TemplateKind.values else None)
        return Response(s.TemplateSerializer(templates, many=True).data)

    @extend_schema(request=s.TemplateCreateInput, responses={201: s.TemplateSerializer})
    def post(self, request):
        data = s.TemplateCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        template = actions.do_create_template(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.TemplateSerializer(get_template(template.pk)).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.TemplateDetailSerializer)
    def get(self, request, pk: int):
        template = get_template(pk)
        return Response(s.TemplateDetailSerializer(template).data)


class VersionListView(APIView):
    permission_classes = [IsProvider]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": s.DraftJsonInput, "multipart/form-data": s.DraftFileInput},
        responses={201: s.VersionDetailSerializer},
        description="Upload a new draft version: a file (multipart) or the content in a JSON body.",
    )
    def post(self, request, pk: int):
        template = get_template(pk)
        if "file" in request.FILES:
            data = s.DraftFileInput(data=request.data)
            data.is_valid(raise_exception=True)
            content = data.validated_data["file"].read()
        else:
            data = s.DraftJsonInput(data=request.data)
            data.is_valid(raise_exception=True)
            content = data.validated_data["content"]
        version = actions.do_add_draft_version(
            template,
            acting_user=request.user,
            content=content,
            notes=data.validated_data["notes"],
            ip=client_ip(request),
        )
        return Response(s.VersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.VersionDetailSerializer)
    def get(self, request, pk: int, number: int):
        return Response(s.VersionDetailSerializer(get_version(get_template(pk), number)).data)

    @extend_schema(request=s.DraftUpdateInput, responses=s.VersionDetailSerializer)
    def patch(self, request, pk: int, number: int):
        version = get_version(get_template(pk), number)
        data = s.DraftUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = actions.do_update_draft_version(
            version, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.VersionDetailSerializer(version).data)


class VersionPublishView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=None, responses=s.VersionDetailSerializer)
    def post(self, request, pk: int, number: int):
        version = get_version(get_template(pk), number)
        version = actions.do_publish_version(version, acting_user=request.user, ip=client_ip(request))
        return Response(s.VersionDetailSerializer(version).data)


class TemplateDiffView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="the older version number"),
            OpenApiParameter("to", int, required=True, description="the newer version number"),
        ],
        responses=s.DiffSerializer,
    )
    def get(self, request, pk: int):
        template = get_template(pk)
        numbers = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name, "")
            if not raw.isdigit():
                raise ActionError(ErrorCode.REQUIRED, f"请给出要比较的版本号（?{name}=）。", field=name)
            numbers[name] = int(raw)
        old = get_version(template, numbers["from"], field="from")
        new = get_version(template, numbers["to"], field="to")
        return Response(
            {
                "kind": template.kind,
                "from_version": old.number,
                "to_version": new.number,
                "unified": unified_diff(
                    template.kind,
                    old.content,
                    new.content,
                    old_label=f"{template.code} v{old.number}",
                    new_label=f"{template.code} v{new.number}",
                ),
                "changes": structural_diff(template.kind, old.content, new.content),
            }
        )


class StarterKitListView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.StarterKitSerializer(many=True))
    def get(self, request):
        return Response(s.StarterKitSerializer(list_starter_kits(), many=True).data)


class StarterKitDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.StarterKitSerializer)
    def get(self, request, pk: int):
        kit = list_starter_kits().filter(pk=pk).first()
        if kit is None:
            raise ActionError(ErrorCode.NOT_FOUND, "开通套件不存在。", status=404)
        return Response(s.StarterKitSerializer(kit).data)
