"""Query parameters: one validation for every filter of every view (issue 19 item 6).

A parameter name means the same thing everywhere in the API (`page`, `department`, `since`, …),
so the types live here, once, and ApiInputMiddleware checks every request to /api/ against them
before any view parses a value: a NUL or other control character in any parameter, a number that
is not a plain integer or is out of PostgreSQL's `integer` range, an unparseable date or time, a
boolean that is none of 1/0/true/false/yes/no, are a 400 naming the parameter. A test checks that
every integer, boolean, date and date-time query parameter of both committed schemas is listed.
"""

from __future__ import annotations

import datetime
import re

from django.utils.dateparse import parse_date, parse_datetime

from api.validation import INT_MAX, INT_MIN, describe, forbidden_character
from oa.core.errors import ActionError, ErrorCode

INTEGER = "integer"
BOOLEAN = "boolean"
DATE = "date"
DATETIME = "date-time"

QUERY_PARAMETERS: dict[str, str] = {
    "page": INTEGER,
    "page_size": INTEGER,
    "days": INTEGER,
    "department": INTEGER,
    "document": INTEGER,
    "from": INTEGER,
    "to": INTEGER,
    "year": INTEGER,
    "column": INTEGER,
    "per_box": INTEGER,
    "mine": BOOLEAN,
    "include_destroyed": BOOLEAN,
    "resolved": BOOLEAN,
    "stuck": BOOLEAN,
    "unread": BOOLEAN,
    "urgent": BOOLEAN,
    "date_from": DATE,
    "date_to": DATE,
    "since": DATETIME,
}

_INTEGER = re.compile(r"[+-]?[0-9]+")
BOOLEAN_VALUES = frozenset({"", "0", "1", "true", "false", "yes", "no", "True", "False"})


def _refuse(name: str, detail: str) -> ActionError:
    return ActionError(ErrorCode.INVALID, f"{name}: {detail}", field=name)


def check_value(name: str, value: str) -> None:
    char = forbidden_character(name + value, single_line=True)
    if char is not None:
        raise _refuse(name, describe(char))
    kind = QUERY_PARAMETERS.get(name)
    if kind is None or value == "":
        return
    if kind == INTEGER:
        if not _INTEGER.fullmatch(value):
            raise _refuse(name, "应为整数。")
        if not INT_MIN <= int(value) <= INT_MAX:
            raise _refuse(name, f"应在 {INT_MIN} 到 {INT_MAX} 之间。")
    elif kind == BOOLEAN:
        if value not in BOOLEAN_VALUES:
            raise _refuse(name, "应为 true 或 false。")
    elif kind == DATE:
        if not _parses(parse_date, value):
            raise _refuse(name, "应为日期（YYYY-MM-DD）。")
    elif kind == DATETIME and not _parses(parse_datetime, value):
        raise _refuse(name, "应为 ISO 8601 时间。")


def _parses(parse, value: str) -> bool:
    try:
        return isinstance(parse(value), datetime.date)
    except (ValueError, OverflowError):
        return False


def check_query(query) -> None:
    """Every parameter of a QueryDict; raises ActionError (400) for the first bad one."""
    for name, values in query.lists():
        for value in values:
            check_value(name, value)
