"""Runs over generated Domino exports: 发文 and 收文 mapped field by field, archived and
searchable; re-runs that import nothing twice and update what changed; dry runs that write
nothing; every reason a record goes to quarantine."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from django.db import transaction

from oa.core.models import AuditEvent
from oa.directory.actions import create_staff
from oa.documents import queries as document_queries
from oa.documents.models import Document, DocumentEvent, DocumentFile
from oa.importer.models import ImportedRecord, ImportRun, QuarantineItem
from tests.conftest import PASSWORD
from tests.oa.documents.samples import docx, pdf
from tests.oa.importer.conftest import run_file
from tests.oa.importer.sources.dxl.builders import attachment, database, document, item, richtext, text, unid

CST = timezone(timedelta(hours=8))


def fawen(
    n: int = 1, *, title: str = "关于做好2012年防汛工作的通知", number: str = "厦府办[2012]012号", extra=()
) -> str:
    return document(
        item("Subject", text(title)),
        item("DocNumber", text(number)),
        item("MiJi", text("")),
        item("HuanJi", text("加急")),
        item("SendDate", "<datetime>20120617</datetime>"),
        item("Signer", text("CN=林建国/OU=领导/O=厦门市思明区"), names="true"),
        item("NiGaoRen", text("CN=张三/OU=办公室/O=厦门市思明区"), names="true"),
        item("ZhuSong", "<textlist><text>各街道办事处</text><text>区直各单位</text></textlist>"),
        item(
            "Body",
            richtext(
                "<par def='1'><run><font style='bold'/>各街道办事处：</run></par><par>请做好防汛准备。</par>"
            ),
        ),
        item("LiuShuiHao", text("FW-0001")),
        *extra,
        n=n,
        form="发文稿纸",
    )


def shouwen(
    n: int,
    *,
    title: str = "关于报送汛期值班表的通知",
    received: str = "<datetime>20120620T093000,00+08</datetime>",
) -> str:
    return document(
        item("Subject", text(title)),
        item("LaiWenDanWei", text("厦门市人民政府办公厅")),
        item("LaiWenZiHao", text("厦府办〔2012〕88号")),
        item("ShouWenBianHao", text("思政收〔2012〕15号")),
        item("ShouWenRiQi", received),
        n=n,
        form="ShouWen",
    )


def export(tmp_path, *notes: str, name: str = "export.xml"):
    path = tmp_path / name
    path.write_bytes(database(*notes))
    return path


@pytest.fixture
def zhang(unit):
    with transaction.atomic():
        return create_staff(username="zhangsan", display_name="张三", password=PASSWORD).user


def test_a_fawen_note_becomes_an_archived_outgoing_document_field_by_field(admin, media, tmp_path, zhang):
    path = export(
        tmp_path,
        fawen(
            extra=[
                attachment("附件1.pdf", pdf(["防汛值班表"])),
                attachment("附件2.docx", docx(["联系人名单"])),
            ]
        ),
    )
    run = run_file(path, admin)
    assert run.counts == {"发文": {"created": 1}}, (
        run.counts,
        list(QuarantineItem.objects.values("message")),
    )
    doc = Document.objects.get(legacy_id=unid(1))
    assert (doc.direction, doc.doc_type, doc.state) == ("outgoing", "通知", Document.State.ARCHIVED)
    assert doc.title == "关于做好2012年防汛工作的通知"
    assert doc.doc_number == "厦府办〔2012〕12号" and doc.number_year == 2012
    assert doc.extra["original"]["doc_number"] == "厦府办[2012]012号"  # as written, kept
    assert doc.urgency == "urgent" and doc.classification == "none"
    assert doc.issued_date == date(2012, 6, 17)
    assert doc.main_recipients == "各街道办事处、区直各单位"
    assert doc.created_at == datetime(2012, 6, 17, 9, 30, 15, 210000, tzinfo=CST)  # the note's created
    assert doc.signer_name == "林建国" and doc.signer.username == "director"  # matched by display name
    assert doc.drafter == admin  # the importing admin is the technical owner...
    assert doc.extra["authors"] == [
        {"name": "张三", "raw": "CN=张三/OU=办公室/O=厦门市思明区", "username": "zhangsan"}
    ]
    assert doc.body_html == "<p><strong>各街道办事处：</strong></p><p>请做好防汛准备。</p>"
    assert doc.archive_code == "SIMING-WS·2012-D10-BGS-0001" and doc.retention == "D10"
    assert doc.archived_by == admin and doc.archived_at is not None
    unmapped = {i["name"]: i for i in doc.extra["items"]}
    assert unmapped["LiuShuiHao"]["values"] == ["FW-0001"]  # an item no field names is kept
    assert doc.extra["import"]["form"] == "发文稿纸" and doc.extra["domino"]["unid"] == unid(1)
    files = list(doc.files.order_by("order").values_list("name", "kind", "role"))
    assert files == [("附件1.pdf", "pdf", "attachment"), ("附件2.docx", "docx", "attachment")]
    assert "防汛值班表" in doc.files.get(kind="pdf").text
    assert list(doc.events.values_list("action", flat=True)) == ["created", "archived"]
    # Searchable as any document: the body, an attachment's text, the 文号.
    for query in ("防汛准备", "联系人名单", "厦府办〔2012〕12号"):
        found = document_queries.search_documents(admin, query, document_queries.DocumentFilters())
        assert list(found) == [doc], query


def test_a_shouwen_note_becomes_an_incoming_document_with_its_registration_number(admin, media, tmp_path):
    run = run_file(export(tmp_path, shouwen(2)), admin)
    assert run.counts == {"收文": {"created": 1}}
    doc = Document.objects.get(legacy_id=unid(2))
    assert (doc.direction, doc.source_agency, doc.doc_number) == (
        "incoming",
        "厦门市人民政府办公厅",
        "厦府办〔2012〕88号",
    )
    assert doc.received_on == date(2012, 6, 20)
    assert doc.extra["incoming_number"] == "思政收〔2012〕15号"
    assert doc.extra["original"]["received_on"] == "2012-06-20T09:30:00+08:00"
    found = document_queries.search_documents(admin, "思政收〔2012〕15号", document_queries.DocumentFilters())
    assert list(found) == [doc]


def test_running_the_same_export_again_imports_nothing_twice(admin, media, tmp_path):
    path = export(
        tmp_path, fawen(1), shouwen(2), fawen(3, title="关于第三份的请示", number="思政办〔2012〕3号")
    )
    first = run_file(path, admin)
    assert first.outcome_totals()["created"] == 3
    events = AuditEvent.objects.count()
    second = run_file(path, admin)
    assert second.outcome_totals() == {"created": 0, "updated": 0, "unchanged": 3, "quarantined": 0}
    assert Document.objects.exclude(legacy_id="").count() == 3
    assert not AuditEvent.objects.filter(pk__gt=events, action="importer.archived_document_updated").exists()
    assert set(ImportedRecord.objects.values_list("last_run", flat=True)) == {second.pk}


def test_a_changed_record_updates_its_archived_document_in_place(admin, media, tmp_path):
    run_file(export(tmp_path, fawen(1, extra=[attachment("旧附件.pdf", pdf(["旧的"]))])), admin)
    doc = Document.objects.get(legacy_id=unid(1))
    code, first_file = doc.archive_code, doc.files.get()
    changed = export(
        tmp_path,
        fawen(1, title="关于做好2012年防汛工作的补充通知", extra=[attachment("新附件.pdf", pdf(["新的"]))]),
        name="again.xml",
    )
    run = run_file(changed, admin)
    assert run.counts == {"发文": {"updated": 1}}
    doc.refresh_from_db()
    assert doc.title == "关于做好2012年防汛工作的补充通知"
    assert doc.archive_code == code and doc.is_archived  # filed once, still archived
    first_file.refresh_from_db()
    assert first_file.removed_at is not None  # kept, marked removed
    assert list(doc.files.filter(removed_at__isnull=True).values_list("name", flat=True)) == ["新附件.pdf"]
    event = doc.events.get(action=DocumentEvent.Action.EDITED)
    assert "标题" in event.summary and "附件" in event.summary
    audit = AuditEvent.objects.get(action="importer.archived_document_updated")
    assert audit.target_id == str(doc.pk) and "title" in audit.detail["fields"]
    # Outside the importer the document is as frozen as ever.
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(title="篡改")


def test_a_dry_run_reports_by_form_and_writes_no_document(admin, media, tmp_path):
    path = export(
        tmp_path,
        fawen(1),
        shouwen(2),
        document(item("Subject", text("")), n=3, form="FaWen"),  # no title
        document(item("Note", text("备忘")), n=4, form="Memo"),  # an unknown form: archive-only
    )
    before = Document.objects.count(), DocumentFile.objects.count()
    run = run_file(path, admin, dry_run=True)
    assert run.state == ImportRun.State.DONE and run.dry_run
    assert run.counts == {
        "其他文档": {"created": 1},
        "发文": {"created": 1, "quarantined": 1},
        "收文": {"created": 1},
    }
    assert (Document.objects.count(), DocumentFile.objects.count()) == before
    assert not ImportedRecord.objects.exists()
    [problem] = run.quarantine.all()
    assert (problem.reason, problem.rule, problem.key) == ("missing_title", "发文", unid(3))
    # After the real run the same dry run reports the records as unchanged.
    run_file(path, admin)
    again = run_file(path, admin, dry_run=True)
    assert again.counts["收文"] == {"unchanged": 1}


@pytest.mark.parametrize(
    ("notes", "reason", "message"),
    [
        ([document(item("Subject", text("  ")), n=1, form="FaWen")], "missing_title", "没有标题"),
        (
            [
                document(
                    item("Subject", text("关于放假的通知")),
                    item("SendDate", text("去年夏天")),
                    n=1,
                    form="FaWen",
                )
            ],
            "bad_date",
            "无法识别的日期“去年夏天”",
        ),
        (
            [
                document(
                    item("Subject", text("关于放假的通知")),
                    item("SendDate", "<datetime>2012x</datetime>"),
                    n=1,
                    form="FaWen",
                )
            ],
            "bad_date",
            "“2012x”不是可识别的日期",
        ),
        (
            [
                document(
                    item("Subject", text("关于附件的通知")),
                    attachment("坏.pdf", encoded="!!!不是base64"),
                    n=1,
                    form="FaWen",
                )
            ],
            "broken_attachment",
            "附件“坏.pdf”损坏",
        ),
        (
            [
                document(
                    item("Subject", text("关于附件的通知")),
                    attachment("截断.pdf", pdf(["x"]), size=99999),
                    n=1,
                    form="FaWen",
                )
            ],
            "broken_attachment",
            "were declared",
        ),
        (
            [
                document(
                    item("Subject", text("关于附件的通知")),
                    attachment("程序.exe", b"MZ\x90\x00" * 64),
                    n=1,
                    form="FaWen",
                )
            ],
            "broken_attachment",
            "程序.exe",
        ),
        (
            [fawen(1, number="厦府办〔2012〕5号"), fawen(2, title="另一份", number="厦府办[2012]5号")],
            "duplicate_number",
            "厦府办〔2012〕5号",
        ),
        ([fawen(1), fawen(1)], "duplicate_key", "出现了不止一次"),
        (
            [document(item("Subject", text("机密文件")), item("MiJi", text("机密★10年")), n=1, form="FaWen")],
            "classification_too_high",
            "机密",
        ),
        (
            [
                document(
                    item("Subject", text("紧急文件")), item("HuanJi", text("十万火急")), n=1, form="FaWen"
                )
            ],
            "bad_value",
            "无法识别的紧急程度",
        ),
    ],
)
def test_a_record_that_cannot_be_imported_whole_lands_in_quarantine_with_its_reason(
    admin, media, tmp_path, notes, reason, message
):
    run = run_file(export(tmp_path, *notes), admin)
    held = run.quarantine.get()
    assert held.reason == reason, held.message
    assert message in held.message
    assert held.record["key"] and held.record["source"] == "dxl"
    assert run.outcome_totals()["quarantined"] == 1
    assert Document.objects.exclude(legacy_id="").count() == len(notes) - 1


def test_an_unknown_form_is_quarantined_when_the_mapping_has_no_catch_all(admin, media, tmp_path):
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
        export(tmp_path, document(item("Subject", text("备忘")), n=1, form="Memo")), admin, mapping="strict"
    )
    held = run.quarantine.get()
    assert held.reason == "unknown_form" and "Memo" in held.message


def test_a_broken_picture_in_the_body_quarantines_and_other_images_are_kept_aside(admin, media, tmp_path):
    gif = "<par><picture><gif>R0lGODlhAQABAAAAACw=</gif></picture></par>"
    run = run_file(
        export(
            tmp_path,
            document(item("Subject", text("带图的通知")), item("Body", richtext(gif)), n=1, form="FaWen"),
        ),
        admin,
    )
    doc = Document.objects.get(legacy_id=unid(1)) if not run.quarantine.exists() else None
    assert doc is not None, list(run.quarantine.values_list("message", flat=True))
    assert doc.extra["images_not_shown"][0]["format"] == "gif"
    assert "gif 格式，未转换" in doc.body_html
    broken = "<par><picture><jpeg>@@@</jpeg></picture></par>"
    run = run_file(
        export(
            tmp_path,
            document(item("Subject", text("坏图")), item("Body", richtext(broken)), n=2, form="FaWen"),
        ),
        admin,
    )
    assert run.quarantine.get().reason == "broken_attachment"
