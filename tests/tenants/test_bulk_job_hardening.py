"""Issue 19 item 7, bulk provisioning: a password given in the CSV is never kept in the job's
payload (not while the job runs, not after), a job whose worker died is marked failed and can
be resumed where it stopped, and a second delivery of the task never runs beside a live one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from oa.core.errors import ActionError
from tenants.bulk import parse_units_csv
from tenants.jobs import (
    do_create_provision_job,
    provision_rows,
    run_provision_job,
    stale_after,
    sweep_stale_jobs,
)
from tenants.models import Job, Unit
from tests.conftest import SIMING, HostClient

PASSWORD = "Jimei@2026pass"
CSV = (
    "code,name,kind,admin_username,admin_display_name,admin_password\n"
    f"jimei,集美区政府办公室,district_office,admin,管理员,{PASSWORD}\n"
    "haicang,海沧区政府办公室,district_office,admin,管理员,Haicang#2026ok\n"
    "tongan,同安区政府办公室,district_office,admin,管理员,\n"
)


def stored_payload(job: Job) -> str:
    """The job's payload as PostgreSQL holds it (what a dump or a backup shows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload::text FROM tenants_job WHERE id = %s", [job.pk])
        return cursor.fetchone()[0]


def upload(text: str):
    return SimpleUploadedFile("units.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_csv_passwords_are_never_in_the_jobs_payload_and_still_work(provider):
    response = provider.post("/api/units/bulk/", {"file": upload(CSV)}, format="multipart")
    assert response.status_code == 202, response.content
    assert PASSWORD not in response.content.decode()
    job = Job.objects.get(pk=response.json()["id"])
    assert PASSWORD not in stored_payload(job) and "Haicang#2026ok" not in stored_payload(job)
    run_provision_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    text = stored_payload(job)
    assert PASSWORD not in text and 'admin_password_sealed": "v1:' not in text
    assert all(u["admin_password_sealed"] is None for u in job.payload["units"])
    with schema_context("jimei"):
        assert authenticate(username="admin", password=PASSWORD) is not None
    connection.set_schema_to_public()


def test_a_weak_csv_password_is_refused_with_the_file_naming_the_row_and_field(db):
    weak = "code,name,admin_password\njimei,集美区政府办公室,123456\n"
    with pytest.raises(ActionError) as caught:
        parse_units_csv(weak.encode())
    assert caught.value.errors == [
        {"row": 2, "field": "admin_password", "detail": caught.value.errors[0]["detail"]}
    ]
    assert not Unit.objects.filter(code="jimei").exists()


def _dead_worker_job() -> Job:
    """A job whose worker provisioned the first unit, then died (no heartbeat since)."""
    job = do_create_provision_job(parse_units_csv(CSV.encode()), acting_user=None)
    job.refresh_from_db()
    first = job.payload["units"][:1]
    results = provision_rows(first, acting_user=None, job_id=job.pk)
    long_ago = timezone.now() - stale_after() - timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        heartbeat_at=long_ago,
        done=1,
        payload={**job.payload, "results": results},
    )
    return job


def test_a_job_whose_worker_died_is_marked_failed_and_resumes_where_it_stopped(
    provider, django_capture_on_commit_callbacks
):
    from config.celery import app

    job = _dead_worker_job()
    assert sweep_stale_jobs() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.done) == ("failed", True, 1)
    assert "中断" in job.errors[-1]["detail"]
    shown = provider.get(f"/api/jobs/{job.pk}/").json()
    assert (shown["status"], shown["interrupted"]) == ("failed", True)
    # A redelivered task for the failed job does nothing until someone resumes it.
    run_provision_job(job.pk)
    assert not Unit.objects.filter(code="haicang").exists()

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = provider.post(f"/api/jobs/{job.pk}/resume/", format="json")
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 202, response.content
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.done, job.errors) == ("done", False, 3, [])
    assert [r["code"] for r in job.payload["results"]] == ["jimei", "haicang", "tongan"]
    assert Unit.objects.filter(code__in=["jimei", "haicang", "tongan"]).count() == 3
    # The resumed rows kept their file passwords (sealed while waiting), erased at the end.
    with schema_context("haicang"):
        assert authenticate(username="admin", password="Haicang#2026ok") is not None
    connection.set_schema_to_public()
    assert all(u["admin_password_sealed"] is None for u in job.payload["units"])


def test_only_an_interrupted_job_can_be_resumed(provider):
    job = do_create_provision_job(parse_units_csv(CSV.encode()), acting_user=None)
    response = provider.post(f"/api/jobs/{job.pk}/resume/", format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert provider.post("/api/jobs/999999/resume/", format="json").status_code == 404


def test_resuming_is_refused_to_anyone_but_the_provider(db, provider):
    job = _dead_worker_job()
    sweep_stale_jobs()
    anonymous = HostClient(None).post(f"/api/jobs/{job.pk}/resume/", format="json")
    assert anonymous.status_code == 401
    unit_admin = HostClient(SIMING).login_as("admin")
    assert unit_admin.post(f"/api/jobs/{job.pk}/resume/", format="json").status_code == 404
    unit_admin.defaults["HTTP_HOST"] = "localhost"
    assert unit_admin.post(f"/api/jobs/{job.pk}/resume/", format="json").status_code == 401
    job.refresh_from_db()
    assert (job.status, job.interrupted) == ("failed", True)


def test_a_second_delivery_of_the_task_does_not_run_beside_a_live_worker(db):
    job = do_create_provision_job(parse_units_csv(CSV.encode()), acting_user=None)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    run_provision_job(job.pk)  # the redelivered message, while the first worker still beats
    job.refresh_from_db()
    assert (job.status, job.done) == ("running", 0)
    assert not Unit.objects.filter(code="jimei").exists()
    assert sweep_stale_jobs() == []  # alive: not swept
