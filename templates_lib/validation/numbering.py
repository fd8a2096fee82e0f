"""Numbering templates: how a unit's document numbers (发文字号, 收文编号) are made.

    {"purpose": "outgoing", "pattern": "{机关代字}〔{年}〕{序号}号", "agency_abbr": "思政办",
     "reset": "yearly", "start": 1}

《党政机关公文处理工作条例》第九条 and GB/T 9704-2012 §7.2.4: 发文字号 = 发文机关代字 +
年份 + 发文顺序号; the year in full, in 六角括号〔〕; the number without leading zeros
(不编虚位) and without 第. The pattern has no padding option for that reason. The library's
rules leave the agency abbreviation empty: each unit fills in its own.
"""

from __future__ import annotations

import re

from templates_lib.validation.jsondoc import schema_problems
from templates_lib.validation.problems import Problem

PLACEHOLDERS = {"机关代字", "年", "序号"}
PURPOSES = {"outgoing": "发文字号", "incoming": "收文编号", "other": "其他编号"}

NUMBERING_SCHEMA = {
    "type": "object",
    "required": ["purpose", "pattern", "reset"],
    "additionalProperties": False,
    "properties": {
        "purpose": {"enum": list(PURPOSES)},
        "pattern": {"type": "string", "minLength": 1, "maxLength": 60},
        "agency_abbr": {"type": "string", "maxLength": 20},
        "reset": {"enum": ["yearly", "never"]},
        "start": {"type": "integer", "minimum": 1},
        "description": {"type": "string"},
    },
}

_TOKEN = re.compile(r"\{([^{}]*)\}")


def placeholders(pattern: str) -> list[tuple[str, int]]:
    """(name, character offset) of every {placeholder} in the pattern."""
    return [(m.group(1), m.start()) for m in _TOKEN.finditer(pattern)]


def check_numbering(content) -> list[Problem]:
    problems = schema_problems(NUMBERING_SCHEMA, content)
    if problems:
        return problems
    pattern = content["pattern"]
    at = "/pattern"
    found = placeholders(pattern)
    # A brace outside every {placeholder} is an unbalanced one.
    inside = {i for m in _TOKEN.finditer(pattern) for i in range(m.start(), m.end())}
    for offset, char in enumerate(pattern):
        if char in "{}" and offset not in inside:
            problems.append(Problem(f"第 {offset + 1} 个字符：花括号不成对。", pointer=at))
            break
    for name, offset in found:
        if name not in PLACEHOLDERS:
            problems.append(
                Problem(
                    f"第 {offset + 1} 个字符：不认识的占位符“{{{name}}}”，可用 {{机关代字}}、{{年}}、{{序号}}。",
                    pointer=at,
                )
            )
    names = [name for name, _offset in found]
    if names.count("序号") != 1:
        problems.append(Problem("编号规则须恰好含一个 {序号}。", pointer=at))
    if content["reset"] == "yearly" and "年" not in names:
        problems.append(Problem("按年重新编号的规则须含 {年}，否则各年的编号会重复。", pointer=at))
    if content["purpose"] == "outgoing":
        if "机关代字" not in names:
            problems.append(Problem("发文字号须含 {机关代字}（条例第九条）。", pointer=at))
        if "年" in names and "〔{年}〕" not in pattern:
            problems.append(
                Problem("发文字号的年份须用六角括号括入：〔{年}〕（GB/T 9704 §7.2.4）。", pointer=at)
            )
        if "第{序号}" in pattern:
            problems.append(Problem("发文顺序号前不加“第”（GB/T 9704 §7.2.4）。", pointer=at))
    return problems


def render_number(rule: dict, *, year: int, sequence: int, agency_abbr: str | None = None) -> str:
    """The number a rule gives, e.g. 思政办〔2026〕12号 (no leading zeros, ever)."""
    values = {
        "机关代字": agency_abbr if agency_abbr is not None else rule.get("agency_abbr", ""),
        "年": str(year),
        "序号": str(int(sequence)),
    }
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), rule["pattern"])
