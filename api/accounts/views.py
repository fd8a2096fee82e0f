"""Provider accounts (平台账户): the people who run the console."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsProvider, client_ip
from oa.core.errors import ActionError, ErrorCode
from tenants import actions

User = get_user_model()


class ProviderAccountSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="account.display_name", default="")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "is_active", "last_login", "date_joined"]


class ProviderAccountInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    display_name = serializers.CharField(max_length=64)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ProviderAccountUpdateInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=64, required=False)
    is_active = serializers.BooleanField(required=False)


class ProviderAccountListView(generics.ListAPIView):
    permission_classes = [IsProvider]
    serializer_class = ProviderAccountSerializer

    def get_queryset(self):
        return User.objects.select_related("account").order_by("id")

    @extend_schema(request=ProviderAccountInput, responses={201: ProviderAccountSerializer})
    def post(self, request):
        data = ProviderAccountInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = actions.do_create_provider_account(
            acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(ProviderAccountSerializer(user).data, status=status.HTTP_201_CREATED)


class ProviderAccountDetailView(APIView):
    permission_classes = [IsProvider]

    @extend_schema(request=ProviderAccountUpdateInput, responses=ProviderAccountSerializer)
    def patch(self, request, pk: int):
        user = User.objects.select_related("account").filter(pk=pk).first()
        if user is None:
            raise ActionError(ErrorCode.NOT_FOUND, "账户不存在。", status=404)
        data = ProviderAccountUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = actions.do_update_provider_account(
            user, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(ProviderAccountSerializer(user).data)
