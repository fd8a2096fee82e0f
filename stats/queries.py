"""What the dashboards read: sums and levels over the daily roll-ups (stats.UnitDay), grouped by
week or month, unit kind and unit. Every query here reads the public schema's roll-ups and
registry only, never a unit's schema."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from exchange.models import Party
from stats.models import FIGURES, FLOWS, LEVELS, UnitDay
from tenants.models import Unit

PERIODS = {"week": TruncWeek, "month": TruncMonth}
ORDERINGS = frozenset({"code", "name", "kind", *FIGURES})


@dataclass(frozen=True)
class Window:
    first: datetime.date
    last: datetime.date

    @classmethod
    def default(cls, period: str) -> Window:
        """26 weeks, or 12 months, to today."""
        today = timezone.localdate()
        if period == "week":
            return cls(today - datetime.timedelta(days=today.weekday() + 7 * 25), today)
        year, month = (
            (today.year, today.month - 11) if today.month == 12 else (today.year - 1, today.month + 1)
        )
        return cls(datetime.date(year, month, 1), today)


def _rows(window: Window, *, unit_ids=None, kind: str = ""):
    rows = UnitDay.objects.filter(day__gte=window.first, day__lte=window.last)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if kind:
        rows = rows.filter(unit__kind=kind)
    return rows


def _last_rows(day: datetime.date, *, unit_ids=None, kind: str = ""):
    """Each unit's last row on or before `day` (within the 31 days before it: the beat job
    writes every unit's row every few minutes): where the levels (用户数) are read."""
    rows = UnitDay.objects.filter(day__lte=day, day__gt=day - datetime.timedelta(days=31))
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if kind:
        rows = rows.filter(unit__kind=kind)
    return rows.order_by("unit_id", "-day").distinct("unit_id")


def _levels_at(day: datetime.date, *, unit_ids=None, kind: str = "") -> dict[str, int]:
    """Each level summed over units, each unit at its last row on or before `day`."""
    totals = [0] * len(LEVELS)
    for values in _last_rows(day, unit_ids=unit_ids, kind=kind).values_list(*LEVELS):
        for n, value in enumerate(values):
            totals[n] += value
    return dict(zip(LEVELS, totals, strict=True))


def headline(*, unit_ids=None, kind: str = "") -> dict:
    """The article's figures, live: levels now, flows over the last 7 and 30 days, totals."""
    today = timezone.localdate()
    week = _rows(Window(today - datetime.timedelta(days=6), today), unit_ids=unit_ids, kind=kind)
    month = _rows(Window(today - datetime.timedelta(days=29), today), unit_ids=unit_ids, kind=kind)
    every = UnitDay.objects.all()
    if unit_ids is not None:
        every = every.filter(unit_id__in=list(unit_ids))
    if kind:
        every = every.filter(unit__kind=kind)
    w = week.aggregate(**{f: Sum(f) for f in FLOWS})
    m = month.aggregate(**{f: Sum(f) for f in FLOWS})
    total = every.aggregate(**{f: Sum(f) for f in FLOWS})
    figures = {
        "logins_week": w["logins"] or 0,
        "exchange_sent_month": m["exchange_sent"] or 0,
        "meeting_notices_month": m["meeting_notices"] or 0,
        "documents_received_total": total["documents_received"] or 0,
        "documents_sent_total": total["documents_sent"] or 0,
        "notices_total": total["notices"] or 0,
        "exchange_sent_total": total["exchange_sent"] or 0,
        **_levels_at(today, unit_ids=unit_ids, kind=kind),
    }
    return figures


def platform_headline(kind: str = "") -> dict:
    """The console's figures: the article's, with the units deployed and on the exchange."""
    units = Unit.objects.exclude(schema_name="public").filter(status=Unit.Status.ACTIVE)
    # Every platform unit is on the exchange (its party mirrors the registry), and so is every
    # active external party reached through a gateway.
    external = Party.objects.filter(active=True, kind=Party.EXTERNAL, unit__isnull=True)
    if kind:
        units = units.filter(kind=kind)
        external = external.none()
    deployed = units.count()
    return {
        **headline(kind=kind),
        "units_deployed": deployed,
        "units_on_exchange": deployed + external.count(),
    }


def series(period: str, window: Window, *, unit_ids=None, kind: str = "") -> list[dict]:
    """Flows per week or month of the window (every period present, zeros included), and each
    level at the period's last day with data. One pass over the window's rows, grouped by day;
    the days are folded into periods here."""
    per_day = (
        _rows(window, unit_ids=unit_ids, kind=kind)
        .values("day")
        .annotate(**{f: Sum(f) for f in FIGURES})
        .order_by("day")
    )
    starts = _period_starts(period, window)
    out = {start: {"period": start, **dict.fromkeys(FIGURES, 0)} for start in starts}
    for row in per_day:
        day = row["day"]
        start = day - datetime.timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)
        target = out.get(start)
        if target is None:
            continue
        for f in FLOWS:
            target[f] += row[f] or 0
        for f in LEVELS:
            target[f] = row[f] or 0  # days come in order: the period's last day wins
    return list(out.values())


def _period_starts(period: str, window: Window) -> list[datetime.date]:
    if period == "week":
        start = window.first - datetime.timedelta(days=window.first.weekday())
        step = datetime.timedelta(days=7)
        out = []
        while start <= window.last:
            out.append(start)
            start += step
        return out
    out, year, month = [], window.first.year, window.first.month
    while datetime.date(year, month, 1) <= window.last:
        out.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def by_kind(window: Window) -> list[dict]:
    """Flows per unit kind over the window and 用户数 at its end, folded from the per-unit rows."""
    kinds: dict[str, dict] = {}
    for row in per_unit(window, ordering="code"):
        target = kinds.setdefault(row["kind"], {"kind": row["kind"], **dict.fromkeys(FIGURES, 0)})
        for f in FIGURES:
            target[f] += row[f]
    return [kinds[k] for k in sorted(kinds)]


def per_unit(
    window: Window, *, kind: str = "", ordering: str = "-exchange_sent", search: str = ""
) -> list[dict]:
    """One row per unit: flows summed over the window, 用户数 at its last day, ordered by any
    figure, code, name or kind (prefix '-' for descending). One grouped pass over the window's
    roll-ups; the few hundred rows are ordered here."""
    field = ordering.lstrip("-")
    if field not in ORDERINGS:
        raise ValueError(ordering)
    units = Unit.objects.exclude(schema_name="public")
    if kind:
        units = units.filter(kind=kind)
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__icontains=search.lower()))
    units = list(units.values("id", "code", "name", "kind"))
    ids = [u["id"] for u in units]
    sums = {
        row["unit_id"]: row
        for row in _rows(window, unit_ids=ids)
        .values("unit_id")
        .annotate(**{f: Sum(f) for f in FLOWS})
        .order_by()
    }
    last = dict(_last_rows(window.last, unit_ids=ids).values_list("unit_id", "users"))
    rows = [
        {**u, **{f: (sums.get(u["id"]) or {}).get(f) or 0 for f in FLOWS}, "users": last.get(u["id"], 0)}
        for u in units
    ]
    rows.sort(key=lambda r: r["code"])
    rows.sort(key=lambda r: r[field], reverse=ordering.startswith("-"))
    return rows
