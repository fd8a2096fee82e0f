"""WebSocket authentication: the unit comes from the Host header, the person from that unit's
session cookie, exactly as for HTTP (tenants.middleware, oa.core.middleware).

A socket is refused (closed before it is accepted) when the host is not a unit (the console,
an unknown host, a suspended unit), when the page's Origin is another host (cross-site socket
hijacking: the browser would send this unit's cookie with a socket another site opens), or
when the session is missing, expired, bound to another unit, or its user inactive. Consumers
read scope["unit_schema"] and scope["user"] and derive every group from them; nothing a
client sends can point a socket at another unit's groups.
"""

from __future__ import annotations

import time
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import get_public_schema_name, get_tenant_domain_model, schema_context


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _hostname(value: str) -> str:
    return (urlsplit(f"//{value}").hostname or "").lower()


def resolve_socket(host: str, origin: str, cookie_header: str) -> tuple[str | None, object]:
    """(unit schema or None, user or AnonymousUser) for a socket's handshake headers."""
    hostname = _hostname(host)
    if not hostname or (origin and _hostname(urlsplit(origin).netloc) != hostname):
        return None, AnonymousUser()
    with schema_context(get_public_schema_name()):
        domain = get_tenant_domain_model().objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        return None, AnonymousUser()
    unit = domain.tenant
    if unit.schema_name == get_public_schema_name() or unit.status == unit.Status.SUSPENDED:
        return None, AnonymousUser()
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:
        return unit.schema_name, AnonymousUser()
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return unit.schema_name, AnonymousUser()
    with schema_context(unit.schema_name):
        session = SessionStore(session_key=morsel.value)
        if session.get("oa_schema") != unit.schema_name:
            return unit.schema_name, AnonymousUser()
        started = session.get("oa_login_at")
        if started is not None and time.time() - started > settings.OA_ABSOLUTE_TIMEOUT_SECONDS:
            return unit.schema_name, AnonymousUser()
        # Django's own check: the session's auth hash must still match the account.
        user = get_user(SimpleNamespace(session=session))
        if user.is_authenticated:
            user = type(user).objects.select_related("account").get(pk=user.pk)
    return unit.schema_name, user if user.is_active else AnonymousUser()


class UnitSessionSocketMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        schema, user = await database_sync_to_async(resolve_socket)(
            _header(scope, b"host"), _header(scope, b"origin"), _header(scope, b"cookie")
        )
        return await self.inner({**scope, "unit_schema": schema, "user": user}, receive, send)
