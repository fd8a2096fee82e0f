"""inspect_upload: the kind comes from the content, and every refusal has its code."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oa.core.errors import ActionError
from oa.documents.errors import FileErrorCode, FileRefused
from oa.documents.intake import FileKind, inspect_upload, safe_display_name, split_extension

from . import samples

NOTICE = ["关于做好2026年春节期间值班工作的通知", "各科室：现将有关事项通知如下。"]


def refused(name: str, data, *, purpose: str = "attachment") -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        inspect_upload(name, data, purpose=purpose)
    return caught.value


# ---- what is accepted ------------------------------------------------------------------------

ACCEPTED = [
    ("通知.docx", lambda: samples.docx(NOTICE), FileKind.DOCX, "body"),
    ("通知.pdf", lambda: samples.pdf(NOTICE), FileKind.PDF, "body"),
    ("通知.ofd", lambda: samples.ofd([NOTICE]), FileKind.OFD, "body"),
    (
        "登记表.xlsx",
        lambda: samples.xlsx([["文号", "标题"], ["厦府〔2026〕1号", "通知"]]),
        FileKind.XLSX,
        "attachment",
    ),
    ("汇报.pptx", lambda: samples.pptx([["汇报提纲"]]), FileKind.PPTX, "attachment"),
    (
        "旧文件.doc",
        lambda: samples.ole({"WordDocument": samples.word_fib(), "1Table": b"t"}),
        FileKind.DOC,
        "attachment",
    ),
    ("金山文字.wps", lambda: samples.ole({"WordDocument": samples.word_fib()}), FileKind.DOC, "attachment"),
    ("旧表格.xls", lambda: samples.ole({"Workbook": samples.workbook_stream()}), FileKind.XLS, "attachment"),
    ("旧演示.ppt", lambda: samples.ole({"PowerPoint Document": b"p"}), FileKind.PPT, "attachment"),
    ("说明.txt", lambda: "说明\n第二行".encode("gb18030"), FileKind.TXT, "attachment"),
    ("名单.csv", lambda: "姓名,电话\n张三,123\n".encode(), FileKind.TXT, "attachment"),
    ("照片.jpg", lambda: samples.jpeg(), FileKind.JPEG, "attachment"),
    ("截图.png", lambda: samples.png(), FileKind.PNG, "attachment"),
]


@pytest.mark.parametrize(("name", "build", "kind", "purpose"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_it_accepts_each_kind_by_content(name, build, kind, purpose):
    data = build()

    inspected = inspect_upload(name, data, purpose=purpose)

    assert inspected.kind == kind
    assert inspected.size == len(data)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()
    assert inspected.display_name == inspected.name == name
    assert inspected.data == data
    assert inspected.mime_type.startswith(("application/", "text/plain", "image/"))


def test_every_body_kind_is_also_an_attachment():
    for data in (samples.docx(NOTICE), samples.pdf(NOTICE), samples.ofd([NOTICE])):
        assert inspect_upload("附件", data, purpose="attachment").kind in (
            FileKind.DOCX,
            FileKind.PDF,
            FileKind.OFD,
        )


def test_it_reads_an_uploaded_file_object():
    data = samples.docx(NOTICE)
    upload = SimpleUploadedFile("正文.docx", data, content_type="application/octet-stream")
    upload.read(10)  # whoever looked at it before us

    inspected = inspect_upload(upload.name, upload, purpose="body")

    assert inspected.data == data
    assert inspected.mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_name_without_extension_is_accepted_and_gets_the_kind_s_extension():
    inspected = inspect_upload("扫描件", samples.pdf(NOTICE), purpose="attachment")

    assert inspected.kind == FileKind.PDF
    assert inspected.display_name == "扫描件.pdf"


def test_the_extension_is_compared_without_case():
    assert inspect_upload("通知.PDF", samples.pdf(NOTICE), purpose="body").display_name == "通知.PDF"


def test_a_dotted_name_without_a_real_extension_counts_as_no_extension():
    inspected = inspect_upload("通知（2026.3）", samples.docx(NOTICE), purpose="body")

    assert inspected.display_name == "通知（2026.3）.docx"


def test_a_docx_with_an_embedded_workbook_is_accepted():
    members = samples.docx_members(NOTICE)
    members["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = samples.xlsx([["嵌入的表格"]])

    assert inspect_upload("含表格.docx", samples.zip_bytes(members), purpose="body").kind == FileKind.DOCX


# ---- type and name ---------------------------------------------------------------------------


def test_an_executable_renamed_pdf_is_refused_as_unsupported():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)

    error = refused("会议通知.pdf", program)

    assert error.code == FileErrorCode.UNSUPPORTED_TYPE
    assert "可执行程序" in error.detail
    assert error.field == "file"


def test_a_pdf_named_docx_is_a_mismatch():
    error = refused("正文.docx", samples.pdf(NOTICE), purpose="body")

    assert error.code == FileErrorCode.TYPE_MISMATCH
    assert ".docx" in error.detail and "PDF" in error.detail


def test_a_docx_named_pdf_is_a_mismatch():
    assert refused("正文.pdf", samples.docx(NOTICE), purpose="body").code == FileErrorCode.TYPE_MISMATCH


def test_an_unknown_extension_on_an_accepted_kind_is_a_mismatch():
    assert refused("页面.html", b"<p>hello</p>").code == FileErrorCode.TYPE_MISMATCH


def test_a_right_to_left_override_cannot_disguise_the_extension():
    # Shown as "报告exe.pdf" by a bidi-aware renderer; the real extension is .exe.
    error = refused("报告\u202efdp.exe", samples.pdf(NOTICE))

    assert error.code == FileErrorCode.TYPE_MISMATCH
    assert "\u202e" not in error.detail


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (lambda: samples.xlsx([["表"]]), "Excel"),
        (lambda: "正文".encode(), "纯文本"),
        (lambda: samples.png(), "PNG"),
    ],
)
def test_the_body_must_be_docx_pdf_or_ofd(data, label):
    error = refused("正文", data(), purpose="body")

    assert error.code == FileErrorCode.UNSUPPORTED_TYPE
    assert "正文只能是 DOCX、PDF 或 OFD" in error.detail and label in error.detail


def test_a_plain_zip_is_not_an_attachment():
    error = refused("材料.zip", samples.zip_bytes({"a.txt": "内容"}))

    assert error.code == FileErrorCode.UNSUPPORTED_TYPE
    assert "压缩包" in error.detail


def test_binary_junk_is_unsupported():
    assert refused("数据.txt", bytes(range(256)) * 4).code == FileErrorCode.UNSUPPORTED_TYPE


def test_an_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        inspect_upload("a.pdf", samples.pdf(NOTICE), purpose="cover")


# ---- size ------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    error = refused("空白.docx", b"")

    assert error.code == FileErrorCode.EMPTY_FILE
    assert "空文件" in error.detail


def test_a_file_over_the_limit_is_refused_with_413(settings):
    settings.OA_DOCUMENT_FILE_MAX_BYTES = 1000

    error = refused("大文件.pdf", samples.pdf(NOTICE * 40) + b"\n" * 1000)

    assert error.code == FileErrorCode.TOO_LARGE
    assert error.status == 413
    assert "大文件.pdf" in error.detail


def test_an_oversized_stream_is_not_read_past_the_limit(settings):
    settings.OA_DOCUMENT_FILE_MAX_BYTES = 4096

    class Endless(io.RawIOBase):
        read_so_far = 0

        def readable(self):
            return True

        def read(self, size=-1):
            size = 65536 if size is None or size < 0 else size
            self.read_so_far += size
            return b"a" * size

    stream = Endless()
    assert refused("无尽.txt", stream).code == FileErrorCode.TOO_LARGE
    assert stream.read_so_far == 4097


def test_an_upload_announcing_its_size_is_refused_before_reading(settings):
    settings.OA_DOCUMENT_FILE_MAX_BYTES = 10
    upload = SimpleUploadedFile("大.pdf", samples.pdf(NOTICE))

    assert refused("大.pdf", upload).code == FileErrorCode.TOO_LARGE
    assert upload.tell() == 0


def test_an_image_with_too_many_pixels_is_refused(settings):
    settings.OA_DOCUMENT_IMAGE_MAX_PIXELS = 1_000_000

    error = refused("海报.png", samples.png(2, 2, declared=(50_000, 50_000)))

    assert error.code == FileErrorCode.TOO_LARGE
    assert "50000×50000" in error.detail


# ---- zip bombs and unsafe archives -------------------------------------------------------------


def _patch_entry(data: bytes, name: str, *, file_size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite one member's declared size or flags in its local header and its directory entry."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, name_at, size_at, flags_at in ((b"PK\x03\x04", 30, 22, 6), (b"PK\x01\x02", 46, 24, 8)):
        position = out.find(signature)
        while position >= 0:
            if out[position + name_at : position + name_at + len(encoded)] == encoded:
                if file_size is not None:
                    struct.pack_into("<L", out, position + size_at, file_size)
                if flags is not None:
                    struct.pack_into("<H", out, position + flags_at, flags)
            position = out.find(signature, position + 4)
    return bytes(out)


def test_a_high_ratio_member_is_a_bomb():
    # 42.zip's trick: one member of zeros that deflate squeezes a thousand to one.
    members = samples.docx_members(NOTICE)
    members["word/media/image1.png"] = bytes(20 * 1024 * 1024)

    error = refused("炸弹.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "压缩比" in error.detail


def test_a_bomb_nested_inside_an_embedded_archive_is_found():
    inner = samples.zip_bytes({f"{index}.bin": bytes(8 * 1024 * 1024) for index in range(4)})
    members = samples.docx_members(NOTICE)
    members["word/embeddings/package.zip"] = inner

    assert refused("嵌套.docx", samples.zip_bytes(members)).code == FileErrorCode.ZIP_BOMB


def test_archives_nested_past_the_depth_limit_are_refused(settings):
    settings.OA_DOCUMENT_ZIP_MAX_DEPTH = 2
    deepest = samples.zip_bytes({"a.txt": "最里层"})
    middle = samples.zip_bytes({"deepest.zip": deepest})
    outer = samples.zip_bytes({"middle.zip": middle})
    members = samples.docx_members(NOTICE)
    members["word/embeddings/outer.zip"] = outer

    error = refused("套娃.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "嵌套" in error.detail


def test_a_member_that_inflates_past_its_declared_size_is_a_bomb():
    members = samples.docx_members(NOTICE)
    members["word/media/image1.png"] = bytes(4 * 1024 * 1024)
    honest = samples.zip_bytes(members)
    # The directory now claims 100 bytes: ratio and total checks on declared sizes all pass.
    lying = _patch_entry(honest, "word/media/image1.png", file_size=100)

    error = refused("谎报.docx", lying)

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "声明大小" in error.detail


def test_the_real_total_is_capped_even_when_each_member_looks_fine(settings):
    settings.OA_DOCUMENT_ZIP_MAX_UNCOMPRESSED_BYTES = 512 * 1024
    rng = random.Random(7)
    members = samples.docx_members(NOTICE)
    for index in range(3):
        members[f"word/media/image{index}.bin"] = rng.randbytes(200 * 1024)

    error = refused("过大.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "解压后大小" in error.detail


def test_the_overall_ratio_is_capped(settings):
    settings.OA_DOCUMENT_ZIP_MAX_TOTAL_RATIO = 5
    members = samples.docx_members(NOTICE)
    # Each member alone stays far under the member ratio (about 18:1); together they are
    # past 5:1 and past the 16 MB below which overall ratios are not judged.
    text = "".join(f"第{i}条 关于做好值班工作的通知\n" for i in range(150_000)).encode()
    for index in range(3):
        members[f"word/media/data{index}.txt"] = text
    data = samples.zip_bytes(members)
    assert 3 * len(text) / len(data) > 5

    error = refused("比例.docx", data)

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "整体压缩比" in error.detail


def test_too_many_members_are_refused(settings):
    settings.OA_DOCUMENT_ZIP_MAX_MEMBERS = 50
    members = samples.docx_members(NOTICE)
    for index in range(60):
        members[f"word/media/{index}.png"] = b"x"

    error = refused("很多.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.ZIP_BOMB
    assert "50" in error.detail


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil", "/etc/passwd", "C:/Windows/evil.dll", "word\\..\\..\\x.xml"]
)
def test_member_names_that_escape_the_folder_are_refused(name):
    members = samples.docx_members(NOTICE)
    members[name] = "x"

    assert refused("路径.docx", samples.zip_bytes(members)).code == FileErrorCode.UNSAFE_ARCHIVE


def test_duplicate_member_names_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, content in samples.docx_members(NOTICE).items():
            archive.writestr(name, content)
        archive.writestr("word/document.xml", "<other/>")

    assert refused("重名.docx", buffer.getvalue()).code == FileErrorCode.UNSAFE_ARCHIVE


def test_overlapping_members_are_a_bomb():
    data = bytearray(
        samples.zip_bytes(samples.docx_members(NOTICE) | {"word/a.xml": "<a/>", "word/b.xml": "<b/>"})
    )
    # Point b's directory entry at a's local header: one kernel read twice, the basis of
    # the overlapping-files bomb.
    entries = {}
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        entries[bytes(data[position + 46 : position + 46 + name_length])] = position
        position = data.find(b"PK\x01\x02", position + 4)
    a_offset = struct.unpack_from("<L", data, entries[b"word/a.xml"] + 42)[0]
    struct.pack_into("<L", data, entries[b"word/b.xml"] + 42, a_offset)

    assert refused("重叠.docx", bytes(data)).code == FileErrorCode.ZIP_BOMB


def test_an_encrypted_member_is_refused():
    data = _patch_entry(samples.docx(NOTICE), "word/document.xml", flags=0x1)

    assert refused("加密.docx", data).code == FileErrorCode.ENCRYPTED


def test_a_member_whose_crc_does_not_match_is_corrupt():
    data = bytearray(samples.zip_bytes(samples.docx_members(NOTICE), compression=zipfile.ZIP_STORED))
    position = data.find("各科室".encode())
    data[position] ^= 0xFF

    assert refused("损坏.docx", bytes(data)).code == FileErrorCode.CORRUPT_FILE


def test_a_truncated_zip_is_corrupt():
    data = samples.docx(NOTICE)

    assert refused("截断.docx", data[: len(data) // 2]).code == FileErrorCode.CORRUPT_FILE


# ---- what is inside: macros, remote templates, XML ----------------------------------------------


def test_a_macro_enabled_document_renamed_docx_is_refused():
    data = samples.docx(NOTICE, main_type=samples.DOCM_MAIN)

    assert refused("宏.docx", data, purpose="body").code == FileErrorCode.ACTIVE_CONTENT


def test_a_vba_project_part_is_refused():
    members = samples.docx_members(NOTICE)
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"

    assert refused("宏.docx", samples.zip_bytes(members)).code == FileErrorCode.ACTIVE_CONTENT


def test_a_remote_template_is_refused():
    members = samples.docx_members(NOTICE)
    members["word/_rels/settings.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="http://203.0.113.9/t.dotm" TargetMode="External"/></Relationships>'
    )

    error = refused("模板注入.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.ACTIVE_CONTENT
    assert "外部模板" in error.detail


def test_an_external_hyperlink_is_fine():
    members = samples.docx_members(NOTICE)
    members["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="https://www.gov.cn/" TargetMode="External"/></Relationships>'
    )

    assert inspect_upload("链接.docx", samples.zip_bytes(members), purpose="body").kind == FileKind.DOCX


def test_an_xml_part_with_entity_declarations_is_refused():
    members = samples.docx_members(NOTICE)
    members["word/document.xml"] = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:document>'
    )

    error = refused("实体.docx", samples.zip_bytes(members))

    assert error.code == FileErrorCode.CORRUPT_FILE
    assert "DTD" in error.detail


def test_a_main_part_that_is_not_xml_is_corrupt():
    members = samples.docx_members(NOTICE)
    members["word/document.xml"] = "<w:document><w:body>"

    assert refused("坏XML.docx", samples.zip_bytes(members)).code == FileErrorCode.CORRUPT_FILE


def test_an_ofd_whose_document_is_missing_is_corrupt():
    members = samples.ofd_members([NOTICE])
    del members["Doc_0/Document.xml"]

    assert refused("缺失.ofd", samples.zip_bytes(members), purpose="body").code == FileErrorCode.CORRUPT_FILE


def test_an_ofd_whose_page_is_missing_is_corrupt():
    members = samples.ofd_members([NOTICE, ["第二页"]])
    del members["Doc_0/Pages/Page_1/Content.xml"]

    error = refused("缺页.ofd", samples.zip_bytes(members), purpose="body")

    assert error.code == FileErrorCode.CORRUPT_FILE
    assert "Page_1" in error.detail


def test_an_ofd_pointing_outside_the_package_is_corrupt():
    members = samples.ofd_members([NOTICE])
    members["OFD.xml"] = members["OFD.xml"].replace("Doc_0/Document.xml", "../../Doc_0/Document.xml")

    assert refused("越界.ofd", samples.zip_bytes(members), purpose="body").code == FileErrorCode.CORRUPT_FILE


# ---- PDF -------------------------------------------------------------------------------------


def test_a_pdf_that_only_has_the_header_is_corrupt():
    assert refused("坏.pdf", b"%PDF-1.7\n" + b"garbage " * 100).code == FileErrorCode.CORRUPT_FILE


def test_a_pdf_with_a_password_is_refused():
    error = refused("密码.pdf", samples.pdf(NOTICE, encrypted=True))

    assert error.code == FileErrorCode.ENCRYPTED
    assert "密码" in error.detail


def test_a_pdf_with_javascript_is_refused():
    assert refused("脚本.pdf", samples.pdf(NOTICE, javascript=True)).code == FileErrorCode.ACTIVE_CONTENT


# ---- legacy Office (OLE2) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tree", "code"),
    [
        ("加密.doc", {"WordDocument": samples.word_fib(encrypted=True)}, FileErrorCode.ENCRYPTED),
        ("加密.xls", {"Workbook": samples.workbook_stream(encrypted=True)}, FileErrorCode.ENCRYPTED),
        ("加密.docx", {"EncryptionInfo": b"i", "EncryptedPackage": b"p"}, FileErrorCode.ENCRYPTED),
        (
            "宏.doc",
            {"WordDocument": samples.word_fib(), "Macros": {"VBA": {"dir": b"d"}}},
            FileErrorCode.ACTIVE_CONTENT,
        ),
        (
            "宏.xls",
            {"Workbook": samples.workbook_stream(), "_VBA_PROJECT_CUR": {"VBA": {"dir": b"d"}}},
            FileErrorCode.ACTIVE_CONTENT,
        ),
        ("邮件.msg", {"__substg1.0_0037001F": b"s"}, FileErrorCode.UNSUPPORTED_TYPE),
    ],
)
def test_legacy_office_files_are_refused_for_passwords_macros_and_unknown_content(name, tree, code):
    assert refused(name, samples.ole(tree)).code == code


def test_a_truncated_ole_file_is_corrupt():
    data = samples.ole({"WordDocument": samples.word_fib()})

    assert refused("截断.doc", data[:600]).code == FileErrorCode.CORRUPT_FILE


# ---- images and text -----------------------------------------------------------------------------


def test_a_png_with_a_bad_checksum_is_corrupt():
    data = bytearray(samples.png())
    data[20] ^= 0xFF

    assert refused("坏.png", bytes(data)).code == FileErrorCode.CORRUPT_FILE


def test_a_jpeg_without_a_frame_is_corrupt():
    assert refused("坏.jpg", b"\xff\xd8\xff\xd9" + bytes(20)).code == FileErrorCode.CORRUPT_FILE


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_text_in_common_encodings_is_accepted(encoding):
    data = "公文处理工作条例\r\n第一章 总则\n".encode(encoding)

    assert inspect_upload("条例.txt", data, purpose="attachment").kind == FileKind.TXT


def test_text_with_nul_bytes_is_not_text():
    assert refused("假文本.txt", b"hello\x00world").code == FileErrorCode.UNSUPPORTED_TYPE


# ---- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("C:\\Users\\张三\\Desktop\\关于印发《方案》的通知.docx", "关于印发《方案》的通知.docx"),
        ("../../etc/通知.pdf", "通知.pdf"),
        ("通\x00知\x1b.pdf", "通知.pdf"),
        ("报告\u202efdp.exe", "报告fdp.exe"),
        ("a<b>:c?.pdf", "a_b__c_.pdf"),
        ("  通知 .pdf. ", "通知 .pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("", "未命名"),
        (".pdf", "未命名.pdf"),
    ],
)
def test_display_names_are_made_safe_and_keep_chinese(raw, shown):
    assert safe_display_name(raw) == shown


def test_long_names_are_cut_keeping_the_extension():
    shown = safe_display_name("关" * 300 + ".docx")

    assert len(shown) == 100
    assert shown.endswith("关.docx")


def test_split_extension():
    assert split_extension("通知.DOCX") == ("通知", "docx")
    assert split_extension("v1.0") == ("v1.0", None)
    assert split_extension("无扩展名") == ("无扩展名", None)


# ---- the API's error format ---------------------------------------------------------------------


def test_a_refusal_is_an_action_error_the_api_renders_as_code_detail_field():
    from api.errors import exception_handler

    error = refused("炸弹.pdf", b"MZ" + bytes(100))
    response = exception_handler(error, {})

    assert isinstance(error, ActionError)
    assert response.status_code == 400
    assert response.data == {"code": "unsupported_type", "detail": error.detail, "field": "file"}


def test_the_field_can_be_named_by_the_caller():
    with pytest.raises(FileRefused) as caught:
        inspect_upload("a.pdf", b"", purpose="attachment", field="attachments[2]")

    assert caught.value.field == "attachments[2]"


def test_damaged_files_are_accepted_or_refused_with_a_code_never_an_exception():
    outcomes = set()
    for data in samples.damaged(seed=2026, count=1500):
        try:
            inspect_upload("损坏", data, purpose="attachment")
            outcomes.add("accepted")
        except FileRefused as error:
            outcomes.add(error.code)

    # Damage of every sort was met, so the run was not all one easy path.
    assert {"accepted", FileErrorCode.CORRUPT_FILE, FileErrorCode.UNSUPPORTED_TYPE} <= outcomes
