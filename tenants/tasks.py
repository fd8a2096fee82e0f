from __future__ import annotations

from celery import shared_task

from tenants.jobs import run_provision_job


@shared_task(acks_late=True)
def provision_units_job(job_id: int) -> None:
    """Provision the units of a bulk job. Idempotent: rerunning skips units already created."""
    run_provision_job(job_id)
