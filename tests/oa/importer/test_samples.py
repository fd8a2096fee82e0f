"""The real Domino exports in ../shared/data/dxl import as their README says."""

from __future__ import annotations

from oa.documents.models import Document
from oa.importer.models import ImportRun
from tests.oa.importer.conftest import run_file, sample


def test_the_100_document_export_imports_every_document_archived(admin, media):
    run = run_file(sample("test_100docs.xml"), admin)
    assert run.state == ImportRun.State.DONE, (run.refusal, run.error)
    assert run.total == run.done == 100
    assert run.outcome_totals()["created"] == 100, run.counts
    documents = Document.objects.exclude(legacy_id="")
    assert documents.count() == 100
    assert all(d.state == Document.State.ARCHIVED and d.archived_at for d in documents)
