"""Request checks shared by every API operation, before any view runs (issue 19 items 4, 6)."""

from __future__ import annotations

from django.http import JsonResponse

from api.params import check_query
from oa.core.errors import ActionError


def error_response(status: int, code: str, detail: str, field: str | None = None) -> JsonResponse:
    """The API's error format ({code, detail, field}), for answers given outside DRF's views."""
    return JsonResponse(
        {"code": code, "detail": detail, "field": field},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class ApiInputMiddleware:
    """Query parameters (api.params), for every /api/ request. (Body sizes: api.uploads and
    api.parsers, applied while the body streams in.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            refused = self.refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refusal(self, request):
        try:
            check_query(request.GET)
        except ActionError as exc:
            return error_response(exc.status, str(exc.code), exc.detail, exc.field)
        return None
