"""The hub's package store: sealed packages, content-addressed, outside every unit's folder.

    MEDIA_ROOT/exchange/packages/<sha256[:2]>/<sha256>

Packages are kept as they were signed; the hub never rewrites one. A reader checks the digest it
was given against the bytes it reads (verification does), so a file changed at rest is refused,
not delivered.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

_DIGEST = re.compile(r"[0-9a-f]{64}")


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "exchange" / "packages"


def package_path(sha256: str) -> Path:
    if not isinstance(sha256, str) or not _DIGEST.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _root() / sha256[:2] / sha256


def store_package(data: bytes) -> str:
    """Keep `data`; returns its SHA-256. Written to a temporary file, synced, renamed."""
    digest = hashlib.sha256(data).hexdigest()
    target = package_path(digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return digest


def read_package(sha256: str) -> bytes:
    """The stored bytes (FileNotFoundError when missing). The caller verifies them."""
    return package_path(sha256).read_bytes()
