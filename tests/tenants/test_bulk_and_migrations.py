import pytest

from oa.core.errors import ActionError
from tenants.bulk import parse_units_csv
from tenants.jobs import do_create_provision_job, run_provision_job
from tenants.migration_pass import run_migration_pass
from tenants.models import Job, Unit
from tenants.provisioning import schema_exists

CSV = (
    "code,name,kind,admin_username,admin_display_name,admin_password\n"
    "jimei,集美区政府办公室,district_office,admin,管理员,Jimei@2026pass\n"
    "haicang,海沧区政府办公室,district_office,admin,管理员,\n"
)


def test_a_csv_with_bad_rows_reports_each_row_and_creates_nothing(db):
    bad = "code,name\njimei,集美\nBAD!,坏代码\nsiming,别的名字\njimei,重复\n"
    with pytest.raises(ActionError) as caught:
        parse_units_csv(bad.encode())
    rows = {(e["row"], e["field"]) for e in caught.value.errors}
    assert rows == {(3, "code"), (4, "code"), (5, "code")}
    assert not Unit.objects.filter(code="jimei").exists()


def test_a_csv_needs_its_header(db):
    with pytest.raises(ActionError) as caught:
        parse_units_csv("名字,地址\n集美,x\n".encode())
    assert caught.value.field == "file"


def test_a_gbk_csv_is_read(db):
    rows = parse_units_csv("code,name\njimei,集美区政府办公室\n".encode("gbk"))
    assert rows[0]["name"] == "集美区政府办公室"


def test_a_bulk_job_provisions_every_unit_and_running_it_twice_changes_nothing(provider):
    response = provider.post("/api/units/bulk/", {"file": _upload(CSV)}, format="multipart")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.total == 2
    run_provision_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 2)
    assert schema_exists("jimei") and schema_exists("haicang")
    results = {r["code"]: r for r in provider.get(f"/api/jobs/{job.pk}/").json()["results"]}
    assert results["haicang"]["admin_password"]  # generated, shown to the provider
    assert results["jimei"]["admin_password"] is None
    assert all(u["admin_password"] is None for u in job.payload["units"])  # not kept
    again = {r["code"]: r for r in provider.get(f"/api/jobs/{job.pk}/").json()["results"]}
    assert again["haicang"]["admin_password"] is None  # shown once
    run_provision_job(job.pk)
    assert Unit.objects.filter(code__in=["jimei", "haicang"]).count() == 2


def test_an_interrupted_job_resumes_where_it_stopped(db):
    rows = parse_units_csv(CSV.encode())
    job = do_create_provision_job(rows, acting_user=None)
    from tenants.jobs import provision_rows

    provision_rows(rows[:1], acting_user=None)  # as if the worker died after the first unit
    job.payload["results"] = []
    job.save()
    run_provision_job(job.pk)
    job.refresh_from_db()
    assert [r["status"] for r in job.payload["results"]] == ["existing", "created"]


def test_the_migration_pass_skips_units_already_current(db):
    report = run_migration_pass()
    assert report.units == 2
    assert report.current == 2
    assert report.migrated == [] and report.failed == {}


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("units.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_bulk_command_provisions_from_a_csv_with_progress(db, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "units.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("provision_units", str(path))
    out = capsys.readouterr().out
    assert "created 2" in out and "haicang: admin / " in out
    call_command("provision_units", str(path))
    assert "created 0, already there 2" in capsys.readouterr().out


def test_the_bulk_command_lists_bad_rows_and_creates_nothing(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "units.csv"
    path.write_text("code,name\njimei,集美\nBAD,坏\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("provision_units", str(path))
    assert not Unit.objects.filter(code="jimei").exists()
