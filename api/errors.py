"""One error format for the whole API: {"code", "detail", "field"} (+ "errors" for many)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views import defaults
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
    if isinstance(exc, RequestDataTooBig):
        return Response({"code": "too_large", "detail": "请求内容超过大小上限。", "field": None}, status=413)
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


# Django-level handlers (config.urls_*): answers given where no DRF view ran, e.g. an unknown
# /api/ path, a body past DATA_UPLOAD_MAX_MEMORY_SIZE, a server error. JSON under /api/, the
# default pages elsewhere.


def _json_error(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": detail, "field": None},
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None):
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json_error(413, "too_large", "请求内容超过大小上限。")
    return _json_error(400, "invalid", "请求无效。")


def permission_denied(request, exception=None):
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _json_error(403, "permission_denied", "没有执行此操作的权限。")


def not_found(request, exception=None):
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _json_error(404, "not_found", f"没有这个接口：{request.path_info}")


def server_error(request):
    if not _is_api(request):
        return defaults.server_error(request)
    return _json_error(500, "server_error", "服务器内部错误，已记录。")
