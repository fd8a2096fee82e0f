"""Where uploaded legacy exports wait for their runs: MEDIA_ROOT/units/<schema>/imports/.

Like the document store (oa/documents/storage.py) the unit comes from the connection's schema,
never from a parameter. An upload is copied there in chunks (a DXL export can be gigabytes),
hashed on the way, and read back by the dry run, the real run and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection

from oa.documents.storage import UnitStorageError

_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class KeptUpload:
    relative_path: str  # relative to MEDIA_ROOT
    size: int
    sha256: str


def _folder() -> tuple[str, Path]:
    schema = getattr(connection, "schema_name", None)
    if (
        not schema
        or schema == getattr(settings, "PUBLIC_SCHEMA_NAME", "public")
        or not _SCHEMA.fullmatch(schema)
    ):
        raise UnitStorageError("imports belong to a unit: the connection is not on a unit's schema")
    return schema, Path(settings.MEDIA_ROOT) / "units" / schema / "imports"


def keep_upload(stream: IO[bytes], *, max_bytes: int) -> KeptUpload | None:
    """Copy the upload into the unit's imports folder; None (nothing kept) past `max_bytes`."""
    schema, folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.upload"
    target = folder / name
    digest = hashlib.sha256()
    size = 0
    try:
        with target.open("xb") as out:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                size += len(chunk)
                if size > max_bytes:
                    raise OverflowError
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OverflowError:
        target.unlink(missing_ok=True)
        return None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o640)
    return KeptUpload(f"units/{schema}/imports/{name}", size, digest.hexdigest())


def path_of(file_path: str) -> Path:
    """The file a run reads: an upload kept for the current unit, or (command line) a path as given."""
    path = Path(file_path)
    if path.is_absolute():
        return path
    schema, folder = _folder()
    if not file_path.startswith(f"units/{schema}/imports/"):
        raise UnitStorageError("the run's file belongs to another unit")
    return folder / Path(file_path).name


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
