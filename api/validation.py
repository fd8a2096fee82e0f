"""Shared input validation for every request body (issue 19 items 6 and 7).

Installed once on DRF's own field classes (ApiConfig.ready), so no serializer can forget it:

- text: C0 controls (U+0000–U+001F), DEL, C1 controls (U+0080–U+009F) and the bidirectional
  embedding/override/isolate characters (U+202A–U+202E, U+2066–U+2069, "Trojan Source") are
  refused in every name and title (a field whose name ends in name/title/subject/code, e.g.
  `display_name`, `title`); in other text only TAB, LF and CR are allowed among the controls,
  and the bidi overrides are refused as well. The error names the field and the code point.
- integers: a field with no declared bounds gets PostgreSQL's `integer` range, so an out-of-range
  number is a 400 naming the field instead of a DataError (500) at the database.
"""

from __future__ import annotations

import re

from rest_framework import serializers

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Names and titles are one line of text: no control character at all.
SINGLE_LINE_FIELD = re.compile(r"(name|title|subject|code)$")
MULTI_LINE_ALLOWED = frozenset("\t\n\r")


def is_control(char: str) -> bool:
    point = ord(char)
    return point < 0x20 or 0x7F <= point <= 0x9F


def forbidden_character(value: str, *, single_line: bool) -> str | None:
    """The first character that may not appear in this text, or None."""
    for char in value:
        if char in BIDI_CONTROLS:
            return char
        if is_control(char) and (single_line or char not in MULTI_LINE_ALLOWED):
            return char
    return None


def describe(char: str) -> str:
    if char in BIDI_CONTROLS:
        return f"不能包含文字方向控制字符（U+{ord(char):04X}）。"
    return f"不能包含控制字符（U+{ord(char):04X}）。"


def is_single_line(field_name: str | None) -> bool:
    return bool(field_name) and bool(SINGLE_LINE_FIELD.search(field_name))


class TextCharactersValidator:
    """On every CharField; the field's own name decides whether it is a name or title."""

    requires_context = True

    def __call__(self, value, serializer_field) -> None:
        if not isinstance(value, str):
            return
        name = serializer_field.field_name
        if not name and serializer_field.parent is not None:
            # A ListField's child: the list's name decides.
            name = serializer_field.parent.field_name
        char = forbidden_character(value, single_line=is_single_line(name))
        if char is not None:
            raise serializers.ValidationError(describe(char), code="control_character")


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    char_init = serializers.CharField.__init__

    def char_field_init(self, **kwargs):
        char_init(self, **kwargs)
        self.validators.append(TextCharactersValidator())

    serializers.CharField.__init__ = char_field_init

    int_init = serializers.IntegerField.__init__

    def integer_field_init(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("max_value", INT_MAX)
            kwargs.setdefault("min_value", INT_MIN)
        int_init(self, **kwargs)

    serializers.IntegerField.__init__ = integer_field_init
