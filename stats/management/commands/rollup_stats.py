"""Recompute the daily statistics (stats.UnitDay) for a range of days, every unit or some.

    manage.py rollup_stats                       # today and yesterday (what the beat job does)
    manage.py rollup_stats --day 2026-11-30
    manage.py rollup_stats --from 2026-01-01 --to 2026-11-30 --unit siming --unit huli
    manage.py rollup_stats --all                 # backfill from the first day anything happened

Rerunning a range gives the same rows (each is recomputed from its sources, never added to).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from stats.rollup import earliest_day, rollup


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Recompute the daily statistics roll-ups for a range of days (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="one day (YYYY-MM-DD)")
        parser.add_argument("--from", dest="first", help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day (YYYY-MM-DD), default today")
        parser.add_argument("--all", action="store_true", help="from the first day anything happened")
        parser.add_argument("--unit", action="append", dest="units", help="a unit code (repeatable)")

    def handle(self, *args, day=None, first=None, last=None, all=False, units=None, **options):
        today = timezone.localdate()
        if day:
            first_day = last_day = _date(day, "--day")
        else:
            last_day = _date(last, "--to") if last else today
            if all:
                first_day = earliest_day()
            elif first:
                first_day = _date(first, "--from")
            else:
                first_day = last_day - datetime.timedelta(days=1)
        if last_day < first_day:
            raise CommandError(f"--to {last_day} is before --from {first_day}")
        if last_day > today:
            raise CommandError(f"--to {last_day} is in the future")
        bar = tqdm(desc=f"roll-ups {first_day} … {last_day}", unit="unit", disable=options["verbosity"] < 1)

        def progress(n: int, total: int, code: str) -> None:
            bar.total = total
            bar.set_postfix_str(code)
            bar.update(1)

        report = rollup(first_day, last_day, codes=units, progress=progress)
        bar.close()
        self.stdout.write(
            f"{report['rows']} rows recomputed: {report['units']} units × {report['days']} days "
            f"({first_day} … {last_day})"
        )
