"""Item values of every DXL type, Domino datetimes, Notes names and rich text, on generated DXL."""

from __future__ import annotations

import base64
import io
import struct
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from oa.importer.sources.dxl import DateTimeRange, DxlReader, NotesName, ProblemCode, parse_domino_datetime
from tests.oa.importer.sources.dxl.builders import database, document, item, richtext, text

PLUS_8 = timezone(timedelta(hours=8))
GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


def only_document(*items: str, **kwargs):
    [found] = list(DxlReader(io.BytesIO(database(document(*items, **kwargs)))))
    return found


def one_item(value: str, **flags: str):
    found = only_document(item("x", value, **flags))
    return found.item("x"), found


# --- datetimes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "20090602T165055,48+02",
            datetime(2009, 6, 2, 16, 50, 55, 480000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("20120617T093015,21+08", datetime(2012, 6, 17, 9, 30, 15, 210000, tzinfo=PLUS_8)),
        (
            "20010424T132608,39-04",
            datetime(2001, 4, 24, 13, 26, 8, 390000, tzinfo=timezone(timedelta(hours=-4))),
        ),
        (
            "20090602T165055,48+0530",
            datetime(2009, 6, 2, 16, 50, 55, 480000, tzinfo=timezone(timedelta(minutes=330))),
        ),
        (
            "20090602T165055,48-0930",
            datetime(2009, 6, 2, 16, 50, 55, 480000, tzinfo=timezone(-timedelta(minutes=570))),
        ),
        ("20090602T165055,48Z", datetime(2009, 6, 2, 16, 50, 55, 480000, tzinfo=UTC)),
        ("20090602T165055,48", datetime(2009, 6, 2, 16, 50, 55, 480000)),
        ("20090602T165055", datetime(2009, 6, 2, 16, 50, 55)),
        ("20090602", date(2009, 6, 2)),
        ("T165055,48", time(16, 50, 55, 480000)),
        ("T080000,00+08", time(8, 0, tzinfo=PLUS_8)),
        (" 20090602 ", date(2009, 6, 2)),
        ("", None),
    ],
)
def test_domino_datetimes(raw, expected):
    value = parse_domino_datetime(raw)
    assert value == expected
    assert type(value) is type(expected)
    if isinstance(expected, datetime):
        assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "raw", ["2009-06-02", "20090231", "20090602T256000,00", "20090602T165055,48+25", "T", "yesterday"]
)
def test_impossible_datetimes_are_refused(raw):
    with pytest.raises(ValueError):
        parse_domino_datetime(raw)


def test_datetime_lists_pairs_and_dst():
    value, found = one_item(
        "<datetimelist><datetime dst='true'>20120617T093015,21+08</datetime><datetime>20120618</datetime>"
        "<datetimepair><datetime>20120701T090000,00+08</datetime><datetime>20120701T113000,00+08</datetime>"
        "</datetimepair></datetimelist>"
    )
    assert value.type == "datetimelist" and value.is_list
    assert value.values == (
        datetime(2012, 6, 17, 9, 30, 15, 210000, tzinfo=PLUS_8),
        date(2012, 6, 18),
        DateTimeRange(datetime(2012, 7, 1, 9, tzinfo=PLUS_8), datetime(2012, 7, 1, 11, 30, tzinfo=PLUS_8)),
    )
    assert value.dst == (True, False, False)
    assert value.raw[0] == "20120617T093015,21+08"
    assert found.problems == []


def test_a_bad_datetime_is_a_problem_of_the_document_not_an_exception():
    value, found = one_item("<datetime>2012-06-17</datetime>")
    assert value.values == (None,)
    assert value.raw == ("2012-06-17",)
    assert [(p.code, p.item) for p in found.problems] == [(ProblemCode.BAD_DATETIME, "x")]


# --- numbers and text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.5", 1.5), ("-3", -3.0), ("1e3", 1000.0), (" 2 ", 2.0), ("-.5E-2", -0.005)]
)
def test_numbers(raw, expected):
    value, found = one_item(f"<number>{raw}</number>")
    assert value.values == (expected,)
    assert found.problems == []


