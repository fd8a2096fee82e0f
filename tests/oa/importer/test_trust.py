"""Issue 11 item 2: the importer never half-imports and its dry run predicts the real run.

Per record: a value a column, a constraint or PostgreSQL would refuse is quarantined in the
dry run and the real run alike; a refusal no check foresaw (a constraint added by the test, a
real one in the database) quarantines its record and the rest of the file is imported.
Also: mojibake, titles as written, the title fallback, pictures in attachment references,
notes without a UNID, the cap on one value.
"""

from __future__ import annotations

import base64

import pytest
from django.db import connection

from oa.documents.models import Document, DocumentFile
from oa.importer import limits
from oa.importer.actions import do_retry_quarantined
from oa.importer.models import ImportedRecord, QuarantineItem
from tests.oa.documents.samples import jpeg
from tests.oa.importer.conftest import run_file
from tests.oa.importer.sources.dxl.builders import database, document, item, richtext, text, unid
from tests.oa.importer.test_runs import export, fawen


def outcomes(run) -> dict:
    return run.outcome_totals()


def same_verdict(dry, real) -> None:
    """The dry run said what the real run did, record by record."""
    assert outcomes(dry) == outcomes(real), (dry.counts, real.counts)
    assert list(dry.quarantine.values_list("index", "reason")) == list(
        real.quarantine.values_list("index", "reason")
    )


def with_unid(note: str, n: int, new: str) -> str:
    return note.replace(f"unid='{unid(n)}'", f"unid='{new}'")


# --- limits: refused in the dry run, quarantined in the real run, the rest imported ---------------


def test_a_unid_longer_than_the_column_is_quarantined_and_the_rest_of_the_file_imports(
    admin, media, tmp_path
):
    notes = [fawen(n, number=f"思政办〔2012〕{n}号") for n in range(1, 121)]  # three batches
    notes[59] = with_unid(notes[59], 60, "A" * 65)  # in the second batch
    path = export(tmp_path, *notes)
    dry = run_file(path, admin, dry_run=True)
    assert outcomes(dry) == {"created": 119, "updated": 0, "unchanged": 0, "quarantined": 1}
    [held] = dry.quarantine.all()
    assert (held.index, held.reason, held.field) == (60, "value_too_long", "legacy_id")
    assert "65 个字符" in held.message and held.key.startswith("A" * 47)  # bounded, not cut blindly
    real = run_file(path, admin)
    same_verdict(dry, real)
    assert Document.objects.exclude(legacy_id="").count() == 119  # nothing half-imported
    again = run_file(path, admin)  # and a re-run does not crash either
    assert outcomes(again) == {"created": 0, "updated": 0, "unchanged": 119, "quarantined": 1}


def test_a_value_past_the_cap_is_quarantined_in_both_runs_and_stored_cut(admin, media, tmp_path):
    huge = "长" * (limits.MAX_VALUE_CHARS + 1)
    path = export(
        tmp_path,
        fawen(1),
        document(item("Subject", text("关于大附注的通知")), item("Comment", text(huge)), n=2, form="FaWen"),
        fawen(3, number="思政办〔2012〕3号"),
    )
    dry = run_file(path, admin, dry_run=True)
    real = run_file(path, admin)
    same_verdict(dry, real)
    held = real.quarantine.get()
    assert (held.index, held.reason, held.title) == (2, "value_too_large", "关于大附注的通知")
    assert "条目“Comment”" in held.message and f"{limits.MAX_VALUE_CHARS:,}" in held.message
    kept = next(i for i in held.record["items"] if i["name"] == "Comment")["values"][0]
    assert len(kept) < 3000 and "超过上限已截断" in kept and "SHA-256" in kept
    assert held.record["meta"]["cut_in_quarantine"]
    assert Document.objects.exclude(legacy_id="").count() == 2
    # A retry cannot bring the cut value in unnoticed: the admin has to accept it as cut.
    still = do_retry_quarantined(held, acting_user=admin)
    assert not still.resolved and still.reason == "value_too_large" and "截断" in still.message
    done = do_retry_quarantined(still, acting_user=admin, fixes={"accept_problems": True})
    assert done.resolved and done.document.extra["cut_in_quarantine"]


def test_a_huge_attribute_is_a_value_past_the_cap_too(admin, media, tmp_path):
    huge = "x" * (limits.MAX_VALUE_CHARS + 10)
    form = fawen(2, number="b").replace("form='发文稿纸'", f"form='{huge}'")
    path = export(tmp_path, fawen(1), form)
    dry = run_file(path, admin, dry_run=True)
    real = run_file(path, admin)
    same_verdict(dry, real)
    held = real.quarantine.get()
    assert (held.index, held.reason) == (2, "value_too_large") and "文档属性" in held.message
    assert len(held.form) == 100 and len(held.record["form"]) < 3000


