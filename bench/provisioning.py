"""Provisioning benchmark (issue: foundation).

Provisions units one by one while the platform grows from 1 to N (default 500, the article
has 491 units on the exchange), timing each; at checkpoints it also creates one schema the
slow way (CREATE SCHEMA + every migration) for the ratio; at the end it times a migration
pass over all units with nothing pending (the usual deploy).
"""

from __future__ import annotations

import os
import time

from bench.common import machine, median, percentile, write_section

CHECKPOINTS = (1, 100, 250, 500)


def run(units: int | None = None) -> str:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from tqdm import tqdm

    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass
    from tenants.provisioning import clone_template_schema, drop_schema

    units = units or int(os.environ.get("BENCH_UNITS", "500"))
    checkpoints = sorted({c for c in CHECKPOINTS if c <= units} | {units})
    run_migration_pass()

    clone_times: list[float] = []
    migrate_times: dict[int, float] = {}
    clone_at: dict[int, float] = {}
    for n in tqdm(range(1, units + 1), desc="provisioning units", unit="unit"):
        start = time.perf_counter()
        do_provision_unit(
            acting_user=None,
            code=f"u{n:04d}",
            name=f"基准单位{n}",
            admin_username="admin",
            admin_display_name="管理员",
            admin_password="Bench@2026pass",
        )
        clone_times.append(time.perf_counter() - start)
        if n in checkpoints:
            # The bare schema both ways, at the same catalogue size: clone (median of 5)...
            samples = []
            for _ in range(5):
                start = time.perf_counter()
                with transaction.atomic():
                    clone_template_schema("fastpath")
                samples.append(time.perf_counter() - start)
                drop_schema("fastpath")
            clone_at[n] = median(samples)
            # ...and CREATE SCHEMA + every migration.
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute('CREATE SCHEMA "slowpath"')
            call_command(
                "migrate_schemas", tenant=True, schema_name="slowpath", interactive=False, verbosity=0
            )
            migrate_times[n] = time.perf_counter() - start
            connection.set_schema_to_public()
            drop_schema("slowpath")

    start = time.perf_counter()
    report = run_migration_pass()
    pass_seconds = time.perf_counter() - start
    assert report.current == units and not report.migrated, report

    # The pass django-tenants would make (check every schema in turn), on a sample of units.
    sample = min(units, 25)
    start = time.perf_counter()
    for n in range(1, sample + 1):
        call_command("migrate_schemas", tenant=True, schema_name=f"u{n:04d}", interactive=False, verbosity=0)
    per_unit_standard = (time.perf_counter() - start) / sample
    connection.set_schema_to_public()

    rows = []
    for lo, hi in [(1, 100), (101, 250), (251, 500), (501, units)]:
        part = clone_times[lo - 1 : hi]
        if part and lo <= units:
            rows.append(
                f"| {lo}–{min(hi, units)} | {median(part):.3f} | {percentile(part, 95):.3f} | {max(part):.3f} |"
            )
    ratio_rows = [
        f"| {n} | {clone_at[n]:.3f} | {migrate_times[n]:.3f} | {migrate_times[n] / clone_at[n]:.1f}× |"
        for n in checkpoints
    ]
    body = f"""
## Provisioning a unit (issue 2)

Machine: {machine()}

Each unit is provisioned by `do_provision_unit` (registry row, host, schema cloned from the
template, built-in roles copied, first admin with an Argon2 password hash, audit events), one
after another while the platform grows from 1 to {units} units. Target: at most 0.5 s per
unit, flat as units accumulate.

| units on the platform | median s | p95 s | worst s |
| --- | --- | --- | --- |
{chr(10).join(rows)}

All {units}: median **{median(clone_times):.3f} s**, worst **{max(clone_times):.3f} s**.

The unit's schema alone, cloned from the template (median of 5) against created by running
every migration (`CREATE SCHEMA` + `migrate_schemas --tenant`), at the same catalogue size
in the same run:

| units | clone s | migrations s | migrations ÷ clone |
| --- | --- | --- | --- |
{chr(10).join(ratio_rows)}

Migration pass with nothing pending over all {units} units (`manage.py migrate_units`:
public schema, template schema, one query reading every unit's applied migrations):
**{pass_seconds:.1f} s**. For comparison, django-tenants' own `migrate_schemas` checking
units one by one took {per_unit_standard:.2f} s per unit on a sample of {sample}, i.e. about
{per_unit_standard * units:.0f} s for {units} units.
"""
    write_section("provisioning", body)
    return body