def test_number_lists_and_a_bad_number():
    value, found = one_item(
        "<numberlist><number>1</number><number>abc</number><number>2.5</number></numberlist>"
    )
    assert value.values == (1.0, None, 2.5)
    assert value.raw == ("1", "abc", "2.5")
    assert [p.code for p in found.problems] == [ProblemCode.BAD_NUMBER]


def test_text_lists_formulas_and_empty_items():
    found = only_document(
        item("list", "<textlist><text>甲</text><text>乙<break/>丙</text><text/></textlist>"),
        item("formula", "<formula>@Created</formula>"),
        item("$Index", "<text/>", sign="true"),
        item("nothing", ""),
    )
    assert found.item("list").values == ("甲", "乙\n丙", "")
    assert found.item("formula").values == ("@Created",)
    assert found.item("$index").values == ("",)  # item names are case-insensitive in Notes
    assert found.items["$Index"].flags.sign
    assert (found.item("nothing").type, found.item("nothing").values) == ("empty", ())


def test_item_flags():
    value, _ = one_item(
        text("x"), summary="false", sign="true", seal="true", protected="true", readers="true", names="true"
    )
    flags = value.flags
    assert (
        flags.summary,
        flags.sign,
        flags.seal,
        flags.protected,
        flags.readers,
        flags.names,
        flags.authors,
    ) == (
        False,
        True,
        True,
        True,
        True,
        True,
        False,
    )
    plain, _ = one_item(text("x"))
    assert (plain.flags.summary, plain.flags.sign) == (None, False)


def test_raw_item_data_objectref_unavailable_and_unknown_types():
    found = only_document(
        item(
            "raw", f"<rawitemdata type='19'>{base64.b64encode(b'MIME-Version: 1.0').decode()}</rawitemdata>"
        ),
        item("old", "<itemdata type='6'>AQID</itemdata>"),
        item("ref", "<objectref name='logo' class='imageresource'/>"),
        item("gone", "<unavailable/>"),
        item("future", "<hologram depth='3'>?</hologram>"),
    )
    raw = found.item("raw")
    assert raw.type == "rawitemdata"
    assert (raw.first.type, raw.first.type_code, raw.first.data) == ("19", 0x19, b"MIME-Version: 1.0")
    assert found.item("old").first.data == b"\x01\x02\x03"
    assert found.item("ref").first.attributes == {"name": "logo", "class": "imageresource"}
    assert (found.item("gone").type, found.item("gone").values) == ("unavailable", ())
    future = found.item("future")
    assert future.type == "hologram"
    assert 'depth="3"' in future.first
    assert found.problems == []


def test_an_item_without_a_name_or_with_two_values_is_a_problem():
    found = only_document("<item><text>orphan</text></item>", item("twice", text("a") + text("b")))
    assert [p.code for p in found.problems] == [ProblemCode.ITEM_WITHOUT_NAME, ProblemCode.EXTRA_VALUE]
    assert found.item("twice").values == ("a",)


def test_repeated_item_names_are_all_kept_in_order():
    found = only_document(item("Tag", text("first")), item("Tag", text("second")))
    assert found.items["Tag"].first == "first"
    assert [i.first for i in found.item_list] == ["first", "second"]


# --- documents: identity, form, responses ----------------------------------------------------------


def test_noteinfo_and_form_attribute():
    found = only_document(item("Subject", text("通知")), n=7)
    assert found.unid == "000000000000000748257A2B001C3A5E"
    assert (found.note_id, found.sequence, found.form) == ("912", 2, "发文")
    assert found.created == datetime(2012, 6, 17, 9, 30, 15, 210000, tzinfo=PLUS_8)
    assert [n.abbreviated for n in found.updated_by] == ["张三/办公室/厦门市政府"]