def test_nul_and_overlong_values_are_found_before_the_database_sees_them():
    labels = {"title": "标题", "urgency": "紧急程度"}
    problems = limits.check_document(
        {"title": "标" * 201, "urgency": "urgentest", "note": "a\x00b"},
        legacy_id="K" * 64,
        extra={"items": [{"values": ["ok", "bad\x00"]}]},
        labels=labels,
    )
    assert [(reason, field) for reason, _message, field in problems] == [
        ("value_too_long", "title"),
        ("bad_value", "urgency"),
        ("bad_value", "note"),
        ("bad_value", "extra"),
    ]
    assert "超过了字段长度 200" in problems[0][1]
    stored, cut = limits.storable({"a": "x\x00y", "b": ["z" * (limits.MAX_VALUE_CHARS + 1)]})
    assert stored["a"] == "x\ufffdy" and len(stored["b"][0]) < 3000 and cut == ["/a", "/b/0"]


# --- a refusal nothing foresaw: its record is quarantined, the others are written -----------------


@pytest.fixture
def refuse_title(unit):
    """A real constraint of the database the importer's checks know nothing about."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE documents_document ADD CONSTRAINT test_refused CHECK (title <> '拒收')")


def test_a_database_refusal_in_a_record_quarantines_it_alone(admin, media, tmp_path, refuse_title):
    path = export(tmp_path, fawen(1), fawen(2, title="拒收", number="b"), fawen(3, number="c"))
    real = run_file(path, admin)
    assert outcomes(real) == {"created": 2, "updated": 0, "unchanged": 0, "quarantined": 1}
    held = real.quarantine.get()
    assert (held.index, held.reason) == (2, "write_refused") and "test_refused" in held.message
    assert sorted(Document.objects.exclude(legacy_id="").values_list("legacy_id", flat=True)) == [
        unid(1),
        unid(3),
    ]
    codes = sorted(Document.objects.exclude(legacy_id="").values_list("archive_code", flat=True))
    assert [c[-4:] for c in codes] == ["0001", "0002"]  # its 件号 was given back: none skipped


def test_a_refusal_of_the_batch_writes_is_retried_record_by_record(admin, media, tmp_path, unit):
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE importer_importedrecord ADD CONSTRAINT test_refused CHECK (legacy_id <> %s)",
            [unid(2)],
        )
    path = export(tmp_path, fawen(1), fawen(2, number="b"), fawen(3, number="c"))
    real = run_file(path, admin)
    assert outcomes(real) == {"created": 2, "updated": 0, "unchanged": 0, "quarantined": 1}
    assert real.quarantine.get().reason == "write_refused" and real.done == 3
    assert set(ImportedRecord.objects.values_list("legacy_id", flat=True)) == {unid(1), unid(3)}
    assert not Document.objects.filter(legacy_id=unid(2)).exists()  # its document went with it


# --- encodings ------------------------------------------------------------------------------------


def test_a_utf8_file_declared_gbk_is_refused_with_where_and_both_readings(admin, media, tmp_path):
    from oa.core.errors import ActionError
    from oa.importer.actions import do_create_file_run

    path = tmp_path / "utf8-as-gbk.xml"
    path.write_bytes(database(fawen(1, title="通知")).replace(b"encoding='utf-8'", b"encoding='GBK'"))
    with pytest.raises(ActionError) as refused:
        do_create_file_run(path, acting_user=admin, dry_run=True)
    error = refused.value
    assert (error.code, error.line) == ("bad_encoding", 2)
    assert "GBK" in error.detail and "发文管理" in error.detail


def test_a_note_in_utf8_inside_a_gbk_file_is_quarantined_not_written_as_mojibake(admin, media, tmp_path):
    gbk = database(fawen(1), fawen(2, title="TITLE", number="b"), encoding="gbk")
    path = tmp_path / "mixed.xml"
    path.write_bytes(gbk.replace(b"TITLE", "通知".encode()))  # valid GBK bytes: 閫氱煡
    dry = run_file(path, admin, dry_run=True)
    real = run_file(path, admin)
    same_verdict(dry, real)
    held = real.quarantine.get()
    assert (held.index, held.reason) == (2, "bad_encoding")
    assert "閫氱煡" in held.message and "通知" in held.message
    assert not Document.objects.filter(title__contains="閫").exists()
    assert Document.objects.get(legacy_id=unid(1)).title == "关于做好2012年防汛工作的通知"  # GBK read right


# --- titles ----------------------------------------------------------------------------------------


def test_a_title_is_kept_as_written(admin, media, tmp_path):
    title = "《厦门市（试行）办法》的通知：第１号"
    run_file(export(tmp_path, fawen(1, title=title)), admin)
    assert Document.objects.get(legacy_id=unid(1)).title == title


def test_the_title_fallback_takes_only_text_that_looks_like_a_title(admin, media, tmp_path):
    junk = [
        item("TimeZone", text("Z=-8$DO=0$ZN=China")),
        item("Authors", text("CN=张三/OU=办公室/O=厦门市思明区"), authors="true", names="true"),
        item("Count", text("12")),
        item("Stamp", text("2012-06-17 09:30")),
    ]
    path = export(
        tmp_path,
        document(*junk, n=1, form="Memo"),
        document(*junk, item("Remark", text("关于周五开会的备忘")), n=2, form="Memo"),
    )
    run = run_file(path, admin)
    held = run.quarantine.get()
    assert (held.index, held.reason) == (1, "missing_title")
    assert Document.objects.get(legacy_id=unid(2)).title == "关于周五开会的备忘"


# --- pictures, keys -------------------------------------------------------------------------------


def test_a_jpeg_inside_an_attachment_reference_is_kept(admin, media, tmp_path):
    picture = base64.b64encode(jpeg()).decode("ascii")
    body = (
        "<par def='1'>见照片：<attachmentref name='photo.jpg' displayname='photo.jpg'>"
        f"<picture width='16px' height='16px'><jpeg>{picture}</jpeg></picture>"
        "<caption>photo.jpg</caption></attachmentref></par>"
    )
    note = document(item("Subject", text("带照片的通知")), item("Body", richtext(body)), n=1, form="FaWen")
    run = run_file(export(tmp_path, note), admin)
    assert outcomes(run)["created"] == 1, list(run.quarantine.values_list("message", flat=True))
    doc = Document.objects.get(legacy_id=unid(1))
    [kept] = DocumentFile.objects.filter(document=doc)
    assert (kept.kind, kept.size) == ("jpeg", len(jpeg()))
    assert "[图片：Body-图片1.jpg]" in doc.body_html and "photo.jpg" in doc.body_html


def test_notes_without_unid_get_a_stable_content_key(admin, media, tmp_path):
    def no_unid(note: str, n: int) -> str:
        return note.replace(f" unid='{unid(n)}'", "")

    path = export(tmp_path, no_unid(fawen(1), 1), no_unid(fawen(2, title="另一份", number="b"), 2))
    dry = run_file(path, admin, dry_run=True)
    real = run_file(path, admin)
    same_verdict(dry, real)
    assert outcomes(real)["created"] == 2
    keys = sorted(Document.objects.exclude(legacy_id="").values_list("legacy_id", flat=True))
    assert all(k.startswith("NOUNID-") and len(k) == 47 for k in keys) and keys[0] != keys[1]
    assert Document.objects.get(legacy_id=keys[0]).extra["domino"]["content_key"] in keys
    again = run_file(path, admin)
    assert outcomes(again) == {"created": 0, "updated": 0, "unchanged": 2, "quarantined": 0}


def test_a_record_quarantined_again_by_a_re_run_keeps_one_open_row(admin, media, tmp_path):
    note = document(item("DocNumber", text("思政办〔2010〕7号")), n=1, form="FaWen").replace(
        f" unid='{unid(1)}'", ""
    )
    path = export(tmp_path, note, fawen(2))
    first = run_file(path, admin)
    held = first.quarantine.get()
    assert held.reason == "missing_title" and held.key.startswith("NOUNID-")
    second = run_file(path, admin)
    assert outcomes(second)["quarantined"] == 1
    assert QuarantineItem.objects.filter(run__dry_run=False, resolved=False).count() == 1
    fixed = do_retry_quarantined(
        second.quarantine.get(), acting_user=admin, fixes={"fields": {"title": "补录"}}
    )
    assert fixed.resolved and fixed.document.legacy_id == held.key
    third = run_file(path, admin)  # the fix is remembered by the content key
    assert outcomes(third) == {"created": 0, "updated": 0, "unchanged": 2, "quarantined": 0}


def test_a_nul_in_a_register_cell_is_quarantined_in_both_runs_and_its_row_kept(admin, media, tmp_path):
    rows = [f"关于第{n}件事的通知,区委,2012-01-{n % 28 + 1:02d}" for n in range(1, 400)]
    rows[300] = "关于\x00坏字符的通知,区委,2012-02-01"  # far past the bytes the format is told by
    path = tmp_path / "登记.csv"
    path.write_text("标题,来文单位,收文日期\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dry = run_file(path, admin, dry_run=True)
    real = run_file(path, admin)
    same_verdict(dry, real)
    held = real.quarantine.get()
    assert (held.reason, held.field) == ("bad_value", "title") and "U+0000" in held.message
    assert "关于\ufffd坏字符的通知" in str(held.record)  # kept, NUL shown as U+FFFD
    assert Document.objects.exclude(legacy_id="").count() == 398
