"""The kinds of template the library holds, shared by the library and the unit-side copies."""

from __future__ import annotations

from django.db import models


class TemplateKind(models.TextChoices):
    FLOW = "flow", "流程"  # BPMN 2.0 XML
    FORM = "form", "表单"  # JSON Schema (Draft 2020-12) + layout hints
    LAYOUT = "layout", "版式"  # the red-header 版头/版记 of a unit's documents
    NUMBERING = "numbering", "编号规则"  # e.g. {机关代字}〔{年}〕{序号}号
    ROLESET = "roleset", "角色集"  # roles with permission codes
    # Which legacy (Domino, spreadsheet) form becomes which kind of record, item by item
    # (oa/importer; templates_lib/validation/mapping.py describes the format).
    MAPPING = "mapping", "导入映射"


# Only flows are stored as text; the other kinds are JSON documents.
TEXT_KINDS = frozenset({TemplateKind.FLOW})


def is_text_kind(kind: str) -> bool:
    return kind in TEXT_KINDS
