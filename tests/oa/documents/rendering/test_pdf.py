"""The rendered PDF, measured from its pixels and its text against GB/T 9704-2012."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import re
import statistics

import pytest

from oa.documents.rendering import (
    DocumentContent,
    FontConfig,
    FontNotFoundError,
    RenderingError,
    extract_text,
    page_count,
    render_page_image,
    render_pdf,
)
from tests.oa.documents.rendering.page_pixels import PagePixels, span

DPI = 100
PT_MM = 25.4 / 72
# 字号 from the Chinese type scale, written out here so the test does not trust the renderer's table.
XIAOCHU_MM = 36 * PT_MM  # 小初
SANHAO_MM = 16 * PT_MM  # 三号


@dataclasses.dataclass
class Geometry:
    """Where GB/T 9704-2012 puts things, computed from the layout alone."""

    left: float
    top: float
    width: float
    height: float
    pitch: float
    char: float
    mark_top: float
    rule_y: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def centre_x(self) -> float:
        return self.left + self.width / 2


def geometry(layout: dict) -> Geometry:
    paper, header = layout["paper"], layout["header"]
    margins = paper["margins_mm"]
    width = 210 - margins["left"] - margins["right"]
    height = 297 - margins["top"] - margins["bottom"]
    pitch = height / paper["lines_per_page"]
    mark_top = margins["top"] + header["agency_mark"]["top_mm"]
    # 发文字号 two empty lines under the mark, centred in its own line; the rule 4 mm under it.
    number_line_top = mark_top + XIAOCHU_MM + header["doc_number"]["gap_lines"] * pitch
    number_bottom = number_line_top + (pitch + SANHAO_MM) / 2
    return Geometry(
        left=margins["left"],
        top=margins["top"],
        width=width,
        height=height,
        pitch=pitch,
        char=width / paper["chars_per_line"],
        mark_top=mark_top,
        rule_y=number_bottom + header["separator"]["gap_mm"],
    )


def page(pdf: bytes, number: int) -> PagePixels:
    return PagePixels(render_page_image(pdf, number, DPI), DPI)


def full_width_rules(pixels: PagePixels, mask, g: Geometry) -> list[tuple[float, float]]:
    """Bands of rows that are at least 95% of the 版心's width of `mask` pixels."""
    counts = pixels.rows(mask, g.left - 2, g.right + 2)
    return pixels.bands(counts, threshold=int(pixels.px(g.width) * 0.95))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---- 版头 -------------------------------------------------------------------------------------


