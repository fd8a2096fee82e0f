"""Domino's <datetime> text: ISO 8601 basic format with hundredths and an hour offset.

    20090602T165055,48+02   date, time, hundredths, offset (+HH or +HHMM)
    20090602T165055,48      date and time, no zone (a "local" Notes time)
    20090602                date only
    T165055,48              time only

A value with an offset becomes an aware datetime in that fixed offset (converting to the
unit's zone is the importer's business); without one it stays naive, as Notes stored it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

DominoTime = datetime | date | time

_DATETIME = re.compile(
    r"""
    (?:(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2}))?
    (?:T(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?(?:[,.](?P<fraction>\d{1,6}))?)?
    (?:(?P<zone>Z)|(?P<sign>[+-])(?P<zhours>\d{2})(?P<zminutes>\d{2})?)?
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class DateTimeRange:
    """A <datetimepair>: a start and an end (Notes date ranges, e.g. 会议时间)."""

    start: DominoTime | None
    end: DominoTime | None


def parse_domino_datetime(raw: str) -> DominoTime | None:
    """The Python value of a Domino datetime text; None for an empty one.

    Raises ValueError for text that is not a Domino datetime or names an impossible date.
    """
    text = raw.strip()
    if not text:
        return None
    match = _DATETIME.fullmatch(text)
    if match is None or (match["year"] is None and match["hour"] is None):
        raise ValueError(f"not a Domino datetime: {raw!r}")
    tz = _zone(match)
    if match["hour"] is None:
        # Domino writes no zone on a date-only value; a zone there would mean nothing.
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    fraction = match["fraction"] or "0"
    clock = time(
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        int(fraction.ljust(6, "0")),
        tzinfo=tz,
    )
    if match["year"] is None:
        return clock
    return datetime.combine(date(int(match["year"]), int(match["month"]), int(match["day"])), clock)


def _zone(match: re.Match[str]) -> timezone | None:
    if match["zone"]:
        return UTC
    if match["sign"] is None:
        return None
    minutes = int(match["zhours"]) * 60 + int(match["zminutes"] or 0)
    if minutes >= 24 * 60:
        raise ValueError(f"zone offset out of range: {match.group(0)!r}")
    return _fixed_zone(-minutes if match["sign"] == "-" else minutes)


@lru_cache(maxsize=128)
def _fixed_zone(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))
