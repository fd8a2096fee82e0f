"""Fast unit schemas: clone the prepared template schema instead of replaying migrations.

django-tenants' own clone (a PL/pgSQL function that walks information_schema for every
clone) slows down as the catalogue grows: with hundreds of unit schemas a single clone took
seconds. Here the template's DDL is read from pg_catalog once per template version (keyed by
its applied migrations), kept in memory, and replayed for each new unit as one batch of
plain DDL in the caller's transaction; rows the template holds (built-in roles, the
migration history) are copied with INSERT ... SELECT. See docs/adr/0003-unit-schema-cloning.md.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

_SAFE_SCHEMA = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
_lock = threading.Lock()
_cache: dict[str, SchemaBlueprint] = {}


@dataclass(frozen=True)
class SchemaBlueprint:
    """The template schema's structure as DDL with the schema name as a placeholder."""

    fingerprint: str
    tables: tuple[str, ...]
    pre_data: tuple[str, ...]  # sequences and tables
    post_data: tuple[str, ...]  # constraints, foreign keys, indexes, triggers
    identity_columns: tuple[tuple[str, str], ...]  # (table, column)

    def render(self, statements: tuple[str, ...], schema: str) -> str:
        return ";\n".join(s.replace("{{schema}}", schema) for s in statements)


def template_schema() -> str:
    return settings.OA_TEMPLATE_SCHEMA


def check_schema_name(schema: str) -> None:
    if not _SAFE_SCHEMA.match(schema) or schema.startswith("pg_"):
        raise ValueError(f"unsafe schema name {schema!r}")


def schema_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        return cursor.fetchone() is not None


def template_fingerprint(cursor, template: str) -> str:
    cursor.execute(f'SELECT app, name FROM "{template}".django_migrations ORDER BY app, name')
    rows = cursor.fetchall()
    if not rows:
        raise RuntimeError(f"template schema {template!r} is not migrated; run `manage.py migrate_units`")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _qualify(template: str, sql: str) -> str:
    # Everything was read with an empty search_path, so every reference to the template's
    # own objects is schema-qualified; turn those into the placeholder.
    return re.sub(rf'(?<![\w"])"?{re.escape(template)}"?\.', "{{schema}}.", sql)


