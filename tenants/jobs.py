"""Running bulk provisioning jobs; the Celery task and the CLI share this code."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError
from tenants.actions import do_provision_unit
from tenants.models import Job


@transaction.atomic
def do_create_provision_job(units: list[dict], *, acting_user, ip: str | None = None) -> Job:
    job = Job.objects.create(
        kind="provision_units",
        total=len(units),
        payload={"units": units, "results": []},
        created_by=acting_user,
    )
    record_event(
        "unit.bulk_requested",
        acting_user=acting_user,
        target=job,
        summary=f"批量开通单位 {len(units)} 个",
        ip=ip,
    )
    return job


def provision_rows(
    units: list[dict], *, acting_user, on_progress: Callable[[int, dict], None] | None = None
) -> list[dict]:
    """Provision each row; rows already provisioned are skipped, so a rerun continues a job."""
    results = []
    for index, row in enumerate(units, start=1):
        try:
            outcome = do_provision_unit(
                acting_user=acting_user,
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                admin_username=row["admin_username"],
                admin_display_name=row["admin_display_name"],
                admin_password=row.get("admin_password"),
                if_exists="skip",
            )
            result = {
                "row": row.get("row"),
                "code": row["code"],
                "status": "created" if outcome.created else "existing",
                "admin_username": outcome.admin_username,
                "admin_password": outcome.admin_password,
            }
        except ActionError as exc:
            result = {
                "row": row.get("row"),
                "code": row["code"],
                "status": "failed",
                "field": exc.field,
                "detail": exc.detail,
            }
        results.append(result)
        if on_progress:
            on_progress(index, result)
    return results


def run_provision_job(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        return  # already finished: running the task twice does nothing
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    done_codes = {r["code"] for r in job.payload.get("results", [])}
    pending = [u for u in job.payload["units"] if u["code"] not in done_codes]
    results = list(job.payload.get("results", []))

    def progress(_index: int, result: dict) -> None:
        results.append(result)
        errors = [
            {"row": r["row"], "field": r.get("field"), "detail": r["detail"]}
            for r in results
            if r["status"] == "failed"
        ]
        Job.objects.filter(pk=job.pk).update(
            done=len(results), errors=errors, payload={**job.payload, "results": results}
        )

    try:
        provision_rows(pending, acting_user=job.created_by, on_progress=progress)
    except Exception:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now())
        raise
    # Passwords given in the file are not kept once the job is over.
    units = [{**u, "admin_password": None} for u in job.payload["units"]]
    failed = any(r["status"] == "failed" for r in results)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED if failed else Job.Status.DONE,
        finished_at=timezone.now(),
        payload={"units": units, "results": results},
    )


__all__ = ["do_create_provision_job", "provision_rows", "run_provision_job"]


@transaction.atomic
def do_release_job_credentials(job: Job, *, acting_user, ip: str | None = None) -> list[dict]:
    """The job's results with the generated admin passwords, for the provider who started it,
    once: the stored copies are erased as they are handed over."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    results = list(job.payload.get("results", []))
    finished = job.status in (Job.Status.DONE, Job.Status.FAILED)
    if not finished or acting_user is None or job.created_by_id != acting_user.pk:
        return [{**r, "admin_password": None} for r in results]
    released = [r["code"] for r in results if r.get("admin_password")]
    if released:
        job.payload = {**job.payload, "results": [{**r, "admin_password": None} for r in results]}
        job.save(update_fields=["payload"])
        record_event(
            "unit.bulk_credentials_shown",
            acting_user=acting_user,
            target=job,
            summary=f"查看批量开通生成的管理员初始密码（{len(released)} 个单位）",
            detail={"units": released},
            ip=ip,
        )
    return results
