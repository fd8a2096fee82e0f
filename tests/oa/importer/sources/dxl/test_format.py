"""The file as a whole: declared encodings, what check_dxl() refuses, the roots DXL allows."""

from __future__ import annotations

import io

import pytest

from oa.importer.sources.dxl import DxlFormatError, DxlReader, check_dxl
from tests.oa.importer.sources.dxl.builders import database, document, item, richtext, text

SUBJECT = "关于印发《厦门市政务公开工作要点》的通知"


def read(data: bytes):
    reader = DxlReader(io.BytesIO(data))
    return list(reader), reader.summary


def refused(data: bytes) -> DxlFormatError:
    with pytest.raises(DxlFormatError) as caught:
        check_dxl(io.BytesIO(data))
    return caught.value


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "subject"),
    [
        ("UTF-8", SUBJECT),
        ("GBK", SUBJECT),
        ("GB2312", SUBJECT),
        ("GB18030", SUBJECT + "𠮷"),  # outside GBK: only GB18030 has it
        ("Big5", "關於印發通知"),
        ("UTF-16", SUBJECT),
        ("ISO-8859-1", "Procès-verbal de la réunion"),
    ],
)
def test_the_declared_encoding_is_honoured(encoding, subject):
    data = database(
        document(
            item("Subject", text(subject)),
            item("Body", richtext(f"<par def='1'><run><font style='bold'/>{subject}</run></par>")),
        ),
        encoding=encoding,
    )
    assert subject.encode("utf-8") not in data or encoding == "UTF-8"
    check_dxl(io.BytesIO(data))
    [found], summary = read(data)
    assert found.text("Subject") == subject
    assert found.item("Body").richtext.html == f"<p><strong>{subject}</strong></p>"
    assert found.form == "发文"
    assert summary.encoding.upper() == encoding.upper()


def position_of(data: bytes, needle: bytes, codec: str) -> tuple[int, int]:
    """(line, column) of `needle` in the file, 1-based, the column in characters."""
    before = data[: data.index(needle)].decode(codec)
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def test_bytes_that_do_not_match_the_declared_encoding_are_refused_where_they_are():
    data = database(document(item("Subject", text(SUBJECT))), encoding="GBK").replace(
        b"encoding='GBK'", b"encoding='UTF-8'"
    )
    error = refused(data)
    assert error.code == DxlFormatError.BAD_ENCODING
    # The first GBK byte is in the database title on line 2, not line 1 (the declaration).
    assert (error.line, error.column) == position_of(data, "发文管理".encode("gbk"), "gbk") == (2, 114)
    assert "第 2 行第 114 列" in str(error) and "utf-8" in str(error)


def test_an_invalid_gbk_byte_is_named_by_its_own_line_and_column():
    data = database(
        document(item("Subject", text(SUBJECT))),
        document(item("Subject", text("第二份BAD")), n=2),
        encoding="GBK",
    ).replace(b"BAD", b"\x81\x20")
    line, column = position_of(data, b"\x81\x20", "gbk")
    assert line > 10
    error = refused(data)
    assert (error.code, error.line, error.column) == (DxlFormatError.BAD_ENCODING, line, column)
    assert f"第 {line} 行第 {column} 列的字节 0x81 0x20 不是合法的 gbk 编码" in str(error)


@pytest.mark.parametrize("declared", ["GBK", "GB2312", "ISO-8859-1", "windows-1252", "Big5"])
def test_utf8_bytes_under_a_legacy_declaration_are_refused_not_read_as_mojibake(declared):
    data = database(document(item("Subject", text("通知"))), encoding="UTF-8").replace(
        b"encoding='UTF-8'", f"encoding='{declared}'".encode()
    )
    error = refused(data)
    assert error.code == DxlFormatError.BAD_ENCODING
    assert (error.line, error.column) == position_of(data, "发文管理".encode(), "utf-8")
    assert f"声明的编码是 {declared}" in str(error) and "发文管理" in str(error)
    if declared == "GBK":
        assert "鍙戞枃绠＄悊" in str(error)  # what the declaration would have made of it


def test_latin1_text_under_its_own_declaration_is_not_mistaken_for_utf8():
    data = database(document(item("Subject", text("Procès-verbal"))), encoding="ISO-8859-1", title="Réunions")
    assert check_dxl(io.BytesIO(data)) == 1


