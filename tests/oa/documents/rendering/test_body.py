"""The body HTML as paragraphs: heading levels (GB/T 9704-2012 §7.3.3), bold, breaks, lists, tables."""

from __future__ import annotations

from oa.documents.rendering.body import parse_body


def levels(html: str) -> list[tuple[int, str]]:
    return [(p.level, p.text) for p in parse_body(html)]


def test_it_finds_the_four_heading_levels_by_their_numbering():
    html = "<p>一、总体要求</p><p>（二）工作目标</p><p>3.组织保障</p><p>（4）经费保障</p><p>正文段落。</p>"
    assert levels(html) == [
        (1, "一、总体要求"),
        (2, "（二）工作目标"),
        (3, "3.组织保障"),
        (4, "（4）经费保障"),
        (0, "正文段落。"),
    ]


def test_a_heading_followed_by_its_text_keeps_the_heading_font_to_the_first_full_stop():
    (paragraph,) = parse_body("<p>（一）加强组织领导。各单位要成立工作专班。</p>")
    assert paragraph.level == 2
    assert [(run.text, run.level) for run in paragraph.runs] == [
        ("（一）加强组织领导。", 2),
        ("各单位要成立工作专班。", 0),
    ]


def test_a_numbered_sentence_is_body_text_not_a_heading():
    assert levels("<p>1.各街道要组织力量对辖区内企业开展全覆盖检查。</p>")[0][0] == 0
    assert levels("<p>1.5亿元资金已经下达。</p>")[0][0] == 0
    long = "一、" + "这是一个很长的段落" * 6 + "。后面还有。"
    assert levels(f"<p>{long}</p>")[0][0] == 0


def test_explicit_heading_tags_set_the_level():
    assert levels("<h2>工作安排</h2>") == [(2, "工作安排")]


def test_bold_runs_line_breaks_and_spacing():
    (first, second) = parse_body("<p>　　以及<strong>重大事故隐患</strong>整改\n  落实<br>第二行</p>")
    assert [(r.text, r.bold) for r in first.runs] == [
        ("以及", False),
        ("重大事故隐患", True),
        ("整改落实", False),
    ]
    assert first.indent and not second.indent  # after <br> the line continues flush left
    assert second.text == "第二行"


def test_lists_tables_and_plain_text():
    assert levels("<ol><li>甲</li><li>乙</li></ol><ul><li>丙</li></ul>") == [
        (0, "1.甲"),
        (0, "2.乙"),
        (0, "丙"),
    ]
    table = "<table><tr><th>单位</th><th>人数</th></tr><tr><td>思明区</td><td>12</td></tr></table>"
    assert [p.text for p in parse_body(table)] == ["单位\u3000\u3000人数", "思明区\u3000\u300012"]
    assert [p.text for p in parse_body("第一段。\n\n第二段 & 附言。")] == ["第一段。", "第二段 & 附言。"]
    assert parse_body("<script>alert(1)</script><p>正文</p>")[0].text == "正文"
