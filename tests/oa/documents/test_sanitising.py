"""The browser-edited body: what survives sanitising, what is reported, and its text."""

from __future__ import annotations

import pytest

from oa.documents.sanitising import body_has_active_content, html_to_text, sanitise_body_html

BODY = (
    '<h1 style="text-align: center">厦门市人民政府关于做好2026年春节期间值班工作的通知</h1>'
    "<p>各区人民政府，市直各单位：</p>"
    '<p style="text-align:justify">　　为做好春节期间值班工作，<strong>现将有关事项</strong>通知如下。</p>'
    "<ol><li>值班时间</li><li>值班要求</li></ol>"
    '<table><thead><tr><th colspan="2">值班安排</th></tr></thead>'
    "<tbody><tr><td>林建国</td><td>0592-1234567</td></tr></tbody></table>"
)


def test_a_clean_body_is_kept_as_it_is():
    cleaned = sanitise_body_html(BODY)

    assert '<h1 style="text-align: center">厦门市人民政府关于做好2026年春节期间值班工作的通知</h1>' in cleaned
    assert '<p style="text-align: justify">' in cleaned
    assert "<strong>现将有关事项</strong>" in cleaned
    assert '<th colspan="2">值班安排</th>' in cleaned
    assert "<li>值班要求</li>" in cleaned
    assert not body_has_active_content(BODY)


ATTACKS = [
    ("<p>通知</p><script>alert(document.cookie)</script>", "<p>通知</p>"),
    ('<p>通知<img src="x" onerror="alert(1)"></p>', "<p>通知</p>"),
    ('<p onclick="alert(1)">通知</p>', "<p>通知</p>"),
    ('<p><a href="javascript:alert(1)">点击查看</a></p>', "<p>点击查看</p>"),
    ('<p><a href="java\tscript:alert(1)">点击</a></p>', "<p>点击</p>"),
    ('<p><a href="&#106;avascript:alert(1)">点击</a></p>', "<p>点击</p>"),
    ('<iframe src="https://203.0.113.9/"></iframe><p>正文</p>', "<p>正文</p>"),
    ('<svg onload="alert(1)"><circle r="1"/></svg><p>正文</p>', "<p>正文</p>"),
    ("<svg><script>alert(1)</script></svg><p>正文</p>", "<p>正文</p>"),
    ('<object data="evil.swf"></object><embed src="evil.swf"><p>正文</p>', "<p>正文</p>"),
    ('<p><img src="data:image/svg+xml;base64,PHN2Zy8+">正文</p>', "<p>正文</p>"),
    ("<math><mtext><script>alert(1)</script></mtext></math><p>正文</p>", "<p>正文</p>"),
    ('<base href="https://203.0.113.9/"><p>正文</p>', "<p>正文</p>"),
    ('<meta http-equiv="refresh" content="0;url=https://203.0.113.9/"><p>正文</p>', "<p>正文</p>"),
]


@pytest.mark.parametrize(("html", "expected"), ATTACKS)
def test_active_content_is_removed_and_reported(html, expected):
    assert sanitise_body_html(html) == expected
    assert body_has_active_content(html)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p style="color: red; text-align: center">红字</p>', "<p>红字</p>"),
        ('<p style="text-align: center; background: url(javascript:alert(1))">字</p>', "<p>字</p>"),
        ('<p style="TEXT-ALIGN: RIGHT">落款</p>', '<p style="text-align: right">落款</p>'),
        ('<p class="MsoNormal" id="x1" lang="zh-CN">粘贴自 Word</p>', "<p>粘贴自 Word</p>"),
        ('<td colspan="x">单元格</td>', "单元格"),
        (
            '<table><tr><td rowspan="999">格</td></tr></table>',
            "<table><tbody><tr><td>格</td></tr></tbody></table>",
        ),
        ("<!-- 批注 --><p>正文</p>", "<p>正文</p>"),
        ("<div><font face='仿宋'>正文</font></div>", "正文"),
        ("<style>p { display: none }</style><p>正文</p>", "<p>正文</p>"),
    ],
)
def test_styles_classes_and_unknown_tags_are_reduced_to_the_allow_list(html, expected):
    assert sanitise_body_html(html) == expected


def test_harmless_markup_is_not_reported_as_active():
    assert not body_has_active_content('<p class="MsoNormal" style="color:red">正文</p><div>段落</div>')


def test_text_that_merely_talks_about_scripts_is_not_reported():
    html = "<p>请勿在系统中输入 onload= 或 javascript: 之类的内容。</p>"

    assert not body_has_active_content(html)
    assert sanitise_body_html(html) == html


def test_text_looking_like_markup_stays_text():
    html = "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>"

    assert sanitise_body_html(html) == html
    assert html_to_text(html) == "a <script>alert(1)</script> b"


def test_empty_input():
    assert sanitise_body_html("") == ""
    assert html_to_text("") == ""
    assert not body_has_active_content("")


def test_html_to_text_has_a_line_per_block_and_no_script():
    text = html_to_text(BODY + "<script>var secret = '不应出现';</script><p>此页无正文&nbsp;&amp;附件</p>")

    assert text.splitlines() == [
        "厦门市人民政府关于做好2026年春节期间值班工作的通知",
        "各区人民政府，市直各单位：",
        "为做好春节期间值班工作，现将有关事项通知如下。",
        "值班时间",
        "值班要求",
        "值班安排",
        "林建国 0592-1234567",
        "此页无正文 &附件",
    ]
    assert "不应出现" not in text


def test_line_breaks_inside_a_paragraph_are_kept():
    assert html_to_text("<p>第一行<br>第二行</p>") == "第一行\n第二行"
