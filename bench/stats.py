"""平台统计 dashboard (issue 16): 500 units and a year of daily roll-ups (182,500 rows), read by
the provider's dashboard through Django's test client (host lookup, session, DRF): the overview
by week and by month, the per-unit table sorted by a figure, its XLSX export; and the roll-up of
one real unit's year (the backfill's cost per unit). Target: the dashboard under 200 ms p95.

Environment: BENCH_STATS_UNITS (500), BENCH_STATS_DAYS (365), BENCH_STATS_SAMPLES (40).
"""

from __future__ import annotations

import datetime
import os
import random
import time

from bench.common import machine, median, percentile, timed, write_section


def run() -> str:
    os.environ.setdefault("OA_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from stats.models import UnitDay
    from stats.rollup import rollup_unit
    from tenants.actions import do_create_provider_account, do_provision_unit
    from tenants.migration_pass import run_migration_pass
    from tenants.models import Unit
    from tenants.modules import UNIT_KINDS

    units_n = int(os.environ.get("BENCH_STATS_UNITS", "500"))
    days_n = int(os.environ.get("BENCH_STATS_DAYS", "365"))
    samples = int(os.environ.get("BENCH_STATS_SAMPLES", "40"))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    about = machine()
    run_migration_pass()
    do_provision_unit(
        acting_user=None, code="statsreal", name="统计基准单位", admin_password="Bench@2026pass"
    )
    connection.set_schema_to_public()
    do_create_provider_account(
        acting_user=None, username="benchprovider", display_name="基准运营员", password="Bench@2026pass"
    )
    started = time.perf_counter()
    rng = random.Random(2026)
    kinds = [k.code for k in UNIT_KINDS]
    # Registry rows only: the dashboard reads the roll-ups and the registry, never a unit's schema.
    Unit.objects.bulk_create(
        [
            Unit(schema_name=f"bs{n:04d}", code=f"bs{n:04d}", name=f"基准单位{n}", kind=kinds[n % len(kinds)])
            for n in range(units_n - 1)
        ]
    )
    units = list(Unit.objects.exclude(schema_name="public"))
    today = timezone.localdate()
    batch = []
    for unit in units:
        users = rng.randint(5, 40)
        for d in range(days_n):
            weekday = (today - datetime.timedelta(days=d)).weekday() < 5
            batch.append(
                UnitDay(
                    unit=unit,
                    day=today - datetime.timedelta(days=d),
                    logins=rng.randint(0, 6) if weekday else 0,
                    users=users,
                    documents_received=rng.randint(0, 4) if weekday else 0,
                    documents_sent=rng.randint(0, 1) if weekday else 0,
                    exchange_sent=rng.randint(0, 3) if weekday else 0,
                    exchange_received=rng.randint(0, 5) if weekday else 0,
                    meeting_notices=int(rng.random() < 0.1),
                    notices=int(rng.random() < 0.3),
                )
            )
        if len(batch) >= 20000:
            UnitDay.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    UnitDay.objects.bulk_create(batch, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stats_unitday")
    rows = UnitDay.objects.count()
    setup_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST=settings.OA_BASE_DOMAIN)
    assert (
        client.post(
            "/api/auth/login/",
            {"username": "benchprovider", "password": "Bench@2026pass"},
            content_type="application/json",
        ).status_code
        == 200
    )

    def call(path: str, params: dict):
        def fn():
            response = client.get(path, params)
            assert response.status_code == 200, response.content[:300]

        return fn

    measures = [
        ("overview, by week (26 weeks)", call("/api/stats/overview/", {"period": "week"})),
        ("overview, by month (12 months)", call("/api/stats/overview/", {"period": "month"})),
        (
            "overview, one unit kind, by month",
            call("/api/stats/overview/", {"period": "month", "kind": kinds[0]}),
        ),
        ("per-unit table, page 1 by 登录次数", call("/api/stats/units/", {"ordering": "-logins"})),
        ("per-unit table, a year, page 10", call("/api/stats/units/", {"period": "month", "page": 10})),
    ]
    results = [(name, timed(fn, samples, warmup=3)) for name, fn in measures]
    export_ms = timed(call("/api/stats/units/export/", {"period": "month"}), 5, warmup=3)

    real = Unit.objects.get(code="statsreal")
    t0 = time.perf_counter()
    rollup_unit(real, today - datetime.timedelta(days=days_n - 1), today)
    rollup_year_ms = (time.perf_counter() - t0) * 1000

    table = "\n".join(
        f"| {name} | {median(ms):.1f} | {percentile(ms, 95):.1f}{' ✗' if percentile(ms, 95) > 200 else ''} |"
        for name, ms in results
    )
    body = f"""## 平台统计 dashboard (issue 16)

{about}

{len(units)} units and {days_n} days of roll-ups ({rows:,} rows in `stats_unitday`, set up in
{setup_seconds:.0f} s with bulk inserts; the units are registry rows, since the dashboard reads only
the roll-ups and the registry). Each row: {samples} calls through Django's test client as the
provider, after 3 warm-up calls. Target: under 200 ms at p95 (✗: missed).

| what | median ms | p95 ms |
| --- | ---: | ---: |
{table}
| XLSX export of every unit, a year (5 calls) | {median(export_ms):.0f} | {percentile(export_ms, 95):.0f} |

Recomputing one real (provisioned) unit's {days_n} days from its schema and the hub
(`rollup_unit`, one grouped query per source, one upsert): {rollup_year_ms:.0f} ms, so a full
backfill of {len(units)} such units is about {rollup_year_ms * len(units) / 1000 / 60:.1f} minutes.
"""
    write_section("stats", body)
    return body
