"""Import mappings (导入映射): which legacy form becomes which kind of record, item by item.

    {"description": "...", "timezone": "Asia/Shanghai",
     "forms": [
        {"name": "发文", "match": ["FaWen", "发文稿纸"], "record": "outgoing",
         "fields": {"title": ["Subject", "标题"], "doc_number": ["DocNumber", "文号"]},
         "required": ["title"], "defaults": {"retention": "D10"}},
        {"name": "其他文档", "match": ["*"], "record": "archive", "direction": "incoming",
         "fields": {"title": ["Subject", "Title"]}, "title_fallback": ["{first_text}", "{form}（{key}）"]}],
     "registers": [{"form": "收文", "columns": ["来文单位"]}]}

A Domino note is matched to the first form whose `match` holds its form name (case-insensitive,
as Notes compares them); `*` matches every form and may only be the last entry. Each field
lists the item names (or spreadsheet column headers) to read, the first non-empty one wins;
what a field does with the value (a date, a person, a 文号 ...) is fixed by the field, so a
unit admin only says where it is. Items no field names are kept with the record, never dropped.
`record` says what the document becomes: outgoing (发文), incoming (收文) or archive (仅存档:
filed under `direction`, incoming unless said). `registers` tells a spreadsheet's form from its
header: the first entry all of whose columns the sheet has. The importer (oa/importer) is the
implementation; this module owns the format.
"""

from __future__ import annotations

import re
from datetime import date

from templates_lib.validation.jsondoc import schema_problems
from templates_lib.validation.problems import Problem, pointer

# field: (label, what its value is). The kinds are the importer's converters.
MAPPING_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "text"),
    "doc_type": ("文种", "doc_type"),
    "doc_number": ("发文字号 / 来文字号", "doc_number"),
    "incoming_number": ("收文编号", "text"),
    "source_agency": ("来文单位", "text"),
    "agency_name": ("发文机关", "text"),
    "main_recipients": ("主送机关", "text"),
    "copy_to": ("抄送机关", "text"),
    "signature_agency": ("发文机关署名", "text"),
    "printing_agency": ("印发机关", "text"),
    "signer": ("签发人", "name"),
    "authors": ("拟稿人 / 作者", "names"),
    "department": ("拟稿部门 / 承办部门", "department"),
    "issued_date": ("成文日期", "date"),
    "received_on": ("收文日期", "date"),
    "printing_date": ("印发日期", "date"),
    "deadline": ("办理期限", "date"),
    "signed_at": ("签发时间", "datetime"),
    "created_at": ("创建时间", "datetime"),
    "classification": ("密级", "classification"),
    "secrecy_period": ("保密期限", "text"),
    "urgency": ("紧急程度", "urgency"),
    "copy_number": ("份号", "text"),
    "copies": ("份数", "integer"),
    "publish_level": ("公开属性", "publish_level"),
    "retention": ("保管期限", "retention"),
    "note": ("附注", "text"),
    "body": ("正文", "body"),
}
RECORD_KINDS = {"outgoing": "发文", "incoming": "收文", "archive": "仅存档"}
DIRECTIONS = ("incoming", "outgoing")
FALLBACK_PLACEHOLDERS = {"form", "key", "first_text", "created", "source"}
CATCH_ALL = "*"

# Values a default may take for the choice fields: the stored value or its Chinese label.
_CHOICES = {
    "doc_type": (
        [
            "决议",
            "决定",
            "命令",
            "令",
            "公报",
            "公告",
            "通告",
            "意见",
            "通知",
            "通报",
            "报告",
            "请示",
            "批复",
            "议案",
            "函",
            "纪要",
        ]
    ),
    "classification": ["none", "secret", "confidential", "top_secret", "无", "公开", "秘密", "机密", "绝密"],
    "urgency": ["normal", "urgent", "very_urgent", "普通", "平件", "加急", "急件", "特急"],
    "publish_level": ["public", "on_request", "not_public", "主动公开", "依申请公开", "不予公开"],
    "retention": ["Y", "D30", "D10", "永久", "长期", "30年", "定期30年", "短期", "10年", "定期10年"],
}

