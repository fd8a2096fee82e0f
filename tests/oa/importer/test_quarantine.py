"""修正后重试: the admin fixes a quarantined record's fields (or decides about a broken
attachment, or picks its form) and retries it; it imports whole or stays with the new reason."""

from __future__ import annotations

from datetime import date

import pytest

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from oa.documents.models import Document
from oa.importer.actions import do_retry_quarantined
from oa.importer.models import ImportedRecord
from tests.conftest import user_in
from tests.oa.documents.samples import pdf
from tests.oa.importer.conftest import run_file
from tests.oa.importer.sources.dxl.builders import attachment, document, item, text, unid
from tests.oa.importer.test_runs import export


def quarantined(admin, tmp_path, *notes, dry_run=False):
    run = run_file(export(tmp_path, *notes), admin, dry_run=dry_run)
    return run.quarantine.get()


def test_a_missing_title_typed_in_imports_the_record(admin, media, tmp_path):
    held = quarantined(
        admin, tmp_path, document(item("DocNumber", text("思政办〔2010〕7号")), n=1, form="FaWen")
    )
    assert held.reason == "missing_title"
    retried = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": "关于补录的通知"}})
    assert retried.resolved and retried.attempts == 1
    doc = retried.document
    assert (doc.title, doc.doc_number, doc.legacy_id) == ("关于补录的通知", "思政办〔2010〕7号", unid(1))
    assert doc.is_archived and doc.extra["fixed"] == {"title": "关于补录的通知"}
    assert ImportedRecord.objects.get(legacy_id=unid(1)).document == doc
    assert AuditEvent.objects.filter(action="importer.quarantine_retried", target_id=str(held.pk)).exists()
    with pytest.raises(ActionError) as again:
        do_retry_quarantined(retried, acting_user=admin)
    assert again.value.code == "invalid_state"
    # The same export run again applies the fix again: nothing falls back into quarantine.
    rerun = run_file(tmp_path / "export.xml", admin)
    assert rerun.counts == {"发文": {"unchanged": 1}}


def test_an_unparseable_date_retried_with_a_bad_fix_stays_with_the_new_reason(admin, media, tmp_path):
    held = quarantined(
        admin,
        tmp_path,
        document(
            item("Subject", text("关于放假的通知")), item("SendDate", text("去年夏天")), n=1, form="FaWen"
        ),
    )
    assert (held.reason, held.field) == ("bad_date", "issued_date")
    still = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"issued_date": "夏天"}})
    assert not still.resolved and still.reason == "bad_date" and "夏天" in still.message
    assert still.fixes == {"fields": {"issued_date": "夏天"}}
    done = do_retry_quarantined(still, acting_user=admin, fixes={"fields": {"issued_date": "2009年6月2日"}})
    assert done.resolved and done.document.issued_date == date(2009, 6, 2)
    assert done.attempts == 2


def test_an_unreadable_datetime_item_is_fixed_by_typing_its_field(admin, media, tmp_path):
    held = quarantined(
        admin,
        tmp_path,
        document(
            item("Subject", text("关于放假的通知")),
            item("SendDate", "<datetime>2012x</datetime>"),
            n=1,
            form="FaWen",
        ),
    )
    done = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"issued_date": "2012-06-01"}})
    assert done.resolved and done.document.issued_date == date(2012, 6, 1)


def test_a_broken_attachment_is_left_out_on_the_admins_decision_and_noted(admin, media, tmp_path):
    held = quarantined(
        admin,
        tmp_path,
        document(
            item("Subject", text("关于附件的通知")),
            attachment("好.pdf", pdf(["完好"])),
            attachment("程序.exe", b"MZ\x90\x00" * 64),
            n=1,
            form="FaWen",
        ),
    )
    assert held.reason == "broken_attachment"
    done = do_retry_quarantined(held, acting_user=admin, fixes={"skip_attachments": ["程序.exe"]})
    assert done.resolved
    doc = done.document
    assert list(doc.files.values_list("name", flat=True)) == ["好.pdf"]
    [kept] = doc.extra["attachments_not_imported"]
    assert kept["name"] == "程序.exe" and kept["size"] == 256 and len(kept["sha256"]) == 64


def test_a_record_of_an_unknown_form_is_imported_under_the_form_the_admin_picks(admin, media, tmp_path):
    from oa.importer.mapping import load_mapping
    from oa.templates.models import UnitTemplate
    from templates_lib.validation import checksum

    content = load_mapping().content
    content = {**content, "forms": [f for f in content["forms"] if "*" not in f["match"]]}
    UnitTemplate.objects.create(
        kind="mapping",
        code="strict",
        name="只导公文",
        content_json=content,
        checksum=checksum("mapping", content),
    )
    run = run_file(
        export(tmp_path, document(item("Subject", text("关于备忘的函")), n=1, form="Memo")),
        admin,
        mapping="strict",
    )
    held = run.quarantine.get()
    with pytest.raises(ActionError) as unknown:
        do_retry_quarantined(held, acting_user=admin, fixes={"form": "没有这个"})
    assert unknown.value.field == "form"
    done = do_retry_quarantined(held, acting_user=admin, fixes={"form": "收文"})
    assert done.resolved and done.document.direction == "incoming" and done.document.doc_type == "函"


def test_a_dry_runs_problems_cannot_be_retried_and_fixes_are_checked(admin, media, tmp_path):
    held = quarantined(admin, tmp_path, document(item("Subject", text("")), n=1, form="FaWen"), dry_run=True)
    with pytest.raises(ActionError) as refused:
        do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": "补"}})
    assert refused.value.status == 409
    real = quarantined(admin, tmp_path, document(item("Subject", text("")), n=2, form="FaWen"))
    with pytest.raises(ActionError) as unknown:
        do_retry_quarantined(real, acting_user=admin, fixes={"fields": {"colour": "红"}})
    assert unknown.value.field == "fields"
    with pytest.raises(ActionError) as denied:
        do_retry_quarantined(
            real, acting_user=user_in("siming", "director"), fixes={"fields": {"title": "补"}}
        )
    assert denied.value.status == 403
    assert not Document.objects.filter(legacy_id=unid(2)).exists()


def test_a_retried_record_keeps_its_attachment_bytes_from_the_store(admin, media, tmp_path):
    """The quarantine holds the record's bytes in the unit's store: the export file may be gone."""
    path = export(
        tmp_path,
        document(
            item("DocNumber", text("1号")),
            attachment("大附件.pdf", pdf([f"第 {i} 行" for i in range(400)])),
            n=1,
            form="FaWen",
        ),
    )
    run = run_file(path, admin)
    path.unlink()
    held = run.quarantine.get()
    [stored] = held.record["attachments"]
    assert "sha256" in stored and "base64" not in stored  # large: named by digest
    done = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": "关于附件的通知"}})
    file = done.document.files.get()
    assert done.resolved and file.size == stored["size"] and "第 42 行" in file.text
