from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from oa.core.actions import token_digest
from oa.core.models import Account, ApiToken

# What a user whose password must be changed (reset or initial) may still call.
PASSWORD_CHANGE_ALLOWED = frozenset(
    {"/api/auth/me/", "/api/auth/password/", "/api/auth/logout/", "/api/context/", "/api/portal/home/"}
)


def refuse_until_password_changed(request, user) -> None:
    """An initial or reset password must be changed before anything else (等保: 初始口令须修改)."""
    if request.path in PASSWORD_CHANGE_ALLOWED:
        return
    account = Account.objects.filter(user=user).only("must_change_password").first()
    if account is not None and account.must_change_password:
        raise exceptions.PermissionDenied(
            detail="请先修改初始密码后再继续。", code="password_change_required"
        )


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refuse_until_password_changed(request, result[0])
        return result


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer oa_...`. Tokens live in the unit's own schema, so a token of one
    unit authenticates nobody on another unit's host."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确。")
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(header[1])).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已撤销。")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        refuse_until_password_changed(request, token.user)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "API token (oa_...)"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
