"""Who may call what. Schema isolation keeps units apart; these keep roles apart."""

from __future__ import annotations

from django.db import connection
from rest_framework.permissions import BasePermission

from oa.directory.queries import has_permission


def on_console() -> bool:
    return connection.schema_name == "public"


class IsProvider(BasePermission):
    """Provider staff on the console host (public schema users are all provider staff)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(on_console() and user and user.is_authenticated and user.is_active and user.is_staff)


class IsUnitMember(BasePermission):
    """A signed-in user of the unit whose host this is."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(not on_console() and user and user.is_authenticated and user.is_active)


def unit_permission(code: str) -> type[BasePermission]:
    """A permission class requiring one of the unit's permission codes (granted by roles)."""

    class HasUnitPermission(IsUnitMember):
        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and has_permission(request.user, code)

    HasUnitPermission.__name__ = f"HasUnitPermission_{code.replace('.', '_')}"
    return HasUnitPermission


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