def test_the_red_rule_is_as_wide_as_the_type_area_4mm_under_the_number(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    pixels = page(notice_pdf, 1)
    red = pixels.red()
    rules = full_width_rules(pixels, red, g)
    assert len(rules) == 1, rules
    top, bottom = rules[0]
    assert abs((top + bottom) / 2 - g.rule_y) < 1.5
    row = pixels.columns(red, top, bottom)
    first, last = span(row)
    assert abs(pixels.mm(first) - g.left) < 1.0
    assert abs(pixels.mm(last + 1) - g.right) < 1.0


def test_the_agency_mark_is_red_above_the_rule_and_nothing_under_it_is(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    pixels = page(notice_pdf, 1)
    red_rows = pixels.rows(pixels.red())
    mark = pixels.bands(red_rows, top_mm=g.top, bottom_mm=g.rule_y - 2)
    assert len(mark) == 1, mark
    mark_top, mark_bottom = mark[0]
    assert g.mark_top - 0.5 < mark_top < g.mark_top + 2.0  # 上边缘至版心上边缘 35 mm
    assert mark_bottom < g.mark_top + XIAOCHU_MM + 0.5
    assert sum(red_rows[pixels.px(mark_top) : pixels.px(mark_bottom)]) > 2000
    assert sum(red_rows[pixels.px(g.rule_y + 1.5) :]) == 0  # title and body are black
    assert sum(pixels.rows(page(notice_pdf, 2).red())) == 0


def test_the_number_is_centred_between_the_mark_and_the_rule(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    pixels = page(notice_pdf, 1)
    dark = pixels.dark()
    bands = pixels.bands(pixels.rows(dark), top_mm=g.mark_top + XIAOCHU_MM, bottom_mm=g.rule_y - 0.5)
    assert len(bands) == 1, bands
    top, bottom = bands[0]
    assert abs(g.rule_y - 4 - bottom) < 1.2
    first, last = span(pixels.columns(dark, top, bottom))
    assert abs(pixels.mm(first + last) / 2 - g.centre_x) < 1.5


def test_the_title_is_centred_two_lines_under_the_rule(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    pixels = page(notice_pdf, 1)
    dark = pixels.dark()
    bands = pixels.bands(pixels.rows(dark), threshold=2, top_mm=g.rule_y + 1, bottom_mm=g.bottom)
    title_top, title_bottom = bands[0]
    # 红色分隔线下空二行: two empty lines, then the title in the next grid line.
    assert 2 * g.pitch - 1 < title_top - g.rule_y < 3.5 * g.pitch
    for top, bottom in bands[:2]:  # the title has two lines, both centred
        first, last = span(pixels.columns(dark, top, bottom))
        assert abs(pixels.mm(first + last + 1) / 2 - g.centre_x) < 1.5
        assert pixels.mm(last - first) < g.width
    # 二号 is taller than the body's 三号.
    assert title_bottom - title_top > bands[3][1] - bands[3][0]


def _title_bottom(pixels: PagePixels, g: Geometry) -> float:
    """Where the (two-line) title ends: the second band of dark rows under the rule."""
    bands = pixels.bands(pixels.rows(pixels.dark()), threshold=2, top_mm=g.rule_y + 1, bottom_mm=g.bottom)
    return bands[1][1]


def test_body_text_rows_sit_on_the_22_line_grid(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    for number in (1, 2):
        pixels = page(notice_pdf, number)
        start = _title_bottom(pixels, g) + 1 if number == 1 else g.top
        bands = pixels.bands(pixels.rows(pixels.dark(), g.left, g.right), top_mm=start, bottom_mm=g.bottom)
        # (Commas hang below the characters: their tails are slivers of rows of their own.)
        centres = [(top + bottom) / 2 for top, bottom in bands if bottom - top > 2]
        assert len(centres) >= 8
        pitches = [b - a for a, b in itertools.pairwise(centres)]
        assert abs(statistics.median(pitches) - 225 / 22) < 0.25
        for centre in centres:
            line = (centre - g.top) / g.pitch - 0.5
            assert abs(line - round(line)) * g.pitch < 1.0, (number, centre)
            assert 0 <= round(line) < 22


def test_a_full_body_page_has_22_lines_of_28_characters(builtin_layout):
    g = geometry(builtin_layout)
    pdf = render_pdf(_notice_without_extras(_plain("各" * 28 * 60)), builtin_layout)
    pixels = page(pdf, 2)
    dark = pixels.dark()
    bands = pixels.bands(
        pixels.rows(dark, g.left, g.right), threshold=3, top_mm=g.top - 1, bottom_mm=g.bottom + 1
    )
    assert len(bands) == 22
    # 28 characters fill the line from the left edge of the 版心 to its right edge.
    top, bottom = bands[5]
    first, last = span(pixels.columns(dark, top, bottom))
    assert abs(pixels.mm(first) - g.left) < 1.0
    assert abs(pixels.mm(last + 1) - g.right) < 1.0
    assert flat(extract_text(pdf)[1]).count("各") == 22 * 28


def _plain(text: str) -> str:
    return f"<p>{text}</p>"


def _notice_without_extras(body_html: str) -> DocumentContent:
    return DocumentContent(
        title="关于测试的通知", agency_name="测试机关", doc_number="测〔2026〕1号", body_html=body_html
    )


# ---- 正文之后, 版记, 页码 ------------------------------------------------------------------------


def test_the_seal_sits_over_the_signature_and_date_on_the_last_page(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    last = page_count(notice_pdf)
    pixels = page(notice_pdf, last)
    red = pixels.red()
    top, bottom = span(pixels.rows(red))
    left, right = span(pixels.columns(red, 0, 297))
    assert abs(pixels.mm(right - left) - 42) < 2  # the 4.2 cm seal
    assert abs(pixels.mm(bottom - top) - 42) < 2
    assert pixels.mm(left + right) / 2 > g.centre_x  # on the right, over the date
    # The signature and the date are dark rows inside the seal's height, in its lower half.
    dark_rows = pixels.rows(pixels.dark(), pixels.mm(left), pixels.mm(right))
    inside = pixels.bands(dark_rows, threshold=3, top_mm=pixels.mm(top), bottom_mm=pixels.mm(bottom))
    assert len(inside) == 2
    seal_centre = pixels.mm(top + bottom) / 2
    assert (inside[0][0] + inside[1][1]) / 2 > seal_centre  # 居印章中心偏下


def test_the_imprint_is_at_the_foot_of_the_last_page_between_rules(notice_pdf, builtin_layout):
    g = geometry(builtin_layout)
    pixels = page(notice_pdf, page_count(notice_pdf))
    rules = full_width_rules(pixels, pixels.dark(), g)
    assert len(rules) == 3  # thick, thin (between 抄送 and 印发), thick
    assert abs(rules[-1][1] - g.bottom) < 0.6  # 末条分隔线与版心下边缘重合
    assert abs(rules[0][1] - rules[0][0]) >= abs(rules[1][1] - rules[1][0])
    text = flat(extract_text(notice_pdf)[-1])
    assert "抄送：区委办公室，区人大常委会办公室，区政协办公室。" in text
    assert "2026年11月25日印发" in text


def test_a_long_body_paginates_and_numbers_every_page(builtin_layout):
    g = geometry(builtin_layout)
    paragraphs = "".join(
        f"<p>{i}.第{i}项工作要求各单位按照职责分工抓好落实，确保各项措施落到实处，并及时报送进展情况。</p>"
        for i in range(1, 90)
    )
    pdf = render_pdf(_notice_without_extras(paragraphs), builtin_layout)
    pages = page_count(pdf)
    assert pages >= 4
    texts = extract_text(pdf)
    for number in range(1, pages + 1):
        assert f"— {number} —" in texts[number - 1]
        pixels = page(pdf, number)
        first, last = span(pixels.columns(pixels.dark(), g.bottom + 4, g.bottom + 14))
        # 单页码居右空一字，双页码居左空一字.
        if number % 2:
            assert abs(pixels.mm(last + 1) - (g.right - 14 * PT_MM)) < 1.5
        else:
            assert abs(pixels.mm(first) - (g.left + 14 * PT_MM)) < 1.5
    body = flat("".join(texts))
    assert all(f"第{i}项工作" in body for i in range(1, 90))  # nothing lost between pages


# ---- text, fonts, layout ----------------------------------------------------------------------


def test_the_text_has_the_title_number_and_date_as_the_standard_writes_them(notice_pdf):
    texts = extract_text(notice_pdf)
    first = flat(texts[0])
    assert "厦门市思明区人民政府办公室关于开展2026年度全区安全生产大检查工作的通知" in first
    assert "思政办〔2026〕3号" in first
    assert "厦门市思明区人民政府办公室文件" in first
    assert "附件：1.2026年度安全生产大检查工作方案" in flat("".join(texts))
    assert "2026年11月24日" in flat(texts[-1])
    assert "（此件公开发布）" in flat(texts[-1])
    assert "草稿" not in flat("".join(texts))


def test_dates_have_no_leading_zeros(notice, builtin_layout):
    january = dataclasses.replace(notice, issued_date=datetime.date(2027, 1, 5), printing_date=None)
    text = flat(extract_text(render_pdf(january, builtin_layout))[-1])
    assert "2027年1月5日" in text
    assert "2027年1月5日印发" in text


def test_fonts_are_embedded_as_subsets(notice_pdf):
    raw = notice_pdf.decode("latin-1")
    descriptors = raw.count("/Type /FontDescriptor")
    assert descriptors >= 3
    assert len(re.findall(r"/FontFile[23]? ", raw)) == descriptors
    base_fonts = re.findall(r"/BaseFont /(\S+)", raw)
    assert base_fonts and all(re.match(r"[A-Z]{6}\+", name) for name in base_fonts)
    assert "/Subtype /Type1" not in raw  # no font left to the viewer


def test_a_missing_font_file_is_an_error_naming_the_family(notice, builtin_layout):
    fonts = FontConfig(files={"仿宋_GB2312": "/nonexistent/fonts/FangSong_GB2312.ttf"})
    with pytest.raises(FontNotFoundError) as error:
        render_pdf(notice, builtin_layout, fonts=fonts)
    assert "仿宋_GB2312" in str(error.value)
    assert "/nonexistent/fonts/FangSong_GB2312.ttf" in str(error.value)
    assert error.value.family == "仿宋_GB2312"


def test_a_family_nothing_can_draw_is_an_error_naming_it(notice, layout):
    layout["body"]["text_font"] = {"family": "某某体", "fallback": [], "size": "三号"}
    with pytest.raises(FontNotFoundError, match="某某体"):
        render_pdf(notice, layout, fonts=FontConfig(stand_ins={}))


def test_an_incomplete_layout_is_refused_with_the_missing_part(notice, layout):
    del layout["body"]["title_font"]
    with pytest.raises(RenderingError, match="title_font"):
        render_pdf(notice, layout)


def test_the_layout_decides_the_mark_text_and_colour(notice, layout):
    g = geometry(layout)
    layout["header"]["agency_mark"]["text"] = "中共{机关名称}委员会文件"
    layout["header"]["agency_mark"]["color"] = "#0000CC"
    content = dataclasses.replace(notice, agency_name="厦门市思明区")
    pdf = render_pdf(content, layout)
    assert "中共厦门市思明区委员会文件" in flat(extract_text(pdf)[0])
    pixels = page(pdf, 1)
    mark_box = (0, pixels.px(g.mark_top), pixels.image.width, pixels.px(g.mark_top + XIAOCHU_MM))
    blue = [(r, gg, b) for r, gg, b in pixels.image.crop(mark_box).get_flattened_data() if b > 150 and r < 80]
    assert len(blue) > 1000
    assert sum(pixels.rows(pixels.red(), 0, 210)[mark_box[1] : mark_box[3]]) == 0
    assert full_width_rules(pixels, pixels.red(), g)  # the rule keeps its own colour


def test_the_layout_decides_the_body_font(notice, layout):
    layout["body"]["text_font"] = {"family": "黑体", "fallback": ["Noto Sans CJK SC"], "size": "三号"}
    layout["body"]["heading_fonts"][0] = {"family": "宋体", "fallback": ["Noto Serif CJK SC"], "size": "三号"}
    raw = render_pdf(notice, layout).decode("latin-1")
    fonts = set(re.findall(r"/BaseFont /[A-Z]{6}\+(\S+)", raw))
    assert "NotoSansCJKSC" in fonts


def test_a_draft_carries_a_watermark_on_every_page(notice, builtin_layout):
    draft = dataclasses.replace(notice, draft=True, doc_number="", seal_png=None)
    pdf = render_pdf(draft, builtin_layout)
    for text in extract_text(pdf):
        assert "草稿" in text and "DRAFT" in text


def test_an_upward_document_puts_the_number_left_and_the_signer_right(notice, builtin_layout):
    g = geometry(builtin_layout)
    report = dataclasses.replace(notice, signer="王建国", title="关于2026年度安全生产工作情况的报告")
    pdf = render_pdf(report, builtin_layout)
    text = flat(extract_text(pdf)[0])
    assert "签发人：王建国" in text
    pixels = page(pdf, 1)
    dark = pixels.dark()
    bands = pixels.bands(pixels.rows(dark), top_mm=g.mark_top + XIAOCHU_MM, bottom_mm=g.rule_y - 0.5)
    assert len(bands) == 1
    first, last = span(pixels.columns(dark, *bands[0]))
    assert abs(pixels.mm(first) - (g.left + g.char)) < 1.0  # 发文字号居左空一字
    assert abs(pixels.mm(last + 1) - (g.right - g.char)) < 1.0  # 签发人居右空一字


def test_the_header_elements_go_top_left_in_order(notice, builtin_layout):
    secret = dataclasses.replace(notice, copy_number="000123", classification="秘密★1年", urgency="特急")
    pdf = render_pdf(secret, builtin_layout)
    lines = [line.strip() for line in extract_text(pdf)[0].splitlines() if line.strip()]
    assert lines.index("000123") < lines.index("秘密★1年") < lines.index("特急")


def test_same_input_same_bytes(notice, builtin_layout, notice_pdf):
    assert render_pdf(notice, builtin_layout) == notice_pdf


def test_joint_agencies_stack_their_names_with_the_word_file_beside_them(notice, builtin_layout):
    g = geometry(builtin_layout)
    joint = dataclasses.replace(
        notice,
        joint_agencies=["厦门市思明区人民政府办公室", "厦门市公安局思明分局", "厦门市思明区市场监督管理局"],
    )
    pdf = render_pdf(joint, builtin_layout)
    lines = [line.strip() for line in extract_text(pdf)[0].splitlines()]
    assert lines[:4] == [
        "厦门市思明区人民政府办公室",
        "厦门市公安局思明分局",
        "厦门市思明区市场监督管理局",
        "文件",
    ]
    pixels = page(pdf, 1)
    red = pixels.red()
    (rule,) = full_width_rules(pixels, red, g)
    # Three lines of 小初 at 1.25 spacing push the number and the rule down by two of them.
    assert abs((rule[0] + rule[1]) / 2 - (g.rule_y + 2 * 1.25 * XIAOCHU_MM)) < 1.5
    names = pixels.bands(pixels.rows(red, g.left, g.centre_x), top_mm=g.mark_top - 1, bottom_mm=rule[0] - 1)
    assert len(names) == 3
