"""Filling the daily roll-ups (stats.UnitDay) from their sources.

A row is always recomputed whole from the unit's schema (sign-ins in the audit trail, 办文) and
the hub's tables (envelopes, deliveries), never incremented, so running any day again (the beat
job, `manage.py rollup_stats`, an event) gives the same row: nothing is counted twice. A range
is read with one grouped query per source and unit, not one per day, so a year's backfill of a
unit costs a handful of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from exchange.models import Delivery, Envelope, Party
from oa.core.models import AuditEvent
from oa.documents.models import Document
from oa.notices.models import Notice
from stats.models import FIGURES, UnitDay
from tenants.models import Unit

LOGIN_ACTION = "auth.login"


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of `first`, start of the day after `last`) in the platform's time zone."""
    zone = local_zone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _per_day(queryset, field: str, start, end) -> dict[datetime.date, int]:
    rows = (
        queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(d=TruncDate(field, tzinfo=local_zone()))
        .values("d")
        .annotate(n=Count("id"))
    )
    return {row["d"]: row["n"] for row in rows}


def _unit_schema_figures(first, last) -> dict[str, dict[datetime.date, int]]:
    """The figures kept in the current unit's schema, per day."""
    start, end = day_bounds(first, last)
    documents = Document.objects.all()
    sent = (
        documents.filter(direction="outgoing", issued_date__gte=first, issued_date__lte=last)
        .exclude(doc_number="")
        .values("issued_date")
        .annotate(n=Count("id"))
    )
    figures = {
        "logins": _per_day(AuditEvent.objects.filter(action=LOGIN_ACTION), "created_at", start, end),
        "documents_received": _per_day(documents.filter(direction="incoming"), "created_at", start, end),
        "documents_sent": {row["issued_date"]: row["n"] for row in sent},
    }
    # 用户数 at the end of each day: active accounts that existed by then.
    users = get_user_model().objects.filter(is_active=True)
    before = users.filter(date_joined__lt=start).count()
    joined = _per_day(users, "date_joined", start, end)
    level, running = {}, before
    for day in days(first, last):
        running += joined.get(day, 0)
        level[day] = running
    figures["users"] = level
    figures["notices"] = _notices_per_day(start, end)
    return figures


def _notices_per_day(start, end) -> dict[datetime.date, int]:
    """信息发布: items the unit published itself (not those filed from other units), per day of
    publishing; an item retracted later still was published."""
    own = Notice.objects.filter(published_at__isnull=False, source_unit="")
    return _per_day(own, "published_at", start, end)


def _exchange_figures(party: Party | None, first, last) -> dict[str, dict[datetime.date, int]]:
    if party is None:
        return {}
    start, end = day_bounds(first, last)
    sent = Envelope.objects.filter(sender=party).exclude(state=Envelope.State.REFUSED)
    return {
        "exchange_sent": _per_day(sent, "created_at", start, end),
        "meeting_notices": _per_day(sent.filter(kind=Envelope.Kind.MEETING_NOTICE), "created_at", start, end),
        "exchange_received": _per_day(Delivery.objects.filter(recipient=party), "created_at", start, end),
    }


def rollup_unit(unit: Unit, first: datetime.date, last: datetime.date) -> int:
    """Recompute `unit`'s rows for every day from `first` to `last`; returns the rows written."""
    with schema_context(unit.schema_name):
        own = _unit_schema_figures(first, last)
    with schema_context(get_public_schema_name()):
        party = Party.objects.filter(unit=unit).first()
        hub = _exchange_figures(party, first, last)
        per_figure = {**own, **hub}
        rows = [
            UnitDay(unit=unit, day=day, **{f: per_figure.get(f, {}).get(day, 0) for f in FIGURES})
            for day in days(first, last)
        ]
        now = timezone.now()
        for row in rows:
            row.computed_at = now
        with transaction.atomic():
            UnitDay.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["unit", "day"],
                update_fields=[*FIGURES, "computed_at"],
                batch_size=1000,
            )
    return len(rows)


def platform_units(codes: Iterable[str] | None = None):
    units = Unit.objects.exclude(schema_name=get_public_schema_name()).order_by("code")
    if codes:
        units = units.filter(code__in=list(codes))
    return units


def rollup(
    first: datetime.date,
    last: datetime.date,
    *,
    codes: Iterable[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict:
    """Recompute every (or the named) unit's rows for the days from `first` to `last`."""
    if last < first:
        raise ValueError("last day before the first")
    units = list(platform_units(codes))
    written = 0
    for n, unit in enumerate(units, start=1):
        written += rollup_unit(unit, first, last)
        if progress:
            progress(n, len(units), unit.code)
    return {"units": len(units), "days": (last - first).days + 1, "rows": written}


def earliest_day() -> datetime.date:
    """The first day any source has something for (a full backfill starts there)."""
    zone = local_zone()
    candidates = []
    with schema_context(get_public_schema_name()):
        first_unit = Unit.objects.exclude(schema_name=get_public_schema_name()).order_by("created_at").first()
        if first_unit:
            candidates.append(first_unit.created_at)
        first_envelope = Envelope.objects.order_by("created_at").first()
        if first_envelope:
            candidates.append(first_envelope.created_at)
        units = list(platform_units())
    for unit in units:
        with schema_context(unit.schema_name):
            doc = Document.objects.order_by("created_at").values_list("created_at", flat=True).first()
            sent = (
                Document.objects.filter(direction="outgoing", issued_date__isnull=False)
                .exclude(doc_number="")
                .order_by("issued_date")
                .values_list("issued_date", flat=True)
                .first()
            )
        if doc:
            candidates.append(doc)
        if sent:
            candidates.append(datetime.datetime.combine(sent, datetime.time.min, tzinfo=zone))
    if not candidates:
        return timezone.localdate()
    return min(c.astimezone(zone).date() for c in candidates)


def refresh_today(schema_name: str) -> None:
    """Recompute today's row of the unit with this schema (called after an event commits)."""
    if schema_name == get_public_schema_name():
        return
    with schema_context(get_public_schema_name()):
        unit = Unit.objects.filter(schema_name=schema_name).first()
    if unit is not None:
        today = timezone.localdate()
        rollup_unit(unit, today, today)
