"""JSON content: checking it against a JSON Schema and reporting JSON pointers."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from templates_lib.validation.problems import Problem, pointer

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# Chinese wording for the validation keywords our own schemas use; the rest fall back to
# jsonschema's English message.
_MESSAGES = {
    "required": "缺少必填项",
    "type": "类型不正确",
    "enum": "取值不在允许范围内",
    "const": "取值不正确",
    "pattern": "格式不正确",
    "minimum": "数值过小",
    "maximum": "数值过大",
    "minLength": "不能为空或过短",
    "maxLength": "过长",
    "minItems": "项数过少",
    "uniqueItems": "有重复项",
    "additionalProperties": "含有不认识的属性",
    "minProperties": "不能为空",
    "anyOf": "不符合任何允许的形式",
    "oneOf": "不符合允许的形式",
}


def schema_problems(schema: dict, instance, *, base: tuple = ()) -> list[Problem]:
    """Every place `instance` breaks `schema`, deepest first per branch, as problems."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(Problem(_describe(error), pointer=pointer(*base, *error.absolute_path) or "/"))
    return problems


def _describe(error: ValidationError) -> str:
    label = _MESSAGES.get(str(error.validator))
    if label is None:
        return error.message
    return f"{label}（{error.message}）"
