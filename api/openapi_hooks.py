"""drf-spectacular postprocessing: every operation declares its error answers (issue 11 item 3).

All errors share one format (api.errors): {code, detail, field} (+ `errors` for several fields).
Every operation may answer 400 (a bad parameter, api.params), 401, 403 and 404 (an unknown or
invisible object); one that changes something may also answer 409 (a conflicting state), 422
(a refused exchange package), 423 (a locked account) and 429 (too soon again); one with a
request body 413 (too large) and 415 (another media type). What a view declares itself is kept.
"""

from __future__ import annotations

ERROR_SCHEMA = "Error"

ERROR_COMPONENT = {
    "type": "object",
    "description": "一个错误：code 是机器可读的原因，detail 是中文说明，field 是出错的字段（没有则为 null）。",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "field": {"type": "string", "nullable": True},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["code", "detail", "field"],
            },
        },
    },
    "required": ["code", "detail", "field"],
}

DESCRIPTIONS = {
    "400": "输入有误（field 指出字段或参数）",
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "404": "不存在或不可见",
    "409": "状态冲突",
    "413": "内容过大",
    "415": "不支持的内容类型",
    "422": "内容被拒收",
    "423": "账号已锁定",
    "429": "操作过于频繁",
}

EVERY_OPERATION = ("400", "401", "403", "404")
CHANGING = ("409", "422", "423", "429")
WITH_BODY = ("413", "415")
METHODS = ("get", "post", "put", "patch", "delete")


def declare_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA] = ERROR_COMPONENT
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            codes = list(EVERY_OPERATION)
            if method != "get":
                codes += CHANGING
            if "requestBody" in operation:
                codes += WITH_BODY
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": reference}},
                        "description": DESCRIPTIONS[code],
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result
