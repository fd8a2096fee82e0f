"""Running bulk provisioning jobs; the Celery task and the CLI share this code.

A job's rows are in its payload while it runs; a password given in the CSV is not: it is sealed
(AES-GCM under a key derived from SECRET_KEY, bound to the job and the row's unit code), so the
Job row, a database dump or a backup never shows it, and it is erased when the job finishes.
A worker holding a job beats (heartbeat_at) after each unit; a job whose worker died is marked
failed and interrupted by the sweep, and `do_resume_job` queues it again: units already
provisioned are skipped.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from tenants.actions import do_provision_unit
from tenants.models import Job

_SEALED = "v1:"


def _job_key() -> bytes:
    return hashlib.sha256(b"govoa bulk job passwords\0" + settings.SECRET_KEY.encode()).digest()


def seal_password(password: str, *, job_id: int, code: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_job_key()).encrypt(nonce, password.encode(), f"{job_id}:{code}".encode())
    return _SEALED + base64.b64encode(nonce + sealed).decode()


def unseal_password(value: str, *, job_id: int, code: str) -> str:
    raw = base64.b64decode(value.removeprefix(_SEALED))
    return AESGCM(_job_key()).decrypt(raw[:12], raw[12:], f"{job_id}:{code}".encode()).decode()


def stale_after() -> timedelta:
    """A running job whose worker has not beaten for this long is taken as dead."""
    return timedelta(seconds=getattr(settings, "OA_JOB_STALE_SECONDS", 600))


@transaction.atomic
def do_create_provision_job(units: list[dict], *, acting_user, ip: str | None = None) -> Job:
    job = Job.objects.create(
        kind="provision_units", total=len(units), payload={"results": []}, created_by=acting_user
    )
    # The rows go in once the job has its id (the sealed passwords are bound to it).
    job.payload = {
        "units": [
            {
                **{k: v for k, v in row.items() if k != "admin_password"},
                "admin_password": None,
                "admin_password_sealed": (
                    seal_password(row["admin_password"], job_id=job.pk, code=row["code"])
                    if row.get("admin_password")
                    else None
                ),
            }
            for row in units
        ],
        "results": [],
    }
    job.save(update_fields=["payload"])
    record_event(
        "unit.bulk_requested",
        acting_user=acting_user,
        target=job,
        summary=f"批量开通单位 {len(units)} 个",
        ip=ip,
    )
    return job


def _row_password(row: dict, job_id: int | None) -> str | None:
    sealed = row.get("admin_password_sealed")
    if not sealed:
        return row.get("admin_password")
    try:
        return unseal_password(sealed, job_id=job_id or 0, code=row["code"])
    except (InvalidTag, ValueError):
        raise ActionError(
            ErrorCode.INVALID,
            "文件中给出的管理员密码已无法读取（平台密钥已更换），请重新提交该行。",
            field="admin_password",
        ) from None


def provision_rows(
    units: list[dict],
    *,
    acting_user,
    on_progress: Callable[[int, dict], None] | None = None,
    job_id: int | None = None,
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
                admin_password=_row_password(row, job_id),
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


def _claim(job_id: int) -> Job | None:
    """The job, marked running by this worker; None when it is finished, or running in a worker
    that is still alive (a redelivered task while the first one works does nothing)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
            return None
        now = timezone.now()
        beat = job.heartbeat_at
        if job.status == Job.Status.RUNNING and beat is not None and now - beat < stale_after():
            return None
        job.status, job.heartbeat_at, job.interrupted = Job.Status.RUNNING, now, False
        job.save(update_fields=["status", "heartbeat_at", "interrupted"])
        return job


def run_provision_job(job_id: int) -> None:
    job = _claim(job_id)
    if job is None:
        return  # already finished, or another worker has it: running the task twice does nothing
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
            done=len(results),
            errors=errors,
            payload={**job.payload, "results": results},
            heartbeat_at=timezone.now(),
        )

    try:
        provision_rows(pending, acting_user=job.created_by, on_progress=progress, job_id=job.pk)
    except Exception:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            payload={"units": _erased(job.payload["units"]), "results": results},
        )
        raise
    failed = any(r["status"] == "failed" for r in results)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED if failed else Job.Status.DONE,
        finished_at=timezone.now(),
        payload={"units": _erased(job.payload["units"]), "results": results},
    )


def _erased(units: list[dict]) -> list[dict]:
    """The rows without the passwords given in the file: not kept once the job is over."""
    return [{**u, "admin_password": None, "admin_password_sealed": None} for u in units]


def sweep_stale_jobs(*, now=None) -> list[int]:
    """Jobs whose worker died (running, no heartbeat for `stale_after()`): marked failed and
    interrupted, resumable. Their sealed passwords stay until they are resumed and finish."""
    now = now or timezone.now()
    swept = []
    with transaction.atomic():
        cutoff = now - stale_after()
        stale = Job.objects.select_for_update(skip_locked=True).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
            status=Job.Status.RUNNING,
        )
        for job in stale:
            job.status, job.interrupted, job.finished_at = Job.Status.FAILED, True, now
            job.errors = [
                *job.errors,
                {
                    "row": None,
                    "field": None,
                    "detail": f"处理进程意外中断（已处理 {job.done}/{job.total}），可继续执行。",
                },
            ]
            job.save(update_fields=["status", "interrupted", "finished_at", "errors"])
            swept.append(job.pk)
            record_event(
                "unit.bulk_interrupted",
                acting_user=None,
                target=job,
                summary=f"批量开通任务 #{job.pk} 的处理进程中断（{job.done}/{job.total}）",
            )
    return swept


@transaction.atomic
def do_resume_job(job: Job, *, acting_user, ip: str | None = None) -> Job:
    """继续执行 an interrupted job: queued again; the units already provisioned are skipped."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if not job.interrupted or job.status != Job.Status.FAILED:
        raise ActionError(ErrorCode.STATE, "只有处理中断的任务可以继续执行。", status=409)
    job.status, job.interrupted, job.finished_at, job.heartbeat_at = Job.Status.PENDING, False, None, None
    job.errors = [e for e in job.errors if e.get("row") is not None]
    job.save(update_fields=["status", "interrupted", "finished_at", "heartbeat_at", "errors"])
    record_event(
        "unit.bulk_resumed",
        acting_user=acting_user,
        target=job,
        summary=f"继续执行批量开通任务 #{job.pk}（已处理 {job.done}/{job.total}）",
        ip=ip,
    )
    from tenants.tasks import provision_units_job

    transaction.on_commit(lambda: provision_units_job.delay(job.pk))
    return job


__all__ = [
    "do_create_provision_job",
    "do_resume_job",
    "provision_rows",
    "run_provision_job",
    "sweep_stale_jobs",
]


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
