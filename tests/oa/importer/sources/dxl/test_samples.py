"""The real Domino exports in /work/shared/data/dxl read as their README says."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from lxml import etree

from oa.importer.sources.dxl import DxlDocument, DxlFormatError, DxlReader, DxlSummary, check_dxl, iter_dxl
from oa.importer.sources.dxl.richtext import convert_richtext
from tests.oa.importer.sources.dxl.builders import NS, SAMPLES

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the sample exports are not at {SAMPLES}")

PLUS_2 = timezone(timedelta(hours=2))
GOOD = [
    "test_100docs.xml",
    "test_binary_1.xml",
    "test_binary_2.xml",
    "test_datetime_type.xml",
    "test_documents.xml",
    "test_names_type.xml",
    "test_number_type.xml",
    "test_other_types.xml",
    "test_richtext.xml",
    "test_text_type.xml",
]


def read(name: str) -> tuple[list[DxlDocument], DxlSummary]:
    reader = DxlReader(SAMPLES / name)
    documents = list(reader)
    assert reader.summary is not None
    return documents, reader.summary


@pytest.mark.parametrize("name", GOOD)
def test_every_good_sample_passes_the_check_and_reads_without_problems(name):
    check_dxl(SAMPLES / name)
    documents, summary = read(name)
    assert documents
    assert [d.problems for d in documents if d.problems] == []
    assert summary.documents == len(documents)
    assert summary.documents_with_problems == 0
    assert all(d.unid and len(d.unid) == 32 for d in documents)


def test_malformed_xml_is_refused_with_its_line():
    # <designmodified> on line 12 is never closed; libxml2 notices at </databaseinfo> on line 15.
    with pytest.raises(DxlFormatError) as caught:
        check_dxl(SAMPLES / "dxlDatabaseBadXML.xml")
    error = caught.value
    assert error.code == DxlFormatError.BAD_XML
    assert error.line == 15
    assert error.column is not None
    assert "designmodified" in error.reason
    assert "第 15 行" in str(error)


def test_well_formed_xml_that_is_not_dxl_is_refused_with_the_reason():
    # A <views> element (the DTD has <view>) sits in the <database> on line 21.
    with pytest.raises(DxlFormatError) as caught:
        check_dxl(SAMPLES / "dxlDatabaseBadDXL.xml")
    error = caught.value
    assert error.code == DxlFormatError.NOT_DXL
    assert error.line == 21
    assert "<views>" in error.reason
    assert "不是 Domino DXL 文件" in str(error)


def test_the_reader_itself_stops_at_malformed_xml():
    with pytest.raises(DxlFormatError) as caught:
        list(DxlReader(SAMPLES / "dxlDatabaseBadXML.xml"))
    assert caught.value.line == 15


def test_test_documents_holds_two_documents_and_its_design():
    # The README says 3 documents: databaseinfo declares 3, the export holds 2 (and a form, a view).
    documents, summary = read("test_documents.xml")
    assert [(d.form, d.text("name"), d.item("age").first) for d in documents] == [
        ("info", "Joe Strummer", 58.0),
        ("info", "Ian Curtis", 24.0),
    ]
    first = documents[0]
    assert first.unid == "B152B61013440583C12575C90051910C"
    assert first.note_id == "8f6"
    assert first.sequence == 1
    assert first.created == datetime(2009, 6, 2, 16, 50, 55, 480000, tzinfo=PLUS_2)
    assert first.modified == datetime(2009, 6, 2, 16, 51, 9, 710000, tzinfo=PLUS_2)
    assert first.revised == datetime(2009, 6, 2, 16, 51, 9, 700000, tzinfo=PLUS_2)
    assert first.updated_by[0].common_name == "Eric BREHAULT"
    assert (first.line, first.index) == (80, 1)  # the line of its <document> tag
    assert summary.skipped == {"acl": 1, "form": 1, "view": 1}
    assert summary.database.title == "test_documents"
    assert summary.database.replica_id == "C12575C90051572F"
    assert summary.database.declared_documents == 3
    assert summary.encoding == "utf-8"


def test_test_100docs_streams_its_100_documents():
    # The README says "of one form"; the export really holds 10 forms with 10 documents each.
    documents, summary = read("test_100docs.xml")
    assert len(documents) == 100
    assert len({d.unid for d in documents}) == 100
    forms: dict[str, int] = {}
    for d in documents:
        forms[d.form] = forms.get(d.form, 0) + 1
    assert forms == dict.fromkeys(
        [
            "info",
            "test_names",
            "bfrm2",
            "formNumber",
            "formText",
            "richtextForm",
            "otherForms",
            "billet",
            "latest",
            "bigdocu",
        ],
        10,
    )
    assert summary.skipped == {"acl": 1, "agent": 1, "form": 10, "icon": 1, "view": 1}
    billet = next(d for d in documents if d.form == "billet")
    assert billet.item("date").first == date(1975, 5, 21)
    assert billet.items["article"].richtext.text.startswith("Quae dum ita struuntur")
    latest = next(d for d in documents if d.form == "latest")
    assert "urgebantur.\n\nHaec ubi" in latest.text("pourlaroute")


def test_iter_dxl_ends_with_the_summary():
    events = list(iter_dxl(SAMPLES / "test_documents.xml"))
    assert [type(e).__name__ for e in events] == ["DxlDocument", "DxlDocument", "DxlSummary"]


def test_a_png_attachment_decodes():
    [document], _ = read("test_binary_1.xml")
    [png] = document.attachments
    assert png.name == "overlord59-tux-samourai-1773.png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.data.endswith(b"IEND\xaeB`\x82")  # the PNG's last chunk: nothing lost at the end
    assert png.size == len(png.data) == 47127
    assert not png.broken
    assert png.created == datetime(2009, 6, 4, 13, 14, 0, 270000, tzinfo=PLUS_2)
    assert png.modified == datetime(2009, 5, 15, 11, 11, 13, tzinfo=PLUS_2)
    assert document.items["$FILE"].flags.seal
    body = document.items["article"].richtext
    assert body.attachment_refs == ("overlord59-tux-samourai-1773.png",)
    assert body.text == "Attachement:\n[overlord59-tux-samourai-1773.png]"
    assert 'href="dxl-attachment:overlord59-tux-samourai-1773.png"' in body.html
    assert body.images == ()  # the notesbitmap inside the attachmentref is the file's icon


def test_a_jpeg_picture_in_rich_text_is_kept_as_bytes():
    [document], _ = read("test_binary_2.xml")
    body = document.items["article"].richtext
    [image] = body.images
    assert image.format == "jpeg"
    assert image.mime_type == "image/jpeg"
    assert image.data[:3] == b"\xff\xd8\xff" and image.data[-2:] == b"\xff\xd9"
    assert len(image.data) == 12666
    assert (image.width, image.height) == ("256px", "256px")
    assert body.html == '<p>Create picture:</p><p><img src="dxl-image:0" width="256" height="256" alt=""></p>'
    assert body.text == "Create picture:"


def test_datetime_sample_values():
    [document], summary = read("test_datetime_type.xml")
    assert document.item("birthdate").first == date(1975, 5, 21)
    assert document.created == datetime(2009, 6, 25, 10, 9, 12, 790000, tzinfo=PLUS_2)
    assert document.added_to_file == datetime(2009, 6, 25, 10, 9, 21, 580000, tzinfo=PLUS_2)
    assert document.last_accessed.utcoffset() == timedelta(hours=2)
    assert summary.skipped == {"acl": 1, "form": 1, "icon": 1, "view": 1}
    assert summary.database.data_modified == datetime(2009, 6, 25, 10, 9, 21, 590000, tzinfo=PLUS_2)


def test_names_sample_flags_and_common_names():
    documents, _ = read("test_names_type.xml")
    first, _, third, fourth = documents
    auteur = first.item("auteur")
    assert auteur.flags.names and not auteur.flags.readers
    assert [n.common_name for n in auteur.names] == ["manue"]
    assert [n.common_name for n in first.item("contributeur").names] == ["marie", "truc", "bidule"]
    author = first.item("auteur2")
    assert author.flags.authors and author.flags.names
    [eric] = author.names
    assert (eric.common_name, eric.organization, eric.raw) == (
        "Eric BREHAULT",
        "Eric BREHAULT",
        "CN=Eric BREHAULT/O=Eric BREHAULT",
    )
    readers = fourth.item("contributeurs3")
    assert readers.flags.readers and readers.type == "textlist"
    assert [n.common_name for n in readers.names] == ["Eric BREHAULT", "OtherDomainServers"]
    assert [n.is_hierarchical for n in readers.names] == [True, False]
    assert third.item("contributeurs2").values == ("CN=Eric BREHAULT/O=Eric BREHAULT", "OtherDomainServers")
    assert fourth.item("$Revisions").first == datetime(2009, 5, 29, 13, 58, 53, 670000, tzinfo=PLUS_2)
    assert (
        first.items["article"].richtext.text
        == "blah blah blah blah blah blah \n\nblah blah blah blah \nblah blah"
    )


def test_number_sample_values_and_revisions():
    [document], _ = read("test_number_type.xml")
    assert [document.item(f"nb{i}").first for i in range(1, 6)] == [12.5, 13.5, 0.5, 123.0, 150.0]
    assert document.sequence == 7
    assert len(document.revisions) == 6
    assert document.revisions[0] == datetime(2009, 6, 3, 10, 0, 33, 590000, tzinfo=PLUS_2)


def test_text_sample_keeps_breaks_as_newlines():
    [document], _ = read("test_text_type.xml")
    assert document.text("text1") == "text 1\ncould be textearea ?"
    assert document.text("text4") == "text 4\ntextarea too"


def test_other_types_sample_keeps_sealed_password_and_raw_texts():
    [document], _ = read("test_other_types.xml")
    password = document.item("password")
    assert password.flags.seal and password.first == "cozo"
    assert document.text("timezone") == "Z=-4505$DO=0$ZX=55$ZN=Nepal"
    assert document.text("color") == "003F8080"


def test_richtext_sample_document_has_no_items_and_its_form_body_converts():
    documents, _ = read("test_richtext.xml")
    assert [d.item_list for d in documents] == [[]]
    assert documents[0].form == "richtextForm"
    # The rich text of that sample lives in the form: a section with a bullet and a numbered list.
    tree = etree.parse(str(SAMPLES / "test_richtext.xml"))
    body = tree.find(f"{{{NS}}}form/{{{NS}}}body/{{{NS}}}richtext")
    richtext, problems = convert_richtext(body)
    assert problems == []
    assert richtext.text == "Lists\nLists\n• item 1\n• item 2\nordered list:\n1. item 1\n2. item 2"
    assert (
        "<ul><li>item 1</li><li>item 2</li></ul><p>ordered list:</p><ol><li>item 1</li><li>item 2</li></ol>"
        in richtext.html
    )
    assert richtext.html.startswith("<p><strong>Lists</strong></p><p>Lists</p>")


@pytest.mark.parametrize("name", GOOD)
def test_check_dxl_counts_the_documents_the_reader_yields(name):
    documents, _ = read(name)
    assert check_dxl(SAMPLES / name) == len(documents)
