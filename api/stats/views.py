"""平台统计: the provider's dashboard (console host) and a unit admin's own figures (unit host).
Both read the daily roll-ups in the public schema (stats/), never a unit's schema."""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.permissions import IsProvider, unit_permission
from api.stats import serializers as s
from stats import exports, queries
from stats.models import UnitDay
from tenants.models import Unit

WINDOW_PARAMETERS = [
    OpenApiParameter("period", str, enum=sorted(queries.PERIODS)),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
]
KIND_PARAMETER = OpenApiParameter("kind", str)
UNIT_PARAMETERS = [
    *WINDOW_PARAMETERS,
    KIND_PARAMETER,
    OpenApiParameter("ordering", str),
    OpenApiParameter("search", str),
]


def _query(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _window(params) -> dict:
    window = params["window"]
    return {"period": params["period"], "first": window.first, "last": window.last}


def _computed_at(unit_ids=None):
    rows = UnitDay.objects.all()
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return rows.aggregate(at=Max("computed_at"))["at"]


class PlatformOverviewView(APIView):
    """The article's figures for the whole platform (or one unit kind), their trend per week or
    month, and the split by unit kind."""

    permission_classes = [IsProvider]

    @extend_schema(parameters=[*WINDOW_PARAMETERS, KIND_PARAMETER], responses=s.PlatformOverviewSerializer)
    def get(self, request):
        params = _query(s.WindowQuery, request)
        kind = params.get("kind") or ""
        window = params["window"]
        data = {
            "window": _window(params),
            "figures": queries.platform_headline(kind),
            "series": queries.series(params["period"], window, kind=kind),
            "by_kind": queries.by_kind(window),
            "computed_at": _computed_at(),
        }
        return Response(s.PlatformOverviewSerializer(data).data)


class UnitTableView(generics.ListAPIView):
    """Per unit over the period: each flow summed, 用户数 at its end; sortable, paged."""

    permission_classes = [IsProvider]
    serializer_class = s.UnitRowSerializer
    pagination_class = Pagination

    def get_queryset(self):
        params = _query(s.UnitsQuery, self.request)
        return queries.per_unit(
            params["window"],
            kind=params.get("kind") or "",
            ordering=params["ordering"],
            search=params.get("search") or "",
        )

    @extend_schema(parameters=UNIT_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitTableExportView(APIView):
    """The same table, every unit, as an XLSX workbook."""

    permission_classes = [IsProvider]

    @extend_schema(
        parameters=UNIT_PARAMETERS,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY
            )
        },
    )
    def get(self, request):
        params = _query(s.UnitsQuery, request)
        window = params["window"]
        rows = queries.per_unit(
            window,
            kind=params.get("kind") or "",
            ordering=params["ordering"],
            search=params.get("search") or "",
        )
        content, filename = exports.units_xlsx(rows, window.first, window.last)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response


class UnitOverviewView(APIView):
    """本单位统计: the same figures for the unit whose host this is (its administrator)."""

    permission_classes = [unit_permission("directory.manage")]

    @extend_schema(parameters=WINDOW_PARAMETERS, responses=s.UnitOverviewSerializer)
    def get(self, request):
        params = _query(s.WindowQuery, request)
        unit = Unit.objects.get(schema_name=request.tenant.schema_name)
        ids = [unit.pk]
        data = {
            "window": _window(params),
            "figures": queries.headline(unit_ids=ids),
            "series": queries.series(params["period"], params["window"], unit_ids=ids),
            "computed_at": _computed_at(ids),
        }
        return Response(s.UnitOverviewSerializer(data).data)