def test_a_response_names_its_parent():
    found = only_document(attrs=" parent='B152B61013440583C12575C90051910C' response='true'")
    assert (found.parent_unid, found.is_response, found.is_conflict) == (
        "B152B61013440583C12575C90051910C",
        True,
        False,
    )
    conflict = only_document(
        item("$Conflict", text("")), attrs=" parent='b152b61013440583c12575c90051910c' conflict='true'"
    )
    assert (conflict.parent_unid, conflict.is_conflict, conflict.is_response) == (
        "B152B61013440583C12575C90051910C",
        True,
        False,
    )


def test_a_ref_item_in_note_format_gives_the_parent():
    # NOTEREF_LIST: entry count, then the UNID as File/Note TIMEDATEs (Innards[0] first, little-endian).
    noteref = struct.pack("<H4I", 1, 0x13440583, 0xB152B610, 0x0051910C, 0xC12575C9)
    found = only_document(
        item("Form", text("回复")),
        item("$REF", f"<rawitemdata type='4'>{base64.b64encode(noteref).decode()}</rawitemdata>"),
        element="note",
    )
    assert (found.form, found.element) == ("回复", "note")
    assert found.parent_unid == "B152B61013440583C12575C90051910C"
    assert found.is_response


def test_a_document_without_unid_is_a_problem():
    xml = database("<document form='x'><item name='a'><text>1</text></item></document>")
    [found] = list(DxlReader(io.BytesIO(xml)))
    assert found.unid is None
    assert [p.code for p in found.problems] == [ProblemCode.MISSING_UNID]


# --- names ---------------------------------------------------------------------------------------


def test_a_chinese_canonical_name():
    name = NotesName.parse("CN=张三/OU=科室/OU=办公室/O=厦门市政府/C=CN")
    assert name.common_name == "张三"
    assert name.org_units == ("科室", "办公室")
    assert (name.organization, name.country) == ("厦门市政府", "CN")
    assert name.hierarchy == ("厦门市政府", "办公室", "科室")
    assert name.abbreviated == "张三/科室/办公室/厦门市政府/CN"
    assert name.is_hierarchical
    assert name.raw == "CN=张三/OU=科室/OU=办公室/O=厦门市政府/C=CN"


@pytest.mark.parametrize(
    ("raw", "common", "units", "organization", "domain"),
    [
        ("张三/办公室/厦门市政府", "张三", ("办公室",), "厦门市政府", None),
        ("cn=李四/o=思明区", "李四", (), "思明区", None),
        ("CN=王五/OU=办公室/O=厦门市政府@XMGOV", "王五", ("办公室",), "厦门市政府", "XMGOV"),
        ("*/O=厦门市政府", "*", (), "厦门市政府", None),
        ("LocalDomainServers", "LocalDomainServers", (), None, None),
        ("[Admin]", "[Admin]", (), None, None),
        ("zhangsan@xm.gov.cn", "zhangsan@xm.gov.cn", (), None, None),
    ],
)
def test_other_name_forms(raw, common, units, organization, domain):
    name = NotesName.parse(raw)
    assert (name.common_name, name.org_units, name.organization, name.domain) == (
        common,
        units,
        organization,
        domain,
    )


def test_names_readers_and_authors_items_parse_their_values():
    value, _ = one_item(
        "<textlist><text>CN=张三/OU=办公室/O=厦门市政府</text><text>[Admin]</text></textlist>",
        names="true",
        authors="true",
    )
    assert [n.common_name for n in value.names] == ["张三", "[Admin]"]
    assert value.flags.authors


# --- rich text -----------------------------------------------------------------------------------


def body(markup: str, *, problems: bool = False):
    found = only_document(item("Body", richtext(markup)))
    assert bool(found.problems) == problems, found.problems
    return found.item("Body").richtext, found


def test_paragraphs_runs_and_breaks():
    rich, _ = body(
        "<par def='1'><run><font style='bold'/>各区人民政府：</run>现将<run><font size='12pt' style='bold italic'/>"
        "有关事项</run>通知如下。<break/>第二行</par><par/><par>特此通知。</par>"
    )
    assert rich.text == "各区人民政府：现将有关事项通知如下。\n第二行\n\n特此通知。"
    assert rich.html == (
        "<p><strong>各区人民政府：</strong>现将<em><strong>有关事项</strong></em>通知如下。<br>第二行</p>"
        "<p><br></p><p>特此通知。</p>"
    )


