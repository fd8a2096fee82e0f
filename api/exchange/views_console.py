"""公文交换 on the console: the directory's external units, the groups (address lists), and the
hub monitor (volumes per day and unit, stuck deliveries, retries, refused packages)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exchange import serializers as s
from api.exchange.views_unit import group_context
from api.permissions import IsProvider, client_ip
from exchange import actions, directory, queries
from exchange.models import Delivery, Party, PartyGroup
from oa.core.errors import ActionError, ErrorCode


def get_party(code: str) -> Party:
    party = Party.objects.filter(code=code).first()
    if party is None:
        raise ActionError(ErrorCode.NOT_FOUND, f"交换目录中没有“{code}”。", status=404)
    return party


def get_group(pk: int) -> PartyGroup:
    group = PartyGroup.objects.filter(pk=pk).first()
    if group is None:
        raise ActionError(ErrorCode.NOT_FOUND, "单位组不存在。", status=404)
    return group


class PartyListView(generics.ListAPIView):
    """交换目录: platform units (mirrored from the registry) and external units."""

    permission_classes = [IsProvider]
    serializer_class = s.PartySerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("kind", str)])
    def get(self, request, *args, **kwargs):
        directory.sync_platform_units()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return queries.directory_entries(
            q=params.get("q", "").strip(), kind=params.get("kind", "").strip(), include_inactive=True
        )

    @extend_schema(request=s.PartyCreateInput, responses={201: s.PartySerializer})
    def post(self, request):
        data = s.PartyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        party = actions.do_create_external_party(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.PartySerializer(party).data, status=status.HTTP_201_CREATED)


class PartyDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=s.PartyUpdateInput, responses=s.PartySerializer)
    def patch(self, request, code: str):
        data = s.PartyUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        party = actions.do_update_external_party(
            get_party(code),
            acting_user=request.user,
            changes=dict(data.validated_data),
            ip=client_ip(request),
        )
        return Response(s.PartySerializer(party).data)

    @extend_schema(responses={204: None})
    def delete(self, request, code: str):
        actions.do_delete_external_party(get_party(code), acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupListView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.PartyGroupSerializer(many=True))
    def get(self, request):
        directory.sync_platform_units()
        groups = list(queries.groups())
        return Response(s.PartyGroupSerializer(groups, many=True, context=group_context(groups)).data)

    @extend_schema(request=s.PartyGroupInput, responses={201: s.PartyGroupSerializer})
    def post(self, request):
        data = s.PartyGroupInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        group = actions.do_create_group(
            acting_user=request.user, code=fields.pop("code", ""), fields=fields, ip=client_ip(request)
        )
        return Response(
            s.PartyGroupSerializer(group, context=group_context([group])).data, status=status.HTTP_201_CREATED
        )


class GroupDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(responses=s.PartyGroupSerializer)
    def get(self, request, pk: int):
        group = get_group(pk)
        return Response(s.PartyGroupSerializer(group, context=group_context([group])).data)

    @extend_schema(request=s.PartyGroupInput, responses=s.PartyGroupSerializer)
    def patch(self, request, pk: int):
        data = s.PartyGroupInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "code"}
        group = actions.do_update_group(
            get_group(pk), acting_user=request.user, fields=fields, ip=client_ip(request)
        )
        return Response(s.PartyGroupSerializer(group, context=group_context([group])).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        actions.do_delete_group(get_group(pk), acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MonitorView(APIView):
    """The hub monitor: volumes per day and unit, delivery states, stuck deliveries, retries."""

    permission_classes = [IsProvider]

    @extend_schema(parameters=[OpenApiParameter("days", int)], responses=s.MonitorSerializer)
    def get(self, request):
        days = request.query_params.get("days", "30")
        days = min(max(int(days), 1), 366) if days.isdigit() else 30
        return Response(s.MonitorSerializer(queries.monitor(days=days)).data)


class HubDeliveryListView(generics.ListAPIView):
    """Deliveries across the hub (metadata only), e.g. the stuck ones (`stuck=1`)."""

    permission_classes = [IsProvider]
    serializer_class = s.HubDeliverySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(Delivery.State.values)),
            OpenApiParameter("stuck", bool),
            OpenApiParameter("unit", str, description="sender or recipient code"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        if params.get("stuck") in ("1", "true"):
            return queries.stuck_deliveries()
        qs = Delivery.objects.select_related("envelope__sender", "recipient").order_by("-created_at", "-id")
        if params.get("state") in Delivery.State.values:
            qs = qs.filter(state=params["state"])
        unit = params.get("unit", "").strip()
        if unit:
            from django.db.models import Q

            qs = qs.filter(Q(recipient__code=unit) | Q(envelope__sender__code=unit))
        return qs


class HubDeliveryRetryView(APIView):
    """Queue a delivery that is still waiting again now (the sweep would, a little later)."""

    permission_classes = [IsProvider]

    @extend_schema(request=None, responses={202: s.HubDeliverySerializer})
    def post(self, request, pk: int):
        delivery = actions.do_retry_delivery(pk, acting_user=request.user, ip=client_ip(request))
        return Response(s.HubDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class RefusalListView(generics.ListAPIView):
    """Packages the hub refused, and why."""

    permission_classes = [IsProvider]
    serializer_class = s.RefusalSerializer

    def get_queryset(self):
        return queries.refusals()
