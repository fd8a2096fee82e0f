"""What the database would refuse, found before anything is written (issue 11).

A dry run must predict the real run, and a real run must never stop half-way because one
record holds a value a column, a constraint or PostgreSQL itself cannot take. So every mapped
record is checked here, by the Mapper (the dry run, the real run and a retry from the
quarantine alike), against:

- the model's own limits: the `max_length` of each CharField, the choices of each choice
  field, the range of each positive integer field, for every field of the Document the
  record would set and for its ledger key (`legacy_id`, 64 characters);
- what PostgreSQL refuses in any text or jsonb value: the NUL character (U+0000);
- a cap on one value (MAX_VALUE_CHARS): one item value, one rich text, one attribute the
  record keeps. Past it the record is quarantined (`value_too_large`), whatever field or
  `extra` it would have gone to. Attachments and pictures are files, with the intake checks'
  own size limit, and do not count.

Whatever slips past these (a constraint added later, a trigger) is still caught per record by
the real run's savepoints (runs.py, reason `write_refused`): it never loses the rest of the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.db import models

from oa.importer.errors import Reason

# One value (an item's text, a rich text's text or HTML, an attribute kept in extra) may hold
# at most this many characters: 1,000,000 is some 500 pages of Chinese text, far more than any
# 公文 and its 正文, while a 30-60 MB value is a broken or hostile export.
MAX_VALUE_CHARS = 1_000_000
# A quarantined record keeps this much of a value past the cap (and its size and digest).
QUARANTINE_PREVIEW_CHARS = 2_000
_INT_MAX = 2_147_483_647  # PostgreSQL integer


def _document_model():
    from oa.documents.models import Document

    return Document


def _field_limit_problem(model, name: str, value: Any, label: str) -> tuple[str, str] | None:
    """(reason, message) when the column `name` of `model` would refuse `value`."""
    try:
        column = model._meta.get_field(name)
    except Exception:  # not a column of the model (e.g. retention is set separately)
        return None
    if value is None:
        return None
    if isinstance(column, models.CharField) and isinstance(value, str):
        if column.max_length is not None and len(value) > column.max_length:
            return (
                Reason.VALUE_TOO_LONG,
                f"{label}有 {len(value)} 个字符，超过了字段长度 {column.max_length}。",
            )
        if column.choices and value not in {str(choice) for choice, _ in column.flatchoices} and value:
            return Reason.BAD_VALUE, f"{label}的值“{value[:40]}”不是允许的取值。"
    if (
        isinstance(column, models.PositiveIntegerField | models.PositiveBigIntegerField)
        and isinstance(value, int)
        and (value < 0 or (isinstance(column, models.PositiveIntegerField) and value > _INT_MAX))
    ):
        return Reason.BAD_VALUE, f"{label}的值 {value} 超出了允许的范围。"
    if isinstance(value, str) and "\x00" in value:
        return Reason.BAD_VALUE, f"{label}含有空字符（U+0000），数据库不能保存。"
    return None


def check_document(fields: dict, *, legacy_id: str, extra: dict, labels: dict[str, str]) -> list[tuple]:
    """Problems (reason, message, field) of a mapped document the database would refuse."""
    Document = _document_model()
    problems: list[tuple] = []
    if len(legacy_id) > 64:
        problems.append(
            (
                Reason.VALUE_TOO_LONG,
                f"唯一标识（UNID）“{legacy_id[:40]}…”有 {len(legacy_id)} 个字符，超过了 64 个字符的上限。",
                "legacy_id",
            )
        )
    elif "\x00" in legacy_id:
        problems.append((Reason.BAD_VALUE, "唯一标识含有空字符（U+0000）。", "legacy_id"))
    for name, value in fields.items():
        found = _field_limit_problem(Document, name, value, f"“{labels.get(name, name)}”")
        if found is not None:
            problems.append((*found, name))
    for path, text in strings(extra):
        if "\x00" in text:
            problems.append(
                (Reason.BAD_VALUE, f"附加信息 {path} 含有空字符（U+0000），数据库不能保存。", "extra")
            )
            break
    return problems


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value (keys included), with where it is."""
    if isinstance(value, str):
        yield path or "/", value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str):
                yield f"{path}/{key}", key
            yield from strings(inner, f"{path}/{key}")
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from strings(inner, f"{path}/{index}")


def oversized(record_json: dict) -> list[tuple[str, int]]:
    """(where, characters) of each value of a record (SourceRecord JSON) past MAX_VALUE_CHARS."""
    return [(path, len(text)) for path, text in strings(record_json) if len(text) > MAX_VALUE_CHARS]


def storable(value: Any) -> tuple[Any, list[str]]:
    """A copy of a JSON value PostgreSQL's jsonb takes and the quarantine can hold: NUL becomes
    U+FFFD and a string past MAX_VALUE_CHARS is cut to a preview with its size and digest.
    Returns the copy and where it changed something (empty when nothing needed changing)."""
    changed: list[str] = []

    def walk(inner: Any, path: str) -> Any:
        if isinstance(inner, str):
            out = inner
            if len(out) > MAX_VALUE_CHARS:
                digest = hashlib.sha256(out.encode("utf-8", "surrogatepass")).hexdigest()
                out = (
                    f"{out[:QUARANTINE_PREVIEW_CHARS]}…［超过上限已截断：原有 {len(inner)} 个字符，"
                    f"SHA-256 {digest}］"
                )
                changed.append(path or "/")
            if "\x00" in out:
                out = out.replace("\x00", "\ufffd")
                changed.append(path or "/")
            return out
        if isinstance(inner, dict):
            return {
                walk(k, path) if isinstance(k, str) else k: walk(v, f"{path}/{k}") for k, v in inner.items()
            }
        if isinstance(inner, list | tuple):
            return [walk(v, f"{path}/{i}") for i, v in enumerate(inner)]
        return inner

    return walk(value, ""), changed


def text(value: str, limit: int) -> str:
    """A value cut to a column of `limit` characters, NUL removed (for the quarantine's own row)."""
    return value.replace("\x00", "")[:limit]
