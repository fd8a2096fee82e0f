"""The hub's package store: sealed packages, content-addressed, outside every unit's folder.

    MEDIA_ROOT/exchange/packages/<sha256[:2]>/<sha256>

Packages are kept as they were signed; the hub never rewrites one. A reader checks the digest it
was given against the bytes it reads (verification does), so a file changed at rest is refused,
not delivered.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings

from oa.core import files

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
        files.keep_at_commit(target, data)
        return digest
    files.write_file(target, data)
    # A package stored for an envelope that never commits is removed again (oa/documents/storage).
    files.track_new_file(target)
    return digest


def read_package(sha256: str) -> bytes:
    """The stored bytes (FileNotFoundError when missing). The caller verifies them."""
    return package_path(sha256).read_bytes()