def test_a_doctype_naming_an_external_dtd_is_refused():
    for doctype in (
        "<!DOCTYPE database SYSTEM 'http://127.0.0.1:9/domino_8_5_3.dtd'>",
        "<!DOCTYPE database SYSTEM 'file:///etc/passwd'>",
        "<!DOCTYPE database PUBLIC '-//Lotus//DXL' 'xmlschemas/domino_8_5_3.dtd'>",
    ):
        data = database(document(item("a", text("1")))).replace(
            b"<database", f"{doctype}\n<database".encode(), 1
        )
        error = refused(data)
        assert error.code == DxlFormatError.NOT_DXL and "外部 DTD" in str(error), doctype


def test_an_undefined_entity_without_a_doctype_is_refused_where_it_is():
    data = database(document(item("Subject", text("关于&foo;的通知"))))
    error = refused(data)
    assert error.code == DxlFormatError.BAD_XML and "foo" in str(error)
    assert error.line == position_of(data, b"&foo;", "utf-8")[0] and error.column


def test_an_undefined_entity_under_the_domino_doctype_is_refused_not_dropped():
    data = database(document(item("Subject", text("关于&foo;的通知")))).replace(
        b"<database", b"<!DOCTYPE database SYSTEM 'xmlschemas/domino_8_5_3.dtd'>\n<database", 1
    )
    error = refused(data)
    assert error.code == DxlFormatError.NOT_DXL and "&foo;" in str(error)
    assert error.line == position_of(data, b"&foo;", "utf-8")[0]


def test_an_unknown_encoding_is_refused():
    error = refused(database(encoding="UTF-8").replace(b"UTF-8", b"X-KLINGON"))
    assert error.code == DxlFormatError.BAD_XML


# --- what is refused -----------------------------------------------------------------------------


def test_an_empty_file_is_malformed():
    error = refused(b"")
    assert error.code == DxlFormatError.BAD_XML


def test_a_truncated_export_is_refused_and_the_reader_stops_there():
    data = database(document(item("a", text("1")), n=1), document(item("a", text("2")), n=2))
    cut = data[: data.rindex(b"<document")] + b"<document form='x'><noteinfo unid='1'"
    error = refused(cut)
    assert error.code == DxlFormatError.BAD_XML
    seen = []
    with pytest.raises(DxlFormatError):
        for found in DxlReader(io.BytesIO(cut)):
            seen.append(found.text("a"))
    assert seen == ["1"]  # what came before the break was read; check_dxl() is what prevents it


