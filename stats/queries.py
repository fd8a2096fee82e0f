"""What the dashboards read: sums and levels over the daily roll-ups (stats.UnitDay), grouped by
week or month, unit kind and unit. Every query here reads the public schema's roll-ups and
registry only, never a unit's schema."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
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


def _levels_at(day: datetime.date, *, unit_ids=None, kind: str = "") -> dict[str, int]:
    """Each level (用户数) summed over units, each unit at its last row on or before `day`."""
    latest = (
        UnitDay.objects.filter(unit_id=OuterRef("unit_id"), day__lte=day).order_by("-day").values("day")[:1]
    )
    rows = UnitDay.objects.filter(day=Subquery(latest))
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if kind:
        rows = rows.filter(unit__kind=kind)
    totals = rows.aggregate(**{f: Sum(f) for f in LEVELS})
    return {f: totals[f] or 0 for f in LEVELS}


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
    level at the period's last day with data."""
    trunc = PERIODS[period]
    rows = (
        _rows(window, unit_ids=unit_ids, kind=kind)
        .annotate(period=trunc("day"))
        .values("period")
        .annotate(**{f: Sum(f) for f in FLOWS})
        .order_by("period")
    )
    by_period = {row["period"]: row for row in rows}
    # Levels: the sum over units of each unit's value on the period's last day in the window.
    level_rows = (
        _rows(window, unit_ids=unit_ids, kind=kind)
        .annotate(period=trunc("day"))
        .values("period", "day")
        .annotate(**{f: Sum(f) for f in LEVELS})
        .order_by("period", "day")
    )
    levels: dict = {}
    for row in level_rows:
        levels[row["period"]] = {f: row[f] or 0 for f in LEVELS}  # the last day wins
    out = []
    for start in _period_starts(period, window):
        row = by_period.get(start, {})
        out.append(
            {
                "period": start,
                **{f: row.get(f) or 0 for f in FLOWS},
                **levels.get(start, dict.fromkeys(LEVELS, 0)),
            }
        )
    return out


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
    rows = _rows(window).values(kind=F("unit__kind")).annotate(**{f: Sum(f) for f in FLOWS}).order_by("kind")
    levels = {
        row["kind"]: row["users"] or 0
        for row in UnitDay.objects.filter(day=min(window.last, timezone.localdate()))
        .values(kind=F("unit__kind"))
        .annotate(users=Sum("users"))
    }
    return [{**row, **{f: row[f] or 0 for f in FLOWS}, "users": levels.get(row["kind"], 0)} for row in rows]


def per_unit(window: Window, *, kind: str = "", ordering: str = "-exchange_sent", search: str = ""):
    """One row per unit: flows summed over the window, 用户数 at its last day. A queryset of dicts
    (paged by the caller), ordered by any figure, code, name or kind (prefix '-' for descending)."""
    field = ordering.lstrip("-")
    if field not in ORDERINGS:
        raise ValueError(ordering)
    last_users = UnitDay.objects.filter(unit_id=OuterRef("pk"), day__lte=window.last).order_by("-day")
    units = Unit.objects.exclude(schema_name="public")
    if kind:
        units = units.filter(kind=kind)
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__icontains=search.lower()))
    in_window = Q(stat_days__day__gte=window.first, stat_days__day__lte=window.last)
    rows = units.annotate(
        **{f: Sum(f"stat_days__{f}", filter=in_window, default=0) for f in FLOWS},
        users=Coalesce(Subquery(last_users.values("users")[:1]), 0),
    ).values("id", "code", "name", "kind", *FIGURES)
    direction = "-" if ordering.startswith("-") else ""
    return rows.order_by(f"{direction}{field}", "code")
