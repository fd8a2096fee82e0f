"""One error format for the whole API: {"code", "detail", "field"} (+ "errors" for many)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from oa.core.errors import ActionError

STATUS_CODES = {
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested validation errors as a flat list of {field, code, detail}."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out += _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                out += _flatten(value, f"{prefix}[{index}]" if prefix else str(index))
            else:
                out += _flatten(value, prefix)
    else:
        out.append(
            {"field": prefix or None, "code": getattr(detail, "code", "invalid"), "detail": str(detail)}
        )
    return out


def exception_handler(exc, context):
    if isinstance(exc, ActionError):
        body = {"code": str(exc.code), "detail": exc.detail, "field": exc.field}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0] if errors else {"field": None, "code": "invalid", "detail": "输入有误。"}
        label = f"{first['field']}: " if first["field"] else ""
        response.data = {
            "code": first["code"],
            "detail": f"{label}{first['detail']}",
            "field": first["field"],
            "errors": errors,
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or STATUS_CODES.get(response.status_code, "error")
        if response.status_code == status.HTTP_401_UNAUTHORIZED or code == "not_authenticated":
            detail, code = "请先登录。", "not_authenticated"
        elif code == "permission_denied":
            detail = "没有执行此操作的权限。"
        response.data = {"code": code, "detail": str(detail), "field": None}
    return response
