"""Form templates: a JSON Schema (Draft 2020-12) for the data, plus layout hints.

    {"schema": {"type": "object", "properties": {...}, "required": [...]},
     "ui": {"order": ["reason", "days"], "fields": {"reason": {"widget": "textarea", "width": 24}}}}

The schema itself is checked against the Draft 2020-12 meta-schema (jsonschema); the `ui`
hints against UI_SCHEMA below, and both against each other (every field the hints or
`required` name must be a property), because a hint for a field that does not exist is a
typo the form designer wants to hear about.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

from templates_lib.validation.jsondoc import DRAFT_2020_12, schema_problems
from templates_lib.validation.problems import Problem, pointer

# Element Plus components the form renderer maps widgets to.
WIDGETS = (
    "input",
    "textarea",
    "number",
    "select",
    "radio",
    "checkbox",
    "switch",
    "date",
    "datetime",
    "daterange",
    "datetimerange",
    "time",
    "user",  # staff picker (组织机构)
    "department",  # department picker
    "upload",
    "richtext",
)

UI_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "order": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True},
        "fields": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    # Element Plus grid: 24 columns to a row.
                    "width": {"type": "integer", "minimum": 1, "maximum": 24},
                    "widget": {"enum": list(WIDGETS)},
                    "placeholder": {"type": "string"},
                    "help": {"type": "string"},
                    "rows": {"type": "integer", "minimum": 1, "maximum": 30},
                    "readonly": {"type": "boolean"},
                },
            },
        },
        "submit_label": {"type": "string", "minLength": 1, "maxLength": 20},
    },
}

ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["schema"],
    "additionalProperties": False,
    "properties": {"schema": {"type": "object"}, "ui": UI_SCHEMA},
}


def check_form(content) -> list[Problem]:
    problems = schema_problems(ENVELOPE_SCHEMA, content)
    if problems:
        return problems
    schema = content["schema"]
    declared = schema.get("$schema")
    if declared is not None and declared.rstrip("#") != DRAFT_2020_12:
        return [
            Problem(
                f"表单须使用 JSON Schema Draft 2020-12（$schema 应为 {DRAFT_2020_12}）。",
                pointer="/schema/$schema",
            )
        ]
    problems = schema_problems(Draft202012Validator.META_SCHEMA, schema, base=("schema",))
    if problems:
        return problems
    if schema.get("type") != "object":
        problems.append(Problem('表单的数据须为对象（"type": "object"）。', pointer="/schema/type"))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(Problem("表单至少要有一个字段（properties）。", pointer="/schema/properties"))
        return problems
    for index, name in enumerate(schema.get("required", [])):
        if name not in properties:
            problems.append(
                Problem(
                    f"必填字段“{name}”未在 properties 中定义。", pointer=pointer("schema", "required", index)
                )
            )
    ui = content.get("ui", {})
    for index, name in enumerate(ui.get("order", [])):
        if name not in properties:
            problems.append(
                Problem(
                    f"字段顺序中的“{name}”未在 properties 中定义。", pointer=pointer("ui", "order", index)
                )
            )
    for name in ui.get("fields", {}):
        if name not in properties:
            problems.append(
                Problem(
                    f"界面提示中的字段“{name}”未在 properties 中定义。", pointer=pointer("ui", "fields", name)
                )
            )
    return problems
