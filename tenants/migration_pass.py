"""Migrating the platform: the public schema, the template schema, then only the units that
are behind, several at a time.

django-tenants' migrate_schemas loads the migration graph and checks every schema in turn;
with 500 units that costs minutes even when nothing is pending (ARCHITECTURE §8). Here one
query reads every unit's applied migrations, units already level with the template are
skipped, and the rest are migrated by parallel worker processes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from templates_lib.loading import load_builtin_templates
from tenants.models import Domain, Unit
from tenants.provisioning import check_schema_name, schema_exists, template_schema


@dataclass
class PassReport:
    units: int = 0
    current: int = 0
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def ensure_public_unit() -> Unit:
    """The public schema's registry row and the console's host names."""
    public, _ = Unit.objects.get_or_create(
        schema_name="public",
        defaults={"code": "public", "name": "平台运营中心", "kind": "city_office", "modules": []},
    )
    for host in {settings.OA_BASE_DOMAIN, "127.0.0.1"}:
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": public, "is_primary": host == settings.OA_BASE_DOMAIN}
        )
    return public


def migrate_template(verbosity: int = 0) -> None:
    template = template_schema()
    check_schema_name(template)
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{template}"')
    call_command("migrate_schemas", tenant=True, schema_name=template, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


def applied_migrations(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Every schema's applied migrations, read in one round trip."""
    out: dict[str, set[tuple[str, str]]] = {s: set() for s in schemas}
    if not schemas:
        return out
    for schema in schemas:
        check_schema_name(schema)
    with connection.cursor() as cursor:
        # Only schemas that exist and have a migrations table can be read.
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schemas],
        )
        readable = [row[0] for row in cursor.fetchall()]
        chunk = 200
        for start in range(0, len(readable), chunk):
            part = readable[start : start + chunk]
            sql = " UNION ALL ".join(f"SELECT '{s}', app, name FROM \"{s}\".django_migrations" for s in part)
            cursor.execute(sql)
            for schema, app, name in cursor.fetchall():
                out[schema].add((app, name))
    return out


def _migrate_one(schema: str) -> tuple[str, str | None]:
    cmd = [
        sys.executable,
        "manage.py",
        "migrate_schemas",
        "--tenant",
        "--schema",
        schema,
        "--noinput",
        "-v",
        "0",
    ]
    proc = subprocess.run(cmd, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False)
    return schema, None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["failed"])[-1]


def run_migration_pass(
    *, parallel: int = 2, verbosity: int = 0, on_progress: Callable[[int, int, str], None] | None = None
) -> PassReport:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    ensure_public_unit()
    # The library before any unit: provisioning applies starter kits from it.
    load_builtin_templates()
    migrate_template(verbosity)
    expected = applied_migrations([template_schema()])[template_schema()]
    schemas = list(Unit.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    applied = applied_migrations(schemas)
    behind = [s for s in schemas if not expected <= applied[s]]
    report = PassReport(units=len(schemas), current=len(schemas) - len(behind))
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        for index, (schema, error) in enumerate(pool.map(_migrate_one, behind), start=1):
            if error:
                report.failed[schema] = error
            else:
                report.migrated.append(schema)
            if on_progress:
                on_progress(index, len(behind), schema)
    return report
