from __future__ import annotations

from celery import shared_task

from oa.importer.runs import execute_run


@shared_task(acks_late=True)
def execute_import_run(run_id: int) -> str:
    """Run an import (dry or real) in the unit's schema it was queued from (tenant-schemas-celery
    carries the schema in the message). Safe to run twice: a finished run is left alone and an
    interrupted one resumes through the ledger (runs.py)."""
    from oa.core.files import files_follow_transaction

    with files_follow_transaction():
        return execute_run(run_id).state
