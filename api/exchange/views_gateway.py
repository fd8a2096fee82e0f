"""网关交换 on the console: the gateway between this network and the other (政务外网 ↔ 政务内网)
done by the provider's operators — trust the peer's key, export bundles, import bundles."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exchange import serializers_gateway as s
from api.permissions import IsProvider, client_ip
from exchange import gateway, gateway_actions
from exchange.models import GatewayBundle
from oa.core.errors import ActionError, ErrorCode


class GatewayView(APIView):
    """This deployment's network and gateway key, the trusted peer gateways, and what waits for each."""

    permission_classes = [IsProvider]

    @extend_schema(responses=s.GatewayOverviewSerializer)
    def get(self, request):
        return Response(s.GatewayOverviewSerializer(gateway_actions.overview()).data)


class GatewayTrustView(APIView):
    """Trust the other network's gateway key (its public half, handed over out of band)."""

    permission_classes = [IsProvider]

    @extend_schema(
        request=s.GatewayTrustInput,
        responses={201: s.TrustedGatewaySerializer, 200: s.TrustedGatewaySerializer},
        description="201 when newly trusted, 200 when that key was trusted already; 409 when another "
        "key is trusted for the network and `replace` is not set.",
    )
    def post(self, request):
        data = s.GatewayTrustInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = gateway_actions.do_trust_gateway(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(
            s.TrustedGatewaySerializer(gateway_actions.trusted_entry(result.key)).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class GatewayExportView(APIView):
    """Export everything waiting for a network as one signed bundle, kept for download."""

    permission_classes = [IsProvider]

    @extend_schema(
        request=s.GatewayExportInput,
        responses={201: s.GatewayBundleSerializer},
        description="409 when nothing waits for that network (nothing is written).",
    )
    def post(self, request):
        data = s.GatewayExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = gateway_actions.do_export_bundle(
            data.validated_data["network"], acting_user=request.user, ip=client_ip(request)
        )
        return Response(s.GatewayBundleSerializer(result.bundle).data, status=status.HTTP_201_CREATED)


class GatewayImportView(APIView):
    """Import a bundle from the other network; importing the same bundle again delivers nothing new."""

    permission_classes = [IsProvider]
    parser_classes = [MultiPartParser]
    # api.uploads: a bundle carries many packages.
    upload_max_bytes = staticmethod(gateway.bundle_max_bytes)

    @extend_schema(
        request={"multipart/form-data": s.GatewayImportInput},
        responses={201: s.GatewayImportReportSerializer},
        description="400 (field `bundle`) when the bundle is refused whole: not a bundle, bad or untrusted "
        "signature, not for this network; no delivery is written. Packages refused one by one are in "
        "`refusals`.",
    )
    def post(self, request):
        data = s.GatewayImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["bundle"]
        limit = gateway.bundle_max_bytes()
        if upload.size > limit:
            raise ActionError(ErrorCode.INVALID, "网关包过大。", field="bundle", status=413)
        report = gateway_actions.do_import_bundle(
            upload.read(), acting_user=request.user, name=upload.name or "", ip=client_ip(request)
        )
        return Response(
            s.GatewayImportReportSerializer(s.import_report(report)).data, status=status.HTTP_201_CREATED
        )


class GatewayBundleListView(generics.ListAPIView):
    """Bundles exported and imported, newest first."""

    permission_classes = [IsProvider]
    serializer_class = s.GatewayBundleSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=list(GatewayBundle.Direction.values)),
            OpenApiParameter("network", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        qs = GatewayBundle.objects.order_by("-at", "-id")
        if params.get("direction") in GatewayBundle.Direction.values:
            qs = qs.filter(direction=params["direction"])
        if params.get("network", "").strip():
            qs = qs.filter(network=params["network"].strip())
        return qs


class GatewayBundleFileView(APIView):
    """An exported bundle's file, to carry across again (imported bundles are not kept: 404)."""

    permission_classes = [IsProvider]

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        bundle = GatewayBundle.objects.filter(pk=pk).first()
        if bundle is None:
            raise ActionError(ErrorCode.NOT_FOUND, "网关包记录不存在。", status=404)
        data = gateway_actions.read_bundle_file(bundle)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f"attachment; filename={gateway.bundle_file_name(bundle.bundle_id)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response
