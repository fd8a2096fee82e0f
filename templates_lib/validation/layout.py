"""Layout templates: the red-header 版头 and the 版记 of a unit's documents (GB/T 9704-2012).

The numbers in the built-in layout are the standard's: A4, 版心 156 × 225 mm, top margin
37 mm, binding margin 28 mm, body 3号仿宋 in 22 lines of 28 characters, title 2号小标宋, a
red 发文机关标志 and a red rule under the 发文字号 (GB/T 9704-2012 §5, §7.2), 版记 rules
0.35 mm for the first and last, 0.25 mm between (§7.4.1). A unit may change fonts (the
official ones are licensed; free CJK fonts stand in) and colours, not the shape.
"""

from __future__ import annotations

import re

from templates_lib.validation.jsondoc import schema_problems
from templates_lib.validation.problems import Problem, pointer

# Chinese type sizes (字号) the standard speaks in, or a size in points.
FONT_SIZES = ["初号", "小初", "一号", "小一", "二号", "小二", "三号", "小三", "四号", "小四", "五号", "小五"]
COLOR = {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}
FONT = {
    "type": "object",
    "required": ["family", "size"],
    "additionalProperties": False,
    "properties": {
        "family": {"type": "string", "minLength": 1, "maxLength": 40},
        "fallback": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "size": {"anyOf": [{"enum": FONT_SIZES}, {"type": "number", "minimum": 5, "maximum": 72}]},
        "bold": {"type": "boolean"},
        "color": COLOR,
    },
}
SHOWN_FIELD = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"show": {"type": "boolean"}, "font": FONT},
}
MM = {"type": "number", "minimum": 0, "maximum": 100}

LAYOUT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["paper", "header", "body", "footer"],
    "additionalProperties": False,
    "properties": {
        "paper": {
            "type": "object",
            "required": ["size", "margins_mm"],
            "additionalProperties": False,
            "properties": {
                "size": {"const": "A4"},
                "margins_mm": {
                    "type": "object",
                    "required": ["top", "bottom", "left", "right"],
                    "additionalProperties": False,
                    "properties": {"top": MM, "bottom": MM, "left": MM, "right": MM},
                },
                "lines_per_page": {"type": "integer", "minimum": 10, "maximum": 40},
                "chars_per_line": {"type": "integer", "minimum": 10, "maximum": 40},
            },
        },
        "header": {
            "type": "object",
            "required": ["agency_mark", "doc_number", "separator"],
            "additionalProperties": False,
            "properties": {
                "copy_number": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "show": {"type": "boolean"},
                        "digits": {"const": 6},  # 份号: 6 位阿拉伯数字 (§7.2.1)
                        "font": FONT,
                    },
                },
                "classification": SHOWN_FIELD,
                "urgency": SHOWN_FIELD,
                "agency_mark": {
                    "type": "object",
                    "required": ["text", "color", "font"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": 60},
                        "color": COLOR,
                        "font": FONT,
                        "top_mm": MM,
                        "joint_agencies": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    },
                },
                "doc_number": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "font": FONT,
                        "gap_lines": {"type": "integer", "minimum": 0, "maximum": 5},
                    },
                },
                "signer": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "label": {"type": "string", "minLength": 1},
                        "label_font": FONT,
                        "name_font": FONT,
                    },
                },
                "separator": {
                    "type": "object",
                    "required": ["color"],
                    "additionalProperties": False,
                    "properties": {"color": COLOR, "width_mm": MM | {"maximum": 210}, "gap_mm": MM},
                },
            },
        },
        "body": {
            "type": "object",
            "required": ["title_font", "text_font"],
            "additionalProperties": False,
            "properties": {
                "title_font": FONT,
                "text_font": FONT,
                "heading_fonts": {"type": "array", "items": FONT, "maxItems": 4},
            },
        },
        "footer": {
            "type": "object",
            "required": ["copy_to", "printing"],
            "additionalProperties": False,
            "properties": {
                "copy_to": {
                    "type": "object",
                    "required": ["label"],
                    "additionalProperties": False,
                    "properties": {"label": {"type": "string", "minLength": 1}, "font": FONT},
                },
                "printing": {
                    "type": "object",
                    "required": ["agency", "date_format"],
                    "additionalProperties": False,
                    "properties": {
                        "agency": {"type": "string", "minLength": 1},
                        "date_format": {"type": "string", "minLength": 1},
                        "font": FONT,
                    },
                },
                "rules": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "outer_mm": {"type": "number", "minimum": 0.1, "maximum": 2},
                        "inner_mm": {"type": "number", "minimum": 0.1, "maximum": 2},
                    },
                },
            },
        },
        "page_number": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"font": FONT, "format": {"type": "string", "minLength": 1}},
        },
    },
}

# What the renderer fills in at print time.
PLACEHOLDERS = {"机关名称", "机关简称", "年", "月", "日", "页码"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
A4_MM = (210, 297)


def _placeholder_problems(value, path: tuple) -> list[Problem]:
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            problems += _placeholder_problems(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _placeholder_problems(item, (*path, index))
    elif isinstance(value, str):
        for name in _PLACEHOLDER.findall(value):
            if name not in PLACEHOLDERS:
                problems.append(
                    Problem(
                        f"不认识的占位符“{{{name}}}”，可用：{'、'.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}。",
                        pointer=pointer(*path),
                    )
                )
    return problems


def check_layout(content) -> list[Problem]:
    problems = schema_problems(LAYOUT_SCHEMA, content)
    if problems:
        return problems
    problems = _placeholder_problems(content, ())
    margins = content["paper"]["margins_mm"]
    width = A4_MM[0] - margins["left"] - margins["right"]
    height = A4_MM[1] - margins["top"] - margins["bottom"]
    if width < 100 or height < 150:
        problems.append(
            Problem(
                f"页边距过大：版心只剩 {width:g} × {height:g} mm（GB/T 9704 为 156 × 225 mm）。",
                pointer="/paper/margins_mm",
            )
        )
    return problems