def test_another_vocabulary_is_not_dxl():
    error = refused(b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>")
    assert error.code == DxlFormatError.NOT_DXL
    assert "namespace" in error.reason


def test_an_unknown_root_in_the_dxl_namespace_is_not_dxl():
    error = refused(b"<databases xmlns='http://www.lotus.com/dxl'/>")
    assert error.code == DxlFormatError.NOT_DXL
    assert "<databases>" in error.reason


def test_a_foreign_element_in_a_database_is_not_dxl():
    data = database(document(item("a", text("1"))) + "<extra xmlns='urn:other'/>\n")
    error = refused(data)
    assert error.code == DxlFormatError.NOT_DXL
    assert error.line == data[: data.index(b"<extra")].count(b"\n") + 1
    assert "<extra>" in error.reason


def test_a_note_without_class_is_not_dxl():
    error = refused(database("<note><noteinfo unid='AA'/></note>"))
    assert error.code == DxlFormatError.NOT_DXL
    assert "class" in error.reason


def test_entity_declarations_are_refused_not_expanded():
    data = (
        b"<?xml version='1.0'?>\n<!DOCTYPE database [<!ENTITY who SYSTEM 'file:///etc/passwd'>]>\n"
        b"<database xmlns='http://www.lotus.com/dxl'><document><noteinfo unid='AA'/>"
        b"<item name='a'><text>&who;</text></item></document></database>"
    )
    error = refused(data)
    assert error.code == DxlFormatError.NOT_DXL
    assert "entities" in error.reason
    [found], _ = read(data)
    assert "root:" not in found.text("a")


def test_a_billion_laughs_is_malformed():
    laughs = "".join(f"<!ENTITY l{i} '{f'&l{i - 1};' * 10}'>" for i in range(1, 10))
    data = (
        f"<?xml version='1.0'?><!DOCTYPE database [<!ENTITY l0 'ha'>{laughs}]>"
        "<database xmlns='http://www.lotus.com/dxl'><document><item name='a'><text>&l9;</text></item>"
        "</document></database>"
    ).encode()
    error = refused(data)
    assert error.code in (DxlFormatError.BAD_XML, DxlFormatError.NOT_DXL)


def test_a_doctype_naming_the_domino_dtd_is_fine_and_not_fetched():
    data = database(document(item("a", text("1")))).replace(
        b"<database", b"<!DOCTYPE database SYSTEM 'xmlschemas/domino_8_5_3.dtd'>\n<database", 1
    )
    check_dxl(io.BytesIO(data))
    assert [d.text("a") for d in read(data)[0]] == ["1"]


def test_a_text_mode_file_is_refused():
    with pytest.raises(TypeError):
        check_dxl(io.StringIO(database().decode("utf-8")))


def test_check_puts_a_file_object_back_for_the_reader(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(database(document(item("a", text("1")))))
    with path.open("rb") as stream:
        check_dxl(stream)
        assert [d.text("a") for d in DxlReader(stream)] == ["1"]
    check_dxl(path)
    check_dxl(str(path))


# --- roots ---------------------------------------------------------------------------------------


def test_a_bare_document_root():
    data = (
        document(item("Subject", text(SUBJECT)))
        .replace(
            "<document form='发文'>",
            "<?xml version='1.0' encoding='GBK'?>\n<document xmlns='http://www.lotus.com/dxl' form='发文'>",
        )
        .encode("gbk")
    )
    assert check_dxl(io.BytesIO(data)) == 1
    [found], summary = read(data)
    assert (found.text("Subject"), found.form, found.unid) == (
        SUBJECT,
        "发文",
        "000000000000000148257A2B001C3A5E",
    )
    assert (summary.root, summary.database, summary.documents) == ("document", None, 1)


def test_a_note_class_document_and_design_notes():
    data = database(
        document(item("Form", text("收文")), item("Subject", text("来文")), element="note", n=1),
        "<note class='form'><noteinfo unid='AB'/><item name='$TITLE'><text>收文</text></item></note>\n",
        "<note class='view'><noteinfo unid='AC'/></note>\n",
        "<agent name='归档'><noteinfo unid='AD'/></agent>\n",
        document(item("Subject", text("第二份")), n=2),
    )
    assert check_dxl(io.BytesIO(data)) == 2
    documents, summary = read(data)
    assert [(d.element, d.form, d.text("Subject"), d.index) for d in documents] == [
        ("note", "收文", "来文", 1),
        ("document", "发文", "第二份", 2),
    ]
    assert summary.skipped == {"acl": 1, "agent": 1, "form": 2, "view": 1}
    assert summary.database.title == "发文管理"


def test_a_database_without_the_dxl_namespace():
    data = database(document(item("a", text("1"))), namespace=False)
    check_dxl(io.BytesIO(data))
    assert [d.text("a") for d in read(data)[0]] == ["1"]


def test_a_single_design_note_is_dxl_with_no_documents():
    data = b"<form xmlns='http://www.lotus.com/dxl' name='x'><noteinfo unid='AA'/></form>"
    assert check_dxl(io.BytesIO(data)) == 0
    documents, summary = read(data)
    assert documents == []
    assert (summary.root, summary.skipped) == ("form", {"form": 1})


def test_mojibake_is_told_from_real_legacy_text():
    from oa.importer.sources.dxl.encoding import mojibake

    assert mojibake("閫氱煡", "gbk") == "通知"
    assert mojibake("å\x85³äº\x8eé\x80\x9aç\x9f¥", "latin-1") == "关于通知"
    words = ["张三", "秘密", "加急", "办公室", "通知", "请示", "报告", "思政办〔2012〕3号", SUBJECT, "Procès"]
    for word in words:
        for codec in ("gbk", "gb18030", "big5", "latin-1"):
            try:
                word.encode(codec)
            except UnicodeEncodeError:
                continue
            assert mojibake(word, codec) is None, (word, codec)
