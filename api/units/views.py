from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsProvider, client_ip
from api.units.serializers import (
    BulkInput,
    CatalogueEntrySerializer,
    DeleteInput,
    JobSerializer,
    SuspendInput,
    UnitCreatedSerializer,
    UnitCreateInput,
    UnitSerializer,
    UnitUpdateInput,
)
from oa.core.errors import ActionError, ErrorCode
from tenants import actions
from tenants.bulk import parse_units_csv
from tenants.jobs import do_create_provision_job, do_release_job_credentials, do_resume_job
from tenants.models import Job, Unit
from tenants.modules import CATALOGUE, UNIT_KINDS


def get_unit(code: str) -> Unit:
    unit = Unit.objects.exclude(schema_name="public").filter(code=code).first()
    if unit is None:
        raise ActionError(ErrorCode.NOT_FOUND, f"单位“{code}”不存在。", status=404)
    return unit


class UnitListView(generics.ListAPIView):
    permission_classes = [IsProvider]
    serializer_class = UnitSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="code or name contains"),
            OpenApiParameter("status", str, enum=["active", "suspended"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = Unit.objects.exclude(schema_name="public").order_by("code")
        search = self.request.query_params.get("search", "").strip()
        if search:
            qs = qs.filter(Q(code__icontains=search) | Q(name__icontains=search))
        state = self.request.query_params.get("status")
        if state in Unit.Status.values:
            qs = qs.filter(status=state)
        return qs

    @extend_schema(request=UnitCreateInput, responses={201: UnitCreatedSerializer})
    def post(self, request):
        data = UnitCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = actions.do_provision_unit(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        unit = result.unit
        unit.admin_username, unit.admin_password = result.admin_username, result.admin_password
        return Response(UnitCreatedSerializer(unit).data, status=status.HTTP_201_CREATED)


class UnitDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=UnitSerializer)
    def get(self, request, code: str):
        return Response(UnitSerializer(get_unit(code)).data)

    @extend_schema(request=UnitUpdateInput, responses=UnitSerializer)
    def patch(self, request, code: str):
        data = UnitUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        unit = actions.do_update_unit(
            get_unit(code), acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(UnitSerializer(unit).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("confirm", str, required=True, description="the unit's code, typed to confirm")
        ],
        responses={204: None},
    )
    def delete(self, request, code: str):
        # The confirmation may come as ?confirm= (clients that send no DELETE body) or in the body.
        data = DeleteInput(
            data={"confirm": request.query_params.get("confirm", request.data.get("confirm", ""))}
        )
        data.is_valid(raise_exception=True)
        actions.do_delete_unit(
            get_unit(code),
            acting_user=request.user,
            confirm=data.validated_data["confirm"],
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnitSuspendView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=SuspendInput, responses=UnitSerializer)
    def post(self, request, code: str):
        data = SuspendInput(data=request.data)
        data.is_valid(raise_exception=True)
        unit = actions.do_suspend_unit(
            get_unit(code),
            acting_user=request.user,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(UnitSerializer(unit).data)


class UnitResumeView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=None, responses=UnitSerializer)
    def post(self, request, code: str):
        unit = actions.do_resume_unit(get_unit(code), acting_user=request.user, ip=client_ip(request))
        return Response(UnitSerializer(unit).data)


class UnitBulkView(APIView):
    permission_classes = [IsProvider]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": BulkInput}, responses={202: JobSerializer})
    def post(self, request):
        data = BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        units = parse_units_csv(data.validated_data["file"].read())
        job = do_create_provision_job(units, acting_user=request.user, ip=client_ip(request))
        from tenants.tasks import provision_units_job

        transaction.on_commit(lambda: provision_units_job.delay(job.pk))
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=JobSerializer)
    def get(self, request, pk: int):
        job = Job.objects.filter(pk=pk).first()
        if job is None:
            raise ActionError(ErrorCode.NOT_FOUND, "任务不存在。", status=404)
        # Generated admin passwords reach the provider who started the job, once.
        results = do_release_job_credentials(job, acting_user=request.user, ip=client_ip(request))
        job.refresh_from_db()
        return Response(JobSerializer(job, context={"results": results}).data)


class JobResumeView(APIView):
    """继续执行: a job whose worker died is queued again; units already provisioned are skipped."""

    permission_classes = [IsProvider]

    @extend_schema(request=None, responses={202: JobSerializer})
    def post(self, request, pk: int):
        job = Job.objects.filter(pk=pk).first()
        if job is None:
            raise ActionError(ErrorCode.NOT_FOUND, "任务不存在。", status=404)
        job = do_resume_job(job, acting_user=request.user, ip=client_ip(request))
        results = do_release_job_credentials(job, acting_user=request.user, ip=client_ip(request))
        return Response(
            JobSerializer(job, context={"results": results}).data, status=status.HTTP_202_ACCEPTED
        )


class ModuleCatalogueView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=CatalogueEntrySerializer(many=True))
    def get(self, request):
        return Response(
            [
                {"code": m.code, "name": m.name, "name_en": m.name_en, "description": m.description}
                for m in CATALOGUE
            ]
        )


class UnitKindsView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=CatalogueEntrySerializer(many=True))
    def get(self, request):
        return Response([{"code": k.code, "name": k.name, "name_en": k.name_en} for k in UNIT_KINDS])
