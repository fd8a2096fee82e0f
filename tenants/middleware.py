from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Unit


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


class UnitHostMiddleware(TenantMainMiddleware):
    """Selects the unit's schema from the host; unknown hosts and suspended units get a clear page."""

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if tenant.schema_name != "public" and tenant.status == Unit.Status.SUSPENDED:
            connection.set_schema_to_public()
            if _wants_json(request):
                return JsonResponse(
                    {
                        "code": "unit_suspended",
                        "detail": f"单位“{tenant.name}”已停用：{tenant.suspend_reason}",
                        "field": None,
                    },
                    status=403,
                )
            html = render_to_string("tenants/suspended.html", {"unit": tenant}, request=None)
            return HttpResponse(html, status=403)
        return None

    def no_tenant_found(self, request, hostname):
        if _wants_json(request):
            return JsonResponse(
                {"code": "unknown_host", "detail": f"没有地址为 {hostname} 的单位。", "field": None},
                status=404,
            )
        html = render_to_string("tenants/unknown_host.html", {"hostname": hostname}, request=None)
        return HttpResponse(html, status=404)