def read_blueprint(cursor, template: str) -> SchemaBlueprint:
    """Read the template schema's DDL from pg_catalog (a few indexed queries on one namespace)."""
    fingerprint = template_fingerprint(cursor, template)
    cursor.execute("SELECT current_setting('search_path')")
    original_search_path = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('search_path', 'pg_catalog', true)")
    cursor.execute("SELECT %s::regnamespace::oid", [template])
    nsp = cursor.fetchone()[0]

    cursor.execute(
        "SELECT relkind, count(*) FROM pg_class WHERE relnamespace = %s AND relkind IN ('v', 'm', 'f') GROUP BY 1",
        [nsp],
    )
    unsupported = cursor.fetchall()
    if unsupported:
        raise RuntimeError(f"template schema holds objects the cloner does not copy: {unsupported}")

    # Free-standing sequences (identity columns bring their own).
    cursor.execute(
        """
        SELECT c.relname, s.seqstart, s.seqincrement, format_type(s.seqtypid, NULL)
        FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
        WHERE c.relnamespace = %s AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')
        ORDER BY c.relname
        """,
        [nsp],
    )
    pre_data = [
        f'CREATE SEQUENCE {{{{schema}}}}."{name}" AS {typ} START {start} INCREMENT {inc}'
        for name, start, inc, typ in cursor.fetchall()
    ]

    cursor.execute(
        "SELECT oid, relname FROM pg_class WHERE relnamespace = %s AND relkind IN ('r', 'p') ORDER BY relname",
        [nsp],
    )
    tables = cursor.fetchall()
    names = dict(tables)
    cursor.execute(
        """
        SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
               CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
               CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """,
        [nsp],
    )
    columns: dict[int, list[str]] = {}
    identity: list[tuple[str, str]] = []
    # A column's storage set by a migration (ALTER COLUMN ... SET STORAGE, e.g. the documents'
    # search vector kept inline) is part of the structure too.
    storage: list[str] = []
    for relid, col, typ, notnull, ident, generated, default, collation, stored in cursor.fetchall():
        if stored:
            storage.append(
                f'ALTER TABLE {{{{schema}}}}."{names[relid]}" ALTER COLUMN "{col}" SET STORAGE {_STORAGE[stored]}'
            )
        parts = [f'"{col}" {typ}']
        if collation:
            parts.append(f'COLLATE "{collation}"')
        if ident:
            parts.append(
                "GENERATED ALWAYS AS IDENTITY" if ident == "a" else "GENERATED BY DEFAULT AS IDENTITY"
            )
            identity.append((names[relid], col))
        elif generated == "s":
            parts.append(f"GENERATED ALWAYS AS ({_qualify(template, default)}) STORED")
        elif default is not None:
            parts.append(f"DEFAULT {_qualify(template, default)}")
        if notnull:
            parts.append("NOT NULL")
        columns.setdefault(relid, []).append(" ".join(parts))
    for oid, name in tables:
        pre_data.append(f'CREATE TABLE {{{{schema}}}}."{name}" ({", ".join(columns.get(oid, []))})')
    pre_data += storage

    # Constraints: keys and checks first, then foreign keys (which need the keys).
    cursor.execute(
        """
        SELECT conrelid, conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE connamespace = %s AND conrelid <> 0 AND contype IN ('p', 'u', 'c', 'x', 'f')
        ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 1 WHEN 'c' THEN 2 ELSE 3 END, conname
        """,
        [nsp],
    )
    post_data = [
        f'ALTER TABLE {{{{schema}}}}."{names[relid]}" ADD CONSTRAINT "{conname}" {_qualify(template, definition)}'
        for relid, conname, _type, definition in cursor.fetchall()
        if relid in names
    ]
    cursor.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                          WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
        ORDER BY c.relname
        """,
        [nsp],
    )
    post_data += [_qualify(template, row[0]) for row in cursor.fetchall()]
    cursor.execute(
        """
        SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname
        """,
        [nsp],
    )
    post_data += [_qualify(template, row[0]) for row in cursor.fetchall()]
    cursor.execute("SELECT set_config('search_path', %s, true)", [original_search_path])
    return SchemaBlueprint(
        fingerprint=fingerprint,
        tables=tuple(name for _oid, name in tables),
        pre_data=tuple(pre_data),
        post_data=tuple(post_data),
        identity_columns=tuple(identity),
    )


def get_blueprint(cursor, template: str | None = None) -> SchemaBlueprint:
    template = template or template_schema()
    fingerprint = template_fingerprint(cursor, template)
    key = f"{template}:{fingerprint}"
    with _lock:
        blueprint = _cache.get(key)
    if blueprint is None:
        # set_config(..., true) is transaction-local, so read inside one.
        with transaction.atomic():
            blueprint = read_blueprint(cursor, template)
        with _lock:
            _cache.clear()
            _cache[key] = blueprint
    return blueprint


def clone_template_schema(schema: str, *, template: str | None = None) -> None:
    """Create `schema` as a copy of the template: structure and rows. Runs in the caller's
    transaction, so a failure later in provisioning leaves no schema behind."""
    check_schema_name(schema)
    template = template or template_schema()
    with connection.cursor() as cursor:
        blueprint = get_blueprint(cursor, template)
        copy = [
            f'INSERT INTO "{schema}"."{table}" OVERRIDING SYSTEM VALUE SELECT * FROM "{template}"."{table}"'
            for table in blueprint.tables
        ]
        reset = [
            f"SELECT setval(pg_get_serial_sequence('\"{schema}\".\"{table}\"', '{column}'), "
            f'COALESCE((SELECT max("{column}") FROM "{schema}"."{table}"), 0) + 1, false)'
            for table, column in blueprint.identity_columns
        ]
        script = ";\n".join(
            [
                f'CREATE SCHEMA "{schema}"',
                blueprint.render(blueprint.pre_data, schema),
                *copy,
                *reset,
                blueprint.render(blueprint.post_data, schema),
            ]
        )
        cursor.execute(script)


def drop_schema(schema: str) -> None:
    check_schema_name(schema)
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction would block the drop.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