def test_tables_become_tab_separated_lines_and_html_tables():
    rich, _ = body(
        "<par def='1'>联系人：</par><table><tablecolumn width='1in'/><tablecolumn width='1in'/>"
        "<tablerow><tablecell><par><run><font style='bold'/>单位</run></par></tablecell>"
        "<tablecell><par>姓名</par></tablecell></tablerow>"
        "<tablerow><tablecell columnspan='2'><par>办公室</par><par>张三</par></tablecell></tablerow></table>"
    )
    assert rich.text == "联系人：\n单位\t姓名\n办公室 张三"
    assert rich.html == (
        "<p>联系人：</p><table><tbody><tr><td><p><strong>单位</strong></p></td><td><p>姓名</p></td></tr>"
        '<tr><td colspan="2"><p>办公室</p><p>张三</p></td></tr></tbody></table>'
    )


def test_pictures_and_bitmaps():
    gif = base64.b64encode(GIF).decode()
    rich, _ = body(
        f"<par def='1'><picture width='16px' height='16px'><gif>{gif}</gif></picture>"
        f"<picture><notesbitmap>AQID</notesbitmap></picture><picture><imageref name='logo.gif'/></picture></par>"
    )
    gif_image, bitmap, ref = rich.images
    assert (gif_image.format, gif_image.data, gif_image.converted) == ("gif", GIF, True)
    assert (bitmap.format, bitmap.data, bitmap.converted) == ("notesbitmap", b"\x01\x02\x03", False)
    assert (ref.format, ref.name, ref.data) == ("imageref", "logo.gif", None)
    assert rich.html == '<p><img src="dxl-image:0" width="16" height="16" alt=""></p>'


def test_a_picture_with_broken_base64_is_a_problem():
    rich, found = body("<par def='1'><picture><png>not*base64</png></picture></par>", problems=True)
    assert rich.images[0].broken and rich.images[0].data is None
    assert [p.code for p in found.problems] == [ProblemCode.BAD_BASE64]


def test_links():
    rich, _ = body(
        "<par def='1'><urllink href='http://www.xm.gov.cn/'>市政府网站</urllink> "
        "<urllink href='javascript:alert(1)'>点我</urllink> "
        "<doclink database='48257A2B001C3A5E' view='1234' document='B152B61013440583C12575C90051910C' "
        "description='原文'/></par>"
    )
    assert rich.text == "市政府网站 点我 原文"
    assert '<a href="http://www.xm.gov.cn/">市政府网站</a>' in rich.html
    assert "javascript" not in rich.html
    assert '<a href="notes:///48257A2B001C3A5E/1234/B152B61013440583C12575C90051910C">原文</a>' in rich.html
    assert [(link.kind, link.document) for link in rich.links] == [
        ("urllink", None),
        ("urllink", None),
        ("doclink", "B152B61013440583C12575C90051910C"),
    ]


def test_markup_in_text_is_escaped_and_code_is_not_text():
    rich, _ = body(
        "<par def='1'>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 公文"
        "<actionhotspot><code event='click'><formula>@Command([FileSave])</formula></code>保存</actionhotspot></par>"
    )
    assert rich.text == "<script>alert(1)</script> & 公文保存"
    assert rich.html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 公文保存</p>"


def test_numbered_and_bullet_lists_follow_the_pardef():
    rich, _ = body(
        "<pardef id='2' list='number'/><pardef id='3' list='bullet'/>"
        "<par def='2'>一</par><par>二</par><par def='1'>正文</par><par def='3'>甲</par>"
    )
    assert rich.text == "1. 一\n2. 二\n正文\n• 甲"
    assert rich.html == "<ol><li>一</li><li>二</li></ol><p>正文</p><ul><li>甲</li></ul>"
