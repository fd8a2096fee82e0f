"""The real Domino exports in ../shared/data/dxl import as their README says: the bulk file,
the attachments, the rich text, every item type; the malformed ones are refused clearly."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from oa.core.errors import ActionError
from oa.documents import queries as document_queries
from oa.documents.models import Document, DocumentFile
from oa.importer.actions import do_create_file_run, do_retry_quarantined
from oa.importer.models import ImportedRecord, ImportRun
from tests.oa.importer.conftest import run_file, sample

PLUS_2 = timezone(timedelta(hours=2))


def imported(unid: str) -> Document:
    return Document.objects.get(legacy_id=unid)


def test_the_100_document_export_imports_every_document_archived(admin, media):
    run = run_file(sample("test_100docs.xml"), admin)
    assert run.state == ImportRun.State.DONE, (run.refusal, run.error)
    assert run.total == run.done == 100
    # Its ten forms are not OA forms: the catch-all rule files them as archive-only records. Six
    # of them hold nothing that looks like a title (names, numbers, dates, only rich text): those
    # 60 notes are quarantined as 缺少标题, never titled with a names item or a time zone.
    assert run.counts == {"其他文档": {"created": 40, "quarantined": 60}}
    assert set(run.quarantine.values_list("reason", flat=True)) == {"missing_title"}
    assert set(run.quarantine.values_list("form", flat=True)) == {
        "bfrm2", "formNumber", "richtextForm", "test_names", "bigdocu", "latest"
    }  # fmt: skip
    assert run.summary["skipped"] == {"acl": 1, "agent": 1, "form": 10, "icon": 1, "view": 1}
    assert run.summary["database"]["title"] == "test_100docs"
    documents = Document.objects.exclude(legacy_id="")
    assert documents.count() == ImportedRecord.objects.count() == 40
    assert all(d.state == Document.State.ARCHIVED and d.archived_at and d.archive_code for d in documents)
    assert len({d.archive_code for d in documents}) == 40
    assert {d.extra["import"]["form"] for d in documents} == {"info", "billet", "formText", "otherForms"}
    assert {d.extra["import"]["record"] for d in documents} == {"archive"}
    first = imported("1B6D33C25FCA584CC12575D700468E0C")
    assert first.title == "makina"  # no title item: its first text
    assert first.created_at == datetime(2009, 6, 16, 14, 50, 38, 840000, tzinfo=PLUS_2)
    assert {i["name"]: i["values"] for i in first.extra["items"]} == {"name": ["makina"], "age": [8.0]}
    assert first.extra["authors"] == [{"name": "Eric BREHAULT", "raw": "CN=Eric BREHAULT/O=Eric BREHAULT"}]
    billet = documents.filter(extra__import__form="billet").order_by("created_at").first()
    assert billet.body_text.startswith("Quae dum ita struuntur")  # its rich text is the body
    assert billet.issued_date == date(1975, 5, 21)  # its `date` item
    found = document_queries.search_documents(admin, "struuntur", document_queries.DocumentFilters())
    assert billet in found


def titled(run: ImportRun, admin, title: str) -> Document:
    """The run's one quarantined record (no title: 缺少标题), retried with a title typed in."""
    held = run.quarantine.get()
    assert held.reason == "missing_title", held.message
    return do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": title}}).document


def test_an_attachment_becomes_a_checked_file_of_the_document(admin, media):
    document = titled(run_file(sample("test_binary_1.xml"), admin), admin, "企鹅图片")
    assert document.title == "企鹅图片"
    [png] = document.files.all()
    assert (png.name, png.kind, png.size, png.role) == (
        "overlord59-tux-samourai-1773.png",
        "png",
        47127,
        "attachment",
    )
    from oa.documents.storage import open_blob

    with open_blob(png.sha256) as stored:
        assert stored.read().endswith(b"IEND\xaeB`\x82")
    assert "overlord59-tux-samourai-1773.png" in document.body_text  # the body names it


def test_a_picture_in_rich_text_is_kept_as_an_attachment(admin, media):
    document = titled(run_file(sample("test_binary_2.xml"), admin), admin, "插图")
    assert document == imported("EB9222B5A0506298C12575CC004A5CAF")
    [picture] = document.files.all()
    assert (picture.name, picture.kind, picture.size) == ("article-图片1.jpg", "jpeg", 12666)
    assert document.body_html == "<p>Create picture:</p><p><span>[图片：article-图片1.jpg]</span></p>"


def test_rich_text_names_and_dates_keep_their_values(admin, media):
    names_run = run_file(sample("test_names_type.xml"), admin)
    # Its notes hold only names items: no title (never the name "manue" of an author).
    assert names_run.outcome_totals()["quarantined"] == 4
    assert set(names_run.quarantine.values_list("reason", flat=True)) == {"missing_title"}
    held = names_run.quarantine.get(key="27CF070394A919C9C12575C5003E92F5")
    names = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": "名字"}}).document
    assert names.body_text == "blah blah blah blah blah blah\nblah blah blah blah\nblah blah"
    kept = {i["name"]: i for i in names.extra["items"]}
    assert kept["contributeur"]["values"] == ["marie", "truc", "bidule"]
    assert kept["auteur2"]["flags"] == ["authors", "names"]
    assert names.title == "名字"
    richtext = run_file(sample("test_richtext.xml"), admin).quarantine.get()
    assert richtext.reason == "missing_title"  # a document with no items at all
    birthdate = titled(run_file(sample("test_datetime_type.xml"), admin), admin, "生日")
    assert {i["name"]: i["values"] for i in birthdate.extra["items"]} == {
        "birthdate": [{"date": "1975-05-21"}]
    }
    assert run_file(sample("test_other_types.xml"), admin).outcome_totals()["created"] == 1
    other = Document.objects.get(extra__import__file="test_other_types.xml")
    kept = {i["name"]: i for i in other.extra["items"]}
    assert kept["password"] == {"name": "password", "type": "text", "flags": ["seal"], "values": ["cozo"]}


def test_every_good_sample_imports_and_only_notes_without_a_title_are_quarantined(admin, media):
    for name in (
        "test_100docs.xml", "test_binary_1.xml", "test_binary_2.xml", "test_datetime_type.xml", "test_documents.xml",
        "test_names_type.xml", "test_number_type.xml", "test_other_types.xml", "test_richtext.xml", "test_text_type.xml",
    ):  # fmt: skip
        run = run_file(sample(name), admin)
        assert run.state == ImportRun.State.DONE, name
        assert set(run.quarantine.values_list("reason", flat=True)) <= {"missing_title"}, name
        # The dry run said the same.
        dry = run_file(sample(name), admin, dry_run=True)
        assert dry.outcome_totals()["quarantined"] == run.outcome_totals()["quarantined"], name
    assert Document.objects.exclude(legacy_id="").count() == 40 + 2 + 1 + 1
    assert not DocumentFile.objects.exists()  # the two with files have no title


@pytest.mark.parametrize(
    ("name", "code", "line", "words"),
    [
        ("dxlDatabaseBadXML.xml", "bad_xml", 15, "designmodified"),
        ("dxlDatabaseBadDXL.xml", "not_dxl", 21, "<views>"),
    ],
)
def test_the_malformed_exports_are_refused_with_line_and_reason(admin, media, name, code, line, words):
    with pytest.raises(ActionError) as refused:
        do_create_file_run(sample(name), acting_user=admin, dry_run=False)
    error = refused.value
    assert (error.code, error.line, error.field) == (code, line, "file")
    assert f"第 {line} 行" in error.detail and words in error.detail
    assert not ImportRun.objects.exists() and not Document.objects.exclude(legacy_id="").exists()
