from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.db import connection
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.auth.me import me_payload, modules_payload
from api.auth.serializers import (
    ContextSerializer,
    LoginInput,
    MeSerializer,
    PasswordChangeInput,
    TokenCreatedSerializer,
    TokenInput,
    TokenSerializer,
)
from api.permissions import client_ip, on_console
from oa.core import actions
from oa.core.errors import ActionError, ErrorCode
from oa.core.models import ApiToken

PLATFORM_NAME = "统一电子公文办公平台"


class ContextView(APIView):
    """Which host this is: the console or a unit (anonymous, for the login page)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=ContextSerializer)
    def get(self, request):
        unit = None
        if not on_console():
            tenant = request.tenant
            unit = {
                "code": tenant.code,
                "name": tenant.name,
                "kind": tenant.kind,
                "status": tenant.status,
                "modules": modules_payload(tenant),
            }
        return Response(
            {"kind": "console" if on_console() else "unit", "platform_name": PLATFORM_NAME, "unit": unit}
        )


@method_decorator(ensure_csrf_cookie, name="get")
class CsrfView(APIView):
    """Sets the csrftoken cookie that unsafe requests must echo in X-CSRFToken."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={204: None})
    def get(self, request):
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=LoginInput, responses=MeSerializer)
    def post(self, request):
        # DRF checks CSRF only for signed-in users; a login form needs it too (login CSRF).
        SessionAuthentication().enforce_csrf(request)
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = actions.authenticate_credentials(
            data.validated_data["username"], data.validated_data["password"], ip=client_ip(request)
        )
        if on_console() and not user.is_staff:
            raise ActionError(ErrorCode.INVALID_CREDENTIALS, "用户名或密码错误。")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Bind the session to this schema: a session is only ever valid on its own unit's host.
        request.session["oa_schema"] = connection.schema_name
        return Response(me_payload(user, on_console=on_console()))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if request.user.is_authenticated:
            actions.do_logout(request.user, ip=client_ip(request))
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(me_payload(request.user, on_console=on_console()))


class PasswordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordChangeInput, responses={204: None})
    def post(self, request):
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_change_password(request.user, ip=client_ip(request), **data.validated_data)
        # Changing the password must not log the user out of this session.
        update_session_auth_hash(request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        return Response(TokenSerializer(ApiToken.objects.filter(user=request.user), many=True).data)

    @extend_schema(request=TokenInput, responses={201: TokenCreatedSerializer})
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, plaintext = actions.do_create_api_token(
            request.user, name=data.validated_data["name"], ip=client_ip(request)
        )
        token.token = plaintext
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        # Only one's own tokens: another user's token id answers 404.
        token = ApiToken.objects.filter(user=request.user, pk=pk).first()
        if token is None:
            raise ActionError(ErrorCode.NOT_FOUND, "令牌不存在。", status=404)
        actions.do_revoke_api_token(token, acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
