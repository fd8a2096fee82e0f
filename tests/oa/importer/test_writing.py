"""The one way an archived document changes: the importer's re-import of a changed legacy
record (ADR 0011; documents migration 0003). Everything else stays refused by the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from oa.documents.models import Document, DocumentFile
from oa.importer.writing import legacy_maintenance
from tests.oa.importer.conftest import run_file
from tests.oa.importer.sources.dxl.builders import document, item, text, unid
from tests.oa.importer.test_runs import export


@pytest.fixture
def imported(admin, media, tmp_path) -> Document:
    run_file(export(tmp_path, document(item("Subject", text("关于历史的通知")), n=1, form="FaWen")), admin)
    return Document.objects.get(legacy_id=unid(1))


def _file(document, admin, name="补充.pdf"):
    return DocumentFile.objects.create(
        document=document, role="attachment", name=name, kind="pdf", mime_type="application/pdf",
        size=1, sha256="0" * 64, uploaded_by=admin,
    )  # fmt: skip


def test_an_imported_document_is_frozen_like_any_archived_one(imported, admin):
    for attempt in (
        lambda: Document.objects.filter(pk=imported.pk).update(title="篡改"),
        lambda: Document.objects.filter(pk=imported.pk).delete(),
        lambda: _file(imported, admin),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_the_maintenance_setting_lets_the_importer_update_it_and_add_files_only(imported, admin):
    with transaction.atomic(), legacy_maintenance():
        Document.objects.filter(pk=imported.pk).update(title="原系统中已更正")
        added = _file(imported, admin)
        DocumentFile.objects.filter(pk=added.pk).update(removed_at=imported.archived_at)
    imported.refresh_from_db()
    assert imported.title == "原系统中已更正" and imported.is_archived
    for attempt in (
        lambda: Document.objects.filter(pk=imported.pk).delete(),
        lambda: DocumentFile.objects.filter(pk=added.pk).delete(),
        lambda: Document.objects.filter(pk=imported.pk).update(archived_at=None),  # un-archiving
        lambda: Document.objects.filter(pk=imported.pk).update(legacy_id="OTHER"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), legacy_maintenance():
            attempt()


def test_the_setting_does_nothing_for_documents_born_in_the_platform(imported, admin):
    native = Document.objects.create(
        direction="outgoing", doc_type="通知", title="平台内的公文", drafter=admin, state="archived"
    )
    Document.objects.filter(pk=native.pk).update(archived_at=imported.archived_at)
    with pytest.raises(DatabaseError), transaction.atomic(), legacy_maintenance():
        Document.objects.filter(pk=native.pk).update(title="篡改")
    with pytest.raises(DatabaseError), transaction.atomic(), legacy_maintenance():
        _file(native, admin)


def test_the_setting_ends_with_its_block_and_with_a_rolled_back_savepoint(imported):
    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(current_setting('oa.legacy_import', true), '')")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with legacy_maintenance():
            assert setting() == "on"
        assert setting() == "off"
        with pytest.raises(RuntimeError), transaction.atomic(), legacy_maintenance():
            raise RuntimeError
        assert setting() != "on"
        with pytest.raises(DatabaseError), transaction.atomic():
            Document.objects.filter(pk=imported.pk).update(title="篡改")
