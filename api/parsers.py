"""The API's JSON parser: bounded in size and in nesting (issue 19 items 4 and 6).

DRF's own parser reads the whole stream and lets Python's decoder recurse: a body nested 3,000
deep raised RecursionError (a 500, even anonymously on login). This one reads at most
DATA_UPLOAD_MAX_MEMORY_SIZE + 1 bytes (413 past it), refuses nesting deeper than
OA_JSON_MAX_DEPTH before decoding (a scan of the text, no recursion), and answers every
malformed body with a 400 in the API's error format. It is DRF's default parser, and every view
that lists parsers lists this one.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from oa.core.errors import ActionError, ErrorCode

DEFAULT_MAX_DEPTH = 32


def max_depth() -> int:
    return getattr(settings, "OA_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def nesting_depth(text: str) -> int:
    """The deepest [ / { nesting of a JSON text, strings skipped; no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def too_large(limit: int, field: str | None = None) -> ActionError:
    return ActionError(
        ErrorCode.TOO_LARGE, f"请求内容超过大小上限 {limit // (1024 * 1024)} MB。", field=field, status=413
    )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large(limit)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError("JSON 内容的编码无效。") from exc
        if nesting_depth(text) > max_depth():
            raise ActionError(ErrorCode.TOO_DEEP, f"JSON 嵌套超过 {max_depth()} 层。")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON 格式错误：{exc}") from exc


def _refuse_constant(name: str):
    raise ValueError(f"不支持 {name}")


class FormParser(parsers.FormParser):
    """application/x-www-form-urlencoded, read at most DATA_UPLOAD_MAX_MEMORY_SIZE + 1 bytes."""

    def parse(self, stream, media_type=None, parser_context=None):
        from django.http import QueryDict

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large(limit)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(raw, encoding=encoding)
