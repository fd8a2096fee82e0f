"""/api/importer/: upload an export (its dry run first), read the report, start the real run,
follow it, search what it imported, fix and retry the quarantine. Runs are executed here by
calling the task's code directly (the request's transaction never commits in a test)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from oa.importer.models import ImportRun
from oa.importer.runs import execute_run
from tests.conftest import SIMING
from tests.oa.importer.conftest import sample
from tests.oa.importer.sources.dxl.builders import database, document, item, text, unid
from tests.oa.importer.test_runs import fawen, shouwen


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, name: str, data: bytes, **extra):
    return client.post(
        "/api/importer/runs/", {"file": SimpleUploadedFile(name, data), **extra}, format="multipart"
    )


def execute(run_id: int) -> None:
    with schema_context(SIMING):
        execute_run(run_id)


def test_an_upload_is_dry_run_first_then_imported_on_request(siming_admin):
    response = upload(siming_admin, "test_100docs.xml", sample("test_100docs.xml").read_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["dry_run"], body["kind"], body["source_name"]) == (
        "queued", True, "dxl", "test_100docs.xml"
    )  # fmt: skip
    execute(body["id"])
    report = siming_admin.get(f"/api/importer/runs/{body['id']}/").json()
    assert (report["state"], report["done"], report["total"]) == ("done", 100, 100)
    assert report["report"] == [
        {"rule": "其他文档", "created": 100, "updated": 0, "unchanged": 0, "quarantined": 0, "problems": {}}
    ]
    assert report["summary"]["skipped"]["form"] == 10
    assert (
        siming_admin.get(f"/api/importer/runs/{body['id']}/documents/").json()["count"] == 0
    )  # nothing written
    started = siming_admin.post(f"/api/importer/runs/{body['id']}/start/")
    assert started.status_code == 201, started.content
    real = started.json()
    assert (real["dry_run"], real["preview"], real["state"], real["total"]) == (
        False,
        body["id"],
        "queued",
        100,
    )
    busy = siming_admin.post(f"/api/importer/runs/{body['id']}/start/")
    assert busy.status_code == 409  # one real run at a time
    execute(real["id"])
    detail = siming_admin.get(f"/api/importer/runs/{real['id']}/").json()
    assert detail["state"] == "done" and detail["totals"]["created"] == 100
    found = siming_admin.get(f"/api/importer/runs/{real['id']}/documents/", {"q": "struuntur"}).json()
    assert found["count"] == 50  # the documents of the five forms whose text has the word
    first = found["results"][0]
    assert first["archive_code"].startswith("SIMING-WS·") and len(first["legacy_id"]) == 32
    listed = siming_admin.get("/api/importer/runs/").json()
    assert [r["id"] for r in listed["results"]] == [real["id"], body["id"]]
    # The imported documents are the unit's documents: the admin (their technical owner) opens them.
    page = siming_admin.get(f"/api/documents/{first['id']}/")
    assert page.status_code == 200 and page.json()["state"] == "archived"
    legacy = page.json()["legacy"]
    assert legacy["legacy_id"] == first["legacy_id"] and legacy["source"] == "dxl"
    assert legacy["authors"] == ["Eric BREHAULT"] and legacy["record"] == "archive"
    assert legacy["file"] == "test_100docs.xml"


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [("dxlDatabaseBadXML.xml", "bad_xml", 15), ("dxlDatabaseBadDXL.xml", "not_dxl", 21)],
)
def test_a_malformed_export_is_refused_at_upload_with_its_line(siming_admin, name, code, line):
    response = upload(siming_admin, name, sample(name).read_bytes())
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, "file")
    assert body["errors"][0]["line"] == line and f"第 {line} 行" in body["detail"]
    with schema_context(SIMING):
        assert not ImportRun.objects.exists()


def test_a_large_malformed_file_is_refused_by_its_run(siming_admin, settings):
    settings.OA_IMPORT_SYNC_CHECK_BYTES = 10  # as if it were too large to check while waiting
    response = upload(siming_admin, "bad.xml", sample("dxlDatabaseBadXML.xml").read_bytes())
    assert response.status_code == 201
    execute(response.json()["id"])
    run = siming_admin.get(f"/api/importer/runs/{response.json()['id']}/").json()
    assert run["state"] == "refused" and run["refusal"]["line"] == 15 and run["refusal"]["code"] == "bad_xml"
    assert siming_admin.post(f"/api/importer/runs/{run['id']}/start/").status_code == 409


def test_an_upload_over_the_limit_is_refused(siming_admin, settings):
    settings.OA_IMPORT_MAX_BYTES = 100
    response = upload(siming_admin, "big.xml", sample("test_documents.xml").read_bytes())
    # Refused while it streams in (api.uploads), with the upload's field named.
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert response.json()["field"] == "file"


def test_the_quarantine_is_listed_and_a_record_fixed_and_retried(siming_admin):
    export = database(
        fawen(1),
        shouwen(2),
        document(item("DocNumber", text("思政办〔2010〕7号")), n=3, form="FaWen"),
        document(
            item("Subject", text("关于放假的通知")), item("SendDate", text("去年夏天")), n=4, form="FaWen"
        ),
    )
    dry = upload(siming_admin, "fawen.xml", export).json()
    execute(dry["id"])
    report = siming_admin.get(f"/api/importer/runs/{dry['id']}/").json()
    assert report["report"][0] == {
        "rule": "发文", "created": 1, "updated": 0, "unchanged": 0, "quarantined": 2,
        "problems": {"bad_date": 1, "missing_title": 1},
    }  # fmt: skip
    real = siming_admin.post(f"/api/importer/runs/{dry['id']}/start/").json()
    execute(real["id"])
    held = siming_admin.get(f"/api/importer/runs/{real['id']}/quarantine/").json()
    assert [(q["index"], q["reason"], q["key"]) for q in held["results"]] == [
        (3, "missing_title", unid(3)),
        (4, "bad_date", unid(4)),
    ]
    only_dates = siming_admin.get(
        f"/api/importer/runs/{real['id']}/quarantine/", {"reason": "bad_date"}
    ).json()
    assert only_dates["count"] == 1
    item_id = held["results"][0]["id"]
    detail = siming_admin.get(f"/api/importer/quarantine/{item_id}/").json()
    assert detail["items"] == [{"name": "DocNumber", "type": "text", "text": "思政办〔2010〕7号"}]
    assert detail["problems"][0]["field"] == "title"
    bad = siming_admin.post(
        f"/api/importer/quarantine/{item_id}/retry/", {"fields": {"colour": "红"}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "fields"
    fixed = siming_admin.post(
        f"/api/importer/quarantine/{item_id}/retry/", {"fields": {"title": "关于补录的通知"}}, format="json"
    )
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["resolved"] is True and fixed.json()["document_title"] == "关于补录的通知"
    date_id = held["results"][1]["id"]
    still = siming_admin.post(
        f"/api/importer/quarantine/{date_id}/retry/", {"fields": {"issued_date": "某天"}}, format="json"
    )
    assert (
        still.status_code == 200 and still.json()["resolved"] is False and "某天" in still.json()["message"]
    )
    run = siming_admin.get(f"/api/importer/runs/{real['id']}/").json()
    assert (run["quarantined_open"], run["quarantined_resolved"]) == (1, 1)
    dry_item = siming_admin.get(f"/api/importer/runs/{dry['id']}/quarantine/").json()["results"][0]
    refused = siming_admin.post(f"/api/importer/quarantine/{dry_item['id']}/retry/", {}, format="json")
    assert refused.status_code == 409


def test_the_options_offer_the_units_mappings_the_fields_and_the_reasons(siming_admin):
    options = siming_admin.get("/api/importer/options/").json()
    [mapping] = options["mappings"]
    assert (mapping["code"], mapping["origin"]) == ("domino_oa", "unit")  # the starter kit brought it
    assert mapping["rules"] == ["发文", "收文", "签报", "会议纪要", "其他文档"]
    assert {"name": "issued_date", "label": "成文日期", "kind": "date"} in options["fields"]
    assert {"code": "missing_title", "label": "缺少标题"} in options["reasons"]


def test_the_unit_admin_edits_the_mapping_through_the_template_api_and_runs_use_it(siming_admin):
    [template] = siming_admin.get("/api/templates/", {"kind": "mapping"}).json()
    content = siming_admin.get(f"/api/templates/{template['id']}/").json()["content"]
    broken = siming_admin.patch(
        f"/api/templates/{template['id']}/", {"content": {"forms": []}}, format="json"
    )
    assert broken.status_code == 400 and broken.json()["code"] == "template_invalid"
    content["forms"][1]["match"].append("BeiWang")  # this unit's old system called 收文 备忘
    saved = siming_admin.patch(f"/api/templates/{template['id']}/", {"content": content}, format="json")
    assert saved.status_code == 200, saved.content
    run = upload(
        siming_admin,
        "memo.xml",
        database(document(item("Subject", text("关于开会的通知")), n=9, form="BeiWang")),
    ).json()
    execute(run["id"])
    assert siming_admin.get(f"/api/importer/runs/{run['id']}/").json()["report"][0]["rule"] == "收文"


def test_listing_runs_takes_as_many_queries_for_one_run_as_for_five(siming_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_the_list(expected: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert siming_admin.get("/api/importer/runs/").json()["count"] == expected
        return len(captured.captured_queries)

    upload(siming_admin, "f0.xml", database(fawen(1)))
    one = queries_for_the_list(1)
    for n in range(1, 5):
        upload(siming_admin, f"f{n}.xml", database(fawen(n + 1)))
    assert queries_for_the_list(5) == one
