"""The roll-up beat job: today's rows (and yesterday's, which the last events of the day may
have changed) recomputed for every unit. Idempotent; `manage.py rollup_stats` reruns any range."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from stats.rollup import rollup


@shared_task
def rollup_recent() -> dict:
    today = timezone.localdate()
    return rollup(today - datetime.timedelta(days=1), today)


@shared_task
def rollup_range(first: str, last: str) -> dict:
    return rollup(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
