"""Each unit's document files, content-addressed under its own folder.

    MEDIA_ROOT/units/<schema>/documents/<sha256[:2]>/<sha256>

The unit is never a parameter: both writing and reading take it from the connection's current
schema (set by the tenant middleware from the host, or by `schema_context` in tasks), so code
running for one unit cannot name a path in another's folder, and a digest from another unit
simply is not found. The public schema has no documents and is refused.

Writes go to a temporary file in the target folder, are flushed to disk and renamed into
place, so a reader never sees half a file; storing the same content twice is a no-op.

Files follow the database work they belong to (oa/core/files.py): a file first
written inside a transaction that then rolls back (a refused row, the database gone away
mid-upload) is removed when the scope ends, and a file that a committed row names is written
again at commit if a concurrent rollback removed it. Every request runs in such a scope
(oa.core.middleware.FilesFollowTransactionMiddleware), and so do the workers' tasks that store.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection

from oa.core.files import keep_at_commit, track_new_file, write_file

_DIGEST = re.compile(r"[0-9a-f]{64}")
# django-tenants already restricts schema names; this keeps the path component safe regardless.
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class UnitStorageError(RuntimeError):
    """Storage used outside a unit (the public schema), or with a schema name unfit for a path."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    # Relative to MEDIA_ROOT, with forward slashes: what a model's field keeps.
    relative_path: str


def _unit_folder() -> tuple[str, Path]:
    schema = getattr(connection, "schema_name", None)
    public = getattr(settings, "PUBLIC_SCHEMA_NAME", "public")
    if not schema or schema == public:
        raise UnitStorageError("document files belong to a unit: the connection is on the public schema")
    if not _SCHEMA.fullmatch(schema):
        raise UnitStorageError(f"schema name {schema!r} is not usable in a path")
    return schema, Path(settings.MEDIA_ROOT) / "units" / schema / "documents"


def _relative(schema: str, digest: str) -> str:
    return f"units/{schema}/documents/{digest[:2]}/{digest}"


def store_bytes(data: bytes) -> StoredBlob:
    """Keep `data` in the current unit's store; returns where it is."""
    digest = hashlib.sha256(data).hexdigest()
    schema, folder = _unit_folder()
    target = folder / digest[:2] / digest
    blob = StoredBlob(sha256=digest, size=len(data), relative_path=_relative(schema, digest))
    if target.is_file() and target.stat().st_size == len(data):
        keep_at_commit(target, data)
        return blob
    write_file(target, data)
    track_new_file(target)
    return blob


def blob_path(sha256: str) -> Path:
    """The current unit's path for a digest (which need not exist)."""
    if not isinstance(sha256, str) or not _DIGEST.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    _schema, folder = _unit_folder()
    return folder / sha256[:2] / sha256


def open_blob(sha256: str) -> BinaryIO:
    """The current unit's file for a digest, open for reading; FileNotFoundError if it has none."""
    return blob_path(sha256).open("rb")


def blob_exists(sha256: str) -> bool:
    return blob_path(sha256).is_file()
