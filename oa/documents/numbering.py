"""Document numbers from the unit's numbering rules (编号规则): 发文字号 and 收文编号.

《党政机关公文处理工作条例》第九条: 发文字号由发文机关代字、年份、发文顺序号组成. Numbers are
never duplicated and never skipped (不重号、不空号): the counter row is locked and bumped in
the caller's transaction (NumberCounter), so concurrent sign-offs queue on the lock and a
rolled-back one gives its number back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from oa.core.errors import ActionError, ErrorCode
from oa.documents.models import Direction, DocType, Document, NumberCounter
from oa.templates.models import UnitTemplate
from templates_lib.kinds import TemplateKind

# Which of the unit's numbering templates numbers what (the starter kits ship these codes).
OUTGOING_RULE = "outgoing"
LETTER_RULE = "letter"
INCOMING_RULE = "incoming"


@dataclass(frozen=True)
class Allocated:
    rule: str
    year: int
    seq: int
    text: str


def default_rule(direction: str, doc_type: str) -> str:
    if direction == Direction.INCOMING:
        return INCOMING_RULE
    # 函 is numbered apart from the formal documents (思政办函〔2026〕3号).
    return LETTER_RULE if doc_type == DocType.LETTER else OUTGOING_RULE


def rule_content(code: str) -> dict:
    template = UnitTemplate.objects.filter(kind=TemplateKind.NUMBERING, code=code).first()
    if template is None or not isinstance(template.content_json, dict):
        raise ActionError(
            ErrorCode.NUMBERING_INCOMPLETE,
            f"本单位没有编号规则“{code}”，请在模板管理中添加。",
            field="number_rule",
            status=409,
        )
    return template.content_json


def format_number(content: dict, *, year: int, seq: int) -> str:
    text = content["pattern"]
    for name, value in (("机关代字", content.get("agency_abbr", "")), ("年", str(year)), ("序号", str(seq))):
        text = text.replace("{" + name + "}", value)
    return text


def _check_complete(code: str, content: dict) -> None:
    if "{机关代字}" in content.get("pattern", "") and not (content.get("agency_abbr") or "").strip():
        raise ActionError(
            ErrorCode.NUMBERING_INCOMPLETE,
            f"编号规则“{code}”还没有填写机关代字（如“思政办”），请单位管理员在模板管理中补充后再取号。",
            field="number_rule",
            status=409,
        )


def _lock_counter(rule: str, year: int) -> NumberCounter:
    # INSERT ... ON CONFLICT DO NOTHING first: two first-of-the-year allocations must not both
    # try to create the row (the loser would fail on the unique constraint).
    table = NumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (rule, year, last) VALUES (%s, %s, 0) ON CONFLICT (rule, year) DO NOTHING",  # noqa: S608
            [rule, year],
        )
    return NumberCounter.objects.select_for_update().get(rule=rule, year=year)


def allocate(code: str, *, year: int, direction: str, exclude_pk: int | None = None) -> Allocated:
    """Take the next number of rule `code` for `year`. Call inside the transaction that
    stores it on the document."""
    content = rule_content(code)
    _check_complete(code, content)
    counter_year = year if content.get("reset", "yearly") == "yearly" else 0
    counter = _lock_counter(code, counter_year)
    start = int(content.get("start") or 1)
    seq = max(counter.last + 1, start)
    text = format_number(content, year=year, seq=seq)
    # A number another rule (or an imported register) already used would be a 重号: refuse,
    # and name the rule so the admin can tell the two apart.
    clash = Document.objects.filter(direction=direction, doc_number=text)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if direction == Direction.OUTGOING and clash.exists():
        raise ActionError(
            ErrorCode.NUMBER_COLLISION,
            f"编号规则“{code}”生成的文号“{text}”已被其他公文使用，请调整该规则的机关代字或格式。",
            field="number_rule",
            status=409,
        )
    counter.last = seq
    counter.save(update_fields=["last"])
    return Allocated(rule=code, year=counter_year or year, seq=seq, text=text)


def preview(code: str, *, year: int) -> str:
    """The number the rule would give next (not reserved): shown on the 编号登记 step."""
    content = rule_content(code)
    counter_year = year if content.get("reset", "yearly") == "yearly" else 0
    last = (
        NumberCounter.objects.filter(rule=code, year=counter_year).values_list("last", flat=True).first() or 0
    )
    return format_number(content, year=year, seq=max(last + 1, int(content.get("start") or 1)))
