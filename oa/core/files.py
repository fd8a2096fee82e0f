"""Files that follow the database work they belong to.

A store (a unit's document files, the hub's packages) writes a file before the row naming it
commits. Inside `files_follow_transaction`, a file first written in a transaction that then
rolls back, or whose database connection is lost (a database restart mid-upload), is removed
when the block ends, so no orphan is left; a store that found its file already there has it
written again at commit, in case another transaction's rollback removed it meanwhile.
Every request runs in such a block (oa.core.middleware.FilesFollowTransactionMiddleware), and
so do the worker tasks that store files.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction


@dataclass
class _Pending:
    """A file first written inside a transaction: kept if the transaction commits."""

    path: Path
    confirm: Callable[[], None]
    committed: bool = False


_scope: ContextVar[list[_Pending] | None] = ContextVar("oa_pending_files", default=None)


@contextmanager
def files_follow_transaction() -> Iterator[None]:
    """Files first written inside this block whose transaction rolled back (or whose database
    connection was lost) are removed when it ends. Those whose transaction is still open (the
    block runs inside a caller's transaction) are handed to the enclosing block."""
    pending: list[_Pending] = []
    token = _scope.set(pending)
    try:
        yield
    finally:
        _scope.reset(token)
        _settle(pending)


def _settle(pending: list[_Pending]) -> None:
    # Django drops a transaction's on-commit callbacks when it (or the savepoint they were
    # registered in) rolls back, or when the connection is closed: a file whose confirmation is
    # gone belongs to work that never committed.
    alive = {id(func) for _sids, func, _robust in getattr(connection, "run_on_commit", [])}
    still_open = [p for p in pending if not p.committed and id(p.confirm) in alive]
    for entry in pending:
        if not entry.committed and id(entry.confirm) not in alive:
            entry.path.unlink(missing_ok=True)
    outer = _scope.get()
    if outer is not None:
        outer.extend(still_open)


def track_new_file(target: Path) -> None:
    """Called by a store right after it wrote `target`, which was not there before."""
    written_here = _scope.get()
    if not connection.in_atomic_block or written_here is None:
        return  # autocommit (nothing to follow), or outside any scope
    entry = _Pending(path=target, confirm=lambda: None)

    def confirm() -> None:
        entry.committed = True

    entry.confirm = confirm
    transaction.on_commit(confirm)
    written_here.append(entry)


def keep_at_commit(target: Path, data: bytes) -> None:
    """Called by a store that found `target` already there: it may be another transaction's new
    file, removed if that one rolls back; this transaction writes it again when it commits."""
    if connection.in_atomic_block:
        transaction.on_commit(lambda: None if target.is_file() else write_file(target, data))


def write_file(target: Path, data: bytes) -> None:
    """Write `data` at `target`: a temporary file in the same folder, synced, renamed, synced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o640)
        # Same content under the same name: a concurrent writer of this digest is harmless.
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry is only safe once synced)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
