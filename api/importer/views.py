"""历史数据导入 on a unit's host (holders of importer.manage, the 系统管理员 by default): upload
an export and read its dry-run report, start the real run, follow its progress, work through
the quarantine. Runs execute in Celery (oa/importer/tasks.py); the page polls the run."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.importer import serializers as s
from api.permissions import client_ip, unit_permission
from oa.importer import actions, queries
from oa.importer.errors import Reason
from templates_lib.validation.mapping import MAPPING_FIELDS

CanImport = unit_permission("importer.manage")


class RunListView(generics.ListAPIView):
    """Import runs, newest first (dry runs and real runs)."""

    permission_classes = [CanImport]
    serializer_class = s.RunSerializer
    parser_classes = [MultiPartParser]
    # api.uploads: a DXL export is copied to disk as it streams (oa.importer.uploads), under its own limit.
    upload_max_bytes = staticmethod(lambda: getattr(settings, "OA_IMPORT_MAX_BYTES", 4 * 1024**3))

    def get_queryset(self):
        return queries.list_runs()

    @extend_schema(
        request={"multipart/form-data": s.UploadInput},
        responses={201: s.RunDetailSerializer},
        description="Upload a DXL export or an XLSX/CSV register: the file is checked (a malformed or "
        "non-DXL file is refused with its line) and its dry run starts.",
    )
    def post(self, request):
        data = s.UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        run = actions.do_upload_import(
            upload,
            acting_user=request.user,
            name=upload.name,
            mapping=data.validated_data.get("mapping") or None,
            ip=client_ip(request),
        )
        return Response(_detail(run.pk), status=status.HTTP_201_CREATED)


def _detail(pk) -> dict:
    run = queries.get_run(pk)
    return s.RunDetailSerializer(run, context={"problems": queries.problems_by_rule(run)}).data


class RunDetailView(APIView):
    """One run: state, progress (done of total), the report by form, why a file was refused."""

    permission_classes = [CanImport]

    @extend_schema(responses=s.RunDetailSerializer)
    def get(self, request, pk: int):
        return Response(_detail(pk))


class RunStartView(APIView):
    permission_classes = [CanImport]

    @extend_schema(
        request=None,
        responses={201: s.RunDetailSerializer},
        description="Start the real run (正式导入) of a finished dry run: same file, same mapping.",
    )
    def post(self, request, pk: int):
        run = actions.do_start_import(queries.get_run(pk), acting_user=request.user, ip=client_ip(request))
        return Response(_detail(run.pk), status=status.HTTP_201_CREATED)


class RunQuarantineView(generics.ListAPIView):
    """The run's quarantine (隔离区): what was not imported, and why."""

    permission_classes = [CanImport]
    serializer_class = s.QuarantineItemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("reason", str, enum=list(Reason.values)),
            OpenApiParameter("rule", str),
            OpenApiParameter("resolved", bool),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        resolved = params.get("resolved")
        return queries.quarantine_of(
            queries.get_run(self.kwargs["pk"]),
            reason=params.get("reason", ""),
            rule=params.get("rule", ""),
            resolved=None if resolved in (None, "") else resolved.lower() in ("1", "true", "yes"),
        )


class RunDocumentsView(generics.ListAPIView):
    """Documents the run created, updated or found unchanged; `q` searches them as 办文 search does."""

    permission_classes = [CanImport]
    serializer_class = s.ImportedDocumentSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        run = queries.get_run(self.kwargs["pk"])
        return queries.imported_documents(run=run, query=self.request.query_params.get("q", ""))


class QuarantineDetailView(APIView):
    permission_classes = [CanImport]

    @extend_schema(responses=s.QuarantineDetailSerializer)
    def get(self, request, pk: int):
        return Response(s.QuarantineDetailSerializer(queries.get_quarantine_item(pk)).data)


class QuarantineRetryView(APIView):
    permission_classes = [CanImport]

    @extend_schema(
        request=s.RetryInput,
        responses=s.QuarantineDetailSerializer,
        description="修正后重试: map the record again with the fixes; `resolved` says whether it was imported, "
        "otherwise `reason`/`message` say what is still wrong.",
    )
    def post(self, request, pk: int):
        data = s.RetryInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = actions.do_retry_quarantined(
            queries.get_quarantine_item(pk),
            acting_user=request.user,
            fixes=dict(data.validated_data),
            ip=client_ip(request),
        )
        return Response(s.QuarantineDetailSerializer(item).data)


class OptionsView(APIView):
    """What the import page offers: the mappings, the fields a fix may set, the reasons."""

    permission_classes = [CanImport]

    @extend_schema(responses=s.OptionsSerializer)
    def get(self, request):
        return Response(
            s.OptionsSerializer(
                {
                    "mappings": queries.available_mappings(),
                    "fields": [
                        {"name": name, "label": label, "kind": kind}
                        for name, (label, kind) in MAPPING_FIELDS.items()
                    ],
                    "reasons": [{"code": code, "label": label} for code, label in Reason.choices],
                }
            ).data
        )
