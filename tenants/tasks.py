from __future__ import annotations

from celery import shared_task

from tenants.jobs import run_provision_job, sweep_stale_jobs


@shared_task(acks_late=True)
def provision_units_job(job_id: int) -> None:
    """Provision the units of a bulk job. Idempotent: rerunning skips units already created."""
    run_provision_job(job_id)


@shared_task
def sweep_stale_jobs_task() -> list[int]:
    """Bulk jobs whose worker died are marked failed (interrupted) and can be resumed."""
    return sweep_stale_jobs()
