"""Checking template content, per kind, before anything is stored.

`clean_content(kind, raw)` is what actions call: it parses what came in (an uploaded file's
bytes, a string, or already-parsed JSON), validates it for its kind and returns the content
to store, or raises ActionError(template_invalid) naming every place that is wrong.
"""

from __future__ import annotations

import hashlib
import json

from templates_lib.kinds import TemplateKind, is_text_kind
from templates_lib.validation.flow import check_flow
from templates_lib.validation.form import check_form
from templates_lib.validation.layout import check_layout
from templates_lib.validation.mapping import check_mapping
from templates_lib.validation.numbering import check_numbering
from templates_lib.validation.problems import Problem, refuse
from templates_lib.validation.roleset import check_roleset

JSON_CHECKS = {
    TemplateKind.FORM: check_form,
    TemplateKind.LAYOUT: check_layout,
    TemplateKind.NUMBERING: check_numbering,
    TemplateKind.ROLESET: check_roleset,
    TemplateKind.MAPPING: check_mapping,
}


def _as_text(raw, *, field: str) -> str:
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError:
            refuse([Problem("内容须为 UTF-8 编码的文本。", line=1)], field=field)
    # One line-ending convention, so a file saved on Windows has the same checksum.
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def parse_content(kind: str, raw, *, field: str = "content"):
    """The content as stored: text for flows, parsed JSON for the other kinds."""
    if is_text_kind(kind):
        if not isinstance(raw, str | bytes | bytearray):
            refuse([Problem("流程内容须为 BPMN 2.0 XML 文本。", line=1)], field=field)
        return _as_text(raw, field=field)
    if isinstance(raw, str | bytes | bytearray):
        text = _as_text(raw, field=field)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            refuse(
                [Problem(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）。", pointer="/")],
                field=field,
            )
    return raw


def problems_in(kind: str, content) -> list[Problem]:
    if is_text_kind(kind):
        return check_flow(content)[1]
    return JSON_CHECKS[TemplateKind(kind)](content)


def clean_content(kind: str, raw, *, field: str = "content"):
    content = parse_content(kind, raw, field=field)
    refuse(problems_in(kind, content), field=field)
    return content


def canonical_text(kind: str, content) -> str:
    """The content as text for people and for text diffs: the XML as is, JSON indented."""
    if is_text_kind(kind):
        return content
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def checksum(kind: str, content) -> str:
    """SHA-256 of the content; JSON with sorted keys, so key order does not count as change."""
    if is_text_kind(kind):
        data = content
    else:
        data = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
