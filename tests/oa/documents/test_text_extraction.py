"""extract_text: each kind's words, in order, bounded, and never an exception."""

from __future__ import annotations

import hashlib
import logging

import pytest

from oa.documents.intake import FileKind, InspectedFile, inspect_upload
from oa.documents.text_extraction import extract_text

from . import samples

TITLE = "厦门市人民政府关于做好2026年春节期间值班工作的通知"


def text_of(name: str, data: bytes) -> str:
    inspected = inspect_upload(name, data, purpose="attachment")
    return extract_text(inspected, inspected.data)


def unchecked(kind: FileKind, data: bytes) -> InspectedFile:
    """A file as if inspect_upload had passed it, to show what the reader does with bad bytes."""
    return InspectedFile(
        kind=kind,
        mime_type="application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        display_name="x",
        data=data,
    )


def test_docx_paragraphs_and_table_cells_in_order():
    data = samples.docx(
        [TITLE, "各区人民政府，市直各单位："], table=[["值班领导", "电话"], ["林建国", "0592-1234567"]]
    )

    text = text_of("通知.docx", data)

    assert text.splitlines() == [
        TITLE,
        "各区人民政府，市直各单位：",
        "值班领导",
        "电话",
        "林建国",
        "0592-1234567",
    ]


def test_docx_leaves_out_deleted_text_and_the_fallback_copy_of_text_boxes():
    members = samples.docx_members([])
    members["word/document.xml"] = (
        f'<w:document xmlns:w="{samples.W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>'
        "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>"
        "<w:r><w:tab/><w:t>文字</w:t></w:r></w:p>"
        "<w:p><mc:AlternateContent><mc:Choice><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Choice>"
        "<mc:Fallback><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:p>"
        "</w:body></w:document>"
    )

    text = text_of("修订.docx", samples.zip_bytes(members))

    assert text == "保留\t文字\n文本框"


def test_pdf_chinese_text_comes_back():
    text = text_of("通知.pdf", samples.pdf([TITLE, "厦府〔2026〕1号"]))

    assert TITLE in text
    assert "厦府〔2026〕1号" in text


def test_pdf_characters_beyond_the_basic_plane_survive():
    # 𠀀 (U+20000), CJK Extension B: rare characters in people's and places' names.
    assert "张𠀀" in text_of("名单.pdf", samples.pdf(["张𠀀"]))


def test_ofd_pages_come_in_the_order_document_xml_lists_them():
    members = samples.ofd_members([["第一页内容"], ["第二页内容"]])
    document = members["Doc_0/Document.xml"]
    first = '<ofd:Page ID="10" BaseLoc="Pages/Page_0/Content.xml"/>'
    second = '<ofd:Page ID="11" BaseLoc="Pages/Page_1/Content.xml"/>'
    members["Doc_0/Document.xml"] = document.replace(first + second, second + first)

    text = text_of("倒序.ofd", samples.zip_bytes(members))

    assert text.index("第二页内容") < text.index("第一页内容")


def test_ofd_lines_keep_their_breaks():
    text = text_of("通知.ofd", samples.ofd([[TITLE, "各区人民政府："]]))

    assert text.splitlines() == [TITLE, "各区人民政府："]


def test_ofd_written_one_character_per_object_is_joined_per_line():
    text = text_of("逐字.ofd", samples.ofd([[TITLE, "各区人民政府："]], per_character=True))

    assert text.splitlines() == [TITLE, "各区人民政府："]


def test_ofd_with_absolute_locations():
    members = samples.ofd_members([["绝对路径"]])
    members["OFD.xml"] = members["OFD.xml"].replace(">Doc_0/Document.xml<", ">/Doc_0/Document.xml<")
    members["Doc_0/Document.xml"] = members["Doc_0/Document.xml"].replace(
        'BaseLoc="Pages/', 'BaseLoc="/Doc_0/Pages/'
    )

    assert text_of("绝对.ofd", samples.zip_bytes(members)) == "绝对路径"


def test_xlsx_cell_strings():
    data = samples.xlsx([["文号", "标题", "份数"], ["厦府〔2026〕1号", TITLE, 30]])

    text = text_of("登记.xlsx", data)

    assert text.splitlines() == ["文号", "标题", "份数", "厦府〔2026〕1号", TITLE]


def test_pptx_slides_in_numeric_order():
    data = samples.pptx([[f"第{number}页"] for number in range(1, 12)])

    lines = text_of("汇报.pptx", data).split()

    assert lines == [f"第{number}页" for number in range(1, 12)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_txt_in_each_encoding(encoding):
    assert text_of("说明.txt", f"{TITLE}\n第二行".encode(encoding)) == f"{TITLE}\n第二行"


def test_kinds_without_a_reader_give_nothing():
    assert text_of("照片.png", samples.png()) == ""
    assert text_of("旧.doc", samples.ole({"WordDocument": samples.word_fib()})) == ""


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("长.docx", lambda lines: samples.docx(lines)),
        ("长.ofd", lambda lines: samples.ofd([lines])),
        ("长.pdf", lambda lines: samples.pdf(lines[:40])),
        ("长.txt", lambda lines: "\n".join(lines).encode()),
        ("长.xlsx", lambda lines: samples.xlsx([[line] for line in lines])),
    ],
)
def test_text_stops_at_the_limit(settings, name, build):
    settings.OA_DOCUMENT_TEXT_MAX_CHARS = 100
    lines = [f"第{number}条 {TITLE}" for number in range(2000)]

    text = text_of(name, build(lines))

    assert 90 <= len(text) <= 100
    assert text.startswith("第0条")


def test_a_large_docx_is_streamed_and_stops_early(settings):
    settings.OA_DOCUMENT_TEXT_MAX_CHARS = 1_000
    data = samples.docx([f"第{number}段 {TITLE}" for number in range(200_000)])

    text = text_of("大.docx", data)

    assert len(text) <= 1_000
    assert text.splitlines()[1].startswith("第1段")


def test_an_unreadable_file_gives_nothing_and_a_log_line(caplog):
    bad = unchecked(FileKind.DOCX, b"PK\x03\x04 not really a zip")

    with caplog.at_level(logging.WARNING, logger="oa.documents.text_extraction"):
        assert extract_text(bad, bad.data) == ""

    assert bad.sha256 in caplog.text


def test_an_unreadable_pdf_gives_nothing():
    bad = unchecked(FileKind.PDF, b"%PDF-1.7 broken")

    assert extract_text(bad, bad.data) == ""


def test_damaged_files_that_pass_intake_are_read_without_errors(caplog):
    from oa.documents.errors import FileRefused

    read = 0
    with caplog.at_level(logging.WARNING, logger="oa.documents.text_extraction"):
        for data in samples.damaged(seed=7, count=1500):
            try:
                inspected = inspect_upload("损坏", data, purpose="attachment")
            except FileRefused:
                continue
            assert isinstance(extract_text(inspected, inspected.data), str)
            read += 1

    assert read > 100
    assert caplog.records == []
