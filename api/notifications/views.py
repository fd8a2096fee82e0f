"""The notification centre on a unit's host: my notifications, my unread count, reading
marks and my preferences. Everything is the caller's own: another person's notification is
404, and the unit's schema keeps other units' people out."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api.notifications import serializers as s
from api.permissions import IsUnitMember, client_ip
from oa.notifications import actions, queries


class NotificationListView(generics.ListAPIView):
    """My notifications, newest first (?kind=, ?unread=true|false)."""

    permission_classes = [IsUnitMember]
    serializer_class = s.NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("kind", str), OpenApiParameter("unread", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = s.NotificationListQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.notifications_for(self.request.user, **params.validated_data)


class UnreadCountView(APIView):
    """The bell's badge; also what the portal polls when the WebSocket is blocked."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.UnreadCountSerializer)
    def get(self, request):
        return Response({"unread": queries.unread_count(request.user)})


class MarkReadView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.NotificationSerializer)
    def post(self, request, pk: int):
        row = queries.get_notification_for_user(request.user, pk)
        return Response(s.NotificationSerializer(actions.do_mark_read(row, acting_user=request.user)).data)


class MarkAllReadView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReadAllSerializer, responses=s.ReadAllResultSerializer)
    def post(self, request):
        data = s.ReadAllSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = actions.do_mark_all_read(acting_user=request.user, kind=data.validated_data["kind"])
        return Response({"marked": marked, "unread": queries.unread_count(request.user)})


class PreferencesView(APIView):
    """Which kinds reach me (all on by default)."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.PreferenceSerializer(many=True))
    def get(self, request):
        return Response(s.PreferenceSerializer(queries.preferences_for(request.user), many=True).data)

    @extend_schema(request=s.PreferencesUpdateSerializer, responses=s.PreferenceSerializer(many=True))
    def put(self, request):
        data = s.PreferencesUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = {item["kind"]: item["enabled"] for item in data.validated_data["preferences"]}
        actions.do_set_notification_preferences(
            acting_user=request.user, choices=choices, ip=client_ip(request)
        )
        return Response(s.PreferenceSerializer(queries.preferences_for(request.user), many=True).data)
