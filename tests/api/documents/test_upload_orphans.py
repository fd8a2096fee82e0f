"""Issue 19 item 7: an upload interrupted by a database failure leaves no orphan file. The
failure is the database's own: a trigger makes PostgreSQL refuse the row naming the file (as a
database going away mid-upload would), inside the request's transaction; nothing is mocked."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from oa.core.files import files_follow_transaction
from tests.conftest import HULI, SIMING
from tests.exchange.conftest import submission

NOTICE = {
    "title": "关于做好2026年冬季安全生产工作的通知",
    "doc_type": "通知",
    "main_recipients": "各街道办事处，区直各部门",
    "body_html": "<p>为切实做好今冬消防安全工作，现通知如下。</p>",
}


def fail_inserts_into(table: str) -> None:
    """From now on (in this test's transaction) PostgreSQL refuses every row for `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION public.oa_test_refuse() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the database went away (test)'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER oa_test_refuse BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION public.oa_test_refuse()"
        )


def files_under(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, text: str):
    stream = io.BytesIO(text.encode())
    stream.name = name
    return stream


def test_an_attachment_upload_the_database_refuses_leaves_no_file(client_for, media):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    before = files_under(media)
    content = "附件：雪松计划实施细则（不应留下）。"
    fail_inserts_into(f"{SIMING}.documents_documentfile")
    with pytest.raises(DatabaseError):
        clerk.post(
            f"/api/documents/{document['id']}/files/",
            {"role": "attachment", "files": [upload("细则.txt", content)]},
            format="multipart",
        )
    digest = hashlib.sha256(content.encode()).hexdigest()
    assert files_under(media) == before
    assert not (media / "units" / SIMING / "documents" / digest[:2] / digest).exists()


def test_an_upload_that_commits_keeps_its_file(client_for, media):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    content = "附件：雪松计划实施细则。"
    response = clerk.post(
        f"/api/documents/{document['id']}/files/",
        {"role": "attachment", "files": [upload("细则.txt", content)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    digest = hashlib.sha256(content.encode()).hexdigest()
    assert (media / "units" / SIMING / "documents" / digest[:2] / digest).is_file()


class Refused(Exception):
    pass


def test_a_rolled_back_store_never_removes_a_file_another_row_names(db, media):
    from oa.documents.storage import blob_path, store_bytes

    fresh = None
    with schema_context(SIMING):
        kept = store_bytes(b"already kept for a committed row")  # outside any scope: as before
        with files_follow_transaction(), pytest.raises(Refused), transaction.atomic():
            store_bytes(b"already kept for a committed row")
            fresh = store_bytes(b"new in the failed transaction")
            assert blob_path(fresh.sha256).is_file()
            raise Refused
        assert blob_path(kept.sha256).is_file()
        assert not blob_path(fresh.sha256).exists()
        # Written in a savepoint that was released: the caller's transaction is still open, so
        # the file stays (it is that transaction's to keep).
        with files_follow_transaction(), transaction.atomic():
            pending = store_bytes(b"released into the caller's transaction")
        assert blob_path(pending.sha256).is_file()
    connection.set_schema_to_public()


def test_a_package_submission_whose_envelope_the_database_refuses_leaves_no_package(people, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.models import Envelope
    from tests.conftest import HostClient

    data = submission("关于报送年度统计数据的通知")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "metadata.xml" in archive.namelist()
    client = HostClient(SIMING).login_as("clerk")
    fail_inserts_into("public.exchange_envelope")
    with pytest.raises(DatabaseError):
        client.post(
            "/api/exchange/packages/",
            {
                "package": SimpleUploadedFile("p.zip", data, content_type="application/zip"),
                "recipients": [HULI],
            },
            format="multipart",
        )
    packages = media / "exchange" / "packages"
    assert not packages.exists() or files_under(packages) == set()
    assert not Envelope.objects.exists()