_NAMES = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1, "maxLength": 100}}
MAPPING_SCHEMA = {
    "type": "object",
    "required": ["forms"],
    "additionalProperties": False,
    "properties": {
        "description": {"type": "string"},
        "timezone": {"type": "string", "minLength": 1},
        "forms": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "match", "record"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 60},
                    "description": {"type": "string"},
                    "match": _NAMES,
                    "record": {"enum": list(RECORD_KINDS)},
                    "direction": {"enum": list(DIRECTIONS)},
                    "fields": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": dict.fromkeys(MAPPING_FIELDS, _NAMES),
                    },
                    "required": {
                        "type": "array",
                        "items": {"enum": list(MAPPING_FIELDS)},
                        "uniqueItems": True,
                    },
                    "defaults": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            name: {"type": ["string", "integer"]} for name in MAPPING_FIELDS if name != "body"
                        },
                    },
                    "key": _NAMES,
                    "title_fallback": {"type": "array", "items": {"type": "string", "minLength": 1}},
                },
            },
        },
        "registers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["form", "columns"],
                "additionalProperties": False,
                "properties": {"form": {"type": "string", "minLength": 1}, "columns": _NAMES},
            },
        },
    },
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_mapping(content) -> list[Problem]:
    problems = schema_problems(MAPPING_SCHEMA, content)
    if problems:
        return problems
    timezone = content.get("timezone")
    if timezone is not None and not _known_zone(timezone):
        problems.append(Problem(f"不认识的时区“{timezone}”（例如 Asia/Shanghai）。", pointer="/timezone"))
    names: dict[str, int] = {}
    matched: dict[str, int] = {}
    forms = content["forms"]
    for index, form in enumerate(forms):
        at = ("forms", index)
        name = form["name"].strip()
        if name in names:
            problems.append(
                Problem(f"表单名称“{name}”与第 {names[name] + 1} 项重复。", pointer=pointer(*at, "name"))
            )
        names.setdefault(name, index)
        for position, value in enumerate(form["match"]):
            folded = value.strip().casefold()
            if folded == CATCH_ALL and index != len(forms) - 1:
                problems.append(
                    Problem(
                        "“*”匹配所有表单，只能放在最后一项（之后的项永远不会被用到）。",
                        pointer=pointer(*at, "match", position),
                    )
                )
            elif folded in matched and matched[folded] != index:
                problems.append(
                    Problem(
                        f"表单“{value}”已由第 {matched[folded] + 1} 项匹配，这里不会生效。",
                        pointer=pointer(*at, "match", position),
                    )
                )
            matched.setdefault(folded, index)
        if "direction" in form and form["record"] != "archive":
            problems.append(
                Problem(
                    "只有仅存档（archive）记录需要指定归入收文或发文。", pointer=pointer(*at, "direction")
                )
            )
        fields = form.get("fields", {})
        defaults = form.get("defaults", {})
        for field in form.get("required", []):
            if field not in fields and field not in defaults:
                problems.append(
                    Problem(
                        f"必填字段“{MAPPING_FIELDS[field][0]}”({field}) 既没有对应的条目，也没有默认值。",
                        pointer=pointer(*at, "required"),
                    )
                )
        for field, value in defaults.items():
            problem = _default_problem(field, value)
            if problem:
                problems.append(Problem(problem, pointer=pointer(*at, "defaults", field)))
        for position, text in enumerate(form.get("title_fallback", [])):
            unknown = [p for p in _PLACEHOLDER.findall(text) if p not in FALLBACK_PLACEHOLDERS]
            if unknown:
                problems.append(
                    Problem(
                        f"不认识的占位符“{{{unknown[0]}}}”，可用 "
                        + "、".join(f"{{{p}}}" for p in sorted(FALLBACK_PLACEHOLDERS))
                        + "。",
                        pointer=pointer(*at, "title_fallback", position),
                    )
                )
    for index, register in enumerate(content.get("registers", [])):
        if register["form"].strip() not in names and register["form"].strip().casefold() not in matched:
            problems.append(
                Problem(
                    f"登记簿指向的表单“{register['form']}”不在 forms 中。",
                    pointer=pointer("registers", index, "form"),
                )
            )
    return problems


def _default_problem(field: str, value) -> str | None:
    label, kind = MAPPING_FIELDS[field]
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"“{label}”的默认值须为非负整数。"
        return None
    if not isinstance(value, str) or not value.strip():
        return f"“{label}”的默认值须为非空文本。"
    if kind in _CHOICES and value.strip() not in _CHOICES[kind]:
        return f"“{label}”的默认值“{value}”不在允许范围内：{'、'.join(_CHOICES[kind])}。"
    if kind in ("date", "datetime"):
        try:
            date.fromisoformat(value.strip()[:10])
        except ValueError:
            return f"“{label}”的默认值须为 YYYY-MM-DD 格式的日期。"
    return None


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
