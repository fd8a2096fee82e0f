"""The 档案 API as the pages use it: lending through the flow and losing access at the end,
the archivist's printouts and records, destruction refused without a decision, a transfer
exported, downloaded and verified; and the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from oa.archive.models import Loan
from oa.workflow.models import HumanTask
from tests.conftest import HULI, SIMING, HostClient
from tests.oa.archive.conftest import filed


@pytest.fixture
def items(people):
    return [filed(people, title="关于档案借阅的通知", year=2011), filed(people, title="第二件", year=2011)]


def client(username: str) -> HostClient:
    return HostClient(SIMING).login_as(username)


def test_a_staff_member_borrows_views_and_loses_access_when_the_loan_ends(people, items):
    clerk, archivist = client("clerk"), client("clerk2")
    listed = clerk.get("/api/archive/catalogue/", {"year": 2011})
    assert listed.status_code == 200 and listed.json()["count"] == 2
    created = clerk.post(
        "/api/archive/loans/", {"documents": [items[0].pk], "purpose": "编写大事记", "days": 2}, format="json"
    )
    assert created.status_code == 201, created.content
    loan = created.json()
    view = f"/api/archive/loans/{loan['id']}/items/{items[0].pk}/pdf/"
    assert clerk.get(view).json()["code"] == "loan_expired"

    with schema_context(SIMING):
        task = HumanTask.objects.get(instance_id=loan["process_instance"], state="open")
    done = archivist.post(
        f"/api/workflow/tasks/{task.pk}/complete/", {"outcome": "approve", "opinion": "同意"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert clerk.get(f"/api/archive/loans/{loan['id']}/").json()["state"] == "approved"
    shown = clerk.get(view)
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown.content.startswith(b"%PDF")
    # View only: no download, and nobody else uses the loan.
    assert client("auditor").get(view).status_code == 404
    records = archivist.get("/api/archive/access-records/").json()["results"]
    assert [(r["action"], r["user"]["username"], r["archive_code"]) for r in records] == [
        ("view", "clerk", items[0].archive_code)
    ]
    assert client("auditor").get(f"/api/archive/loans/{loan['id']}/").status_code == 404

    with schema_context(SIMING):
        Loan.objects.filter(pk=loan["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = clerk.get(view)
    assert refused.status_code == 403 and refused.json()["code"] == "loan_expired"


def test_the_archivist_prints_the_directory_and_box_labels(people, items):
    archivist = client("clerk2")
    printed = archivist.get("/api/archive/catalogue/directory/pdf/", {"year": 2011})
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    exported = archivist.get("/api/archive/catalogue/directory/xlsx/", {"year": 2011})
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    labels = archivist.get("/api/archive/catalogue/box-labels/", {"year": 2011, "per_box": 1})
    assert labels.status_code == 200 and labels.content.startswith(b"%PDF")
    refused = client("clerk").get("/api/archive/catalogue/directory/pdf/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    bad = archivist.get("/api/archive/catalogue/box-labels/", {"per_box": 0})
    assert bad.status_code == 400 and bad.json()["field"] == "per_box"


def test_destroying_without_a_decision_is_refused_with_the_field(people, items):
    refused = client("clerk2").post("/api/archive/destructions/", {"document": items[0].pk}, format="json")
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["field"]) == ("no_decision", "document")


def test_appraisal_through_the_api(people, items):
    archivist, director = client("clerk2"), client("director")
    due = archivist.get("/api/archive/appraisal/due/").json()
    assert {d["id"] for d in due} >= {items[0].pk}
    proposed = archivist.post(
        "/api/archive/appraisals/",
        {"document": items[0].pk, "proposal": "destroy", "reason": "到期无保存价值"},
        format="json",
    )
    assert proposed.status_code == 201, proposed.content
    pending = director.get("/api/archive/appraisals/pending/").json()["results"]
    assert [p["id"] for p in pending] == [proposed.json()["id"]]
    refused = director.post(
        f"/api/archive/appraisals/{proposed.json()['id']}/decide/", {"approve": False}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "opinion"
    approved = director.post(
        f"/api/archive/appraisals/{proposed.json()['id']}/decide/", {"approve": True}, format="json"
    )
    assert approved.json()["state"] == "approved"
    destroyed = archivist.post("/api/archive/destructions/", {"document": items[0].pk}, format="json")
    assert destroyed.status_code == 201, destroyed.content
    register = archivist.get("/api/archive/destructions/").json()["results"]
    assert register[0]["archive_code"] == items[0].archive_code
    assert register[0]["approved_by"]["username"] == "director"


def test_a_year_is_transferred_downloaded_and_verified(people, items):
    archivist = client("clerk2")
    exported = archivist.post("/api/archive/transfers/", {"year": 2011}, format="json")
    assert exported.status_code == 201, exported.content
    record = exported.json()
    package = archivist.get(f"/api/archive/transfers/{record['id']}/package/")
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    upload = SimpleUploadedFile("package.zip", package.content, content_type="application/zip")
    verified = archivist.post("/api/archive/transfers/verify/", {"file": upload}, format="multipart")
    assert verified.status_code == 200, verified.content
    body = verified.json()
    assert body["ok"] is True and body["transfer"]["state"] == "verified" and body["item_count"] == 2
    missing = archivist.post("/api/archive/transfers/verify/", {}, format="multipart")
    assert missing.status_code == 400 and missing.json()["field"] == "file"


def test_another_units_user_sees_nothing(people, items):
    outsider = HostClient(HULI).login_as("outsider")
    outsider.defaults["HTTP_HOST"] = f"{SIMING}.localhost"
    assert outsider.get("/api/archive/catalogue/").status_code == 401
    at_home = HostClient(HULI).login_as("outsider")
    assert at_home.get("/api/archive/catalogue/").json()["count"] == 0
    assert at_home.get(f"/api/archive/catalogue/{items[0].pk}/").status_code in (403, 404)
