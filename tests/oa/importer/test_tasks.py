"""The Celery task runs an import in the unit it was queued from, and running it twice is safe."""

from __future__ import annotations

from django.db import connection

from oa.documents.models import Document
from oa.importer.actions import do_create_file_run
from oa.importer.models import ImportedRecord, ImportRun
from oa.importer.runs import Importer
from oa.importer.tasks import execute_import_run
from tests.oa.importer.conftest import sample


def test_the_task_runs_the_import_in_its_unit_and_a_second_delivery_changes_nothing(admin, media):
    run = do_create_file_run(sample("test_documents.xml"), acting_user=admin, dry_run=False)
    assert execute_import_run.apply(args=[run.pk]).get() == "done"
    assert connection.schema_name == "siming"
    assert Document.objects.exclude(legacy_id="").count() == 2
    assert execute_import_run.apply(args=[run.pk]).get() == "done"  # acks_late: delivered again
    assert Document.objects.exclude(legacy_id="").count() == 2


def test_an_interrupted_run_resumes_and_counts_what_it_had_written(admin, media):
    run = do_create_file_run(sample("test_documents.xml"), acting_user=admin, dry_run=False)
    from oa.importer.mapping import LoadedMapping
    from oa.importer.sources import open_source

    # The worker wrote the first document, then died before the run was marked done.
    source = open_source(sample("test_documents.xml"))
    first = next(iter(source.records()))
    importer = Importer(run, LoadedMapping(run.mapping_code, run.mapping, run.mapping_checksum, "run"))
    list(importer.process([first]))
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, done=1)
    assert execute_import_run.apply(args=[run.pk]).get() == "done"
    run.refresh_from_db()
    assert run.counts == {"其他文档": {"created": 2}}
    assert ImportedRecord.objects.filter(last_run=run).count() == 2
