"""Line breaking on the character grid: full lines, justification, 避头尾."""

from __future__ import annotations

from oa.documents.rendering.typeset import NO_LINE_END, NO_LINE_START, Glyph, balanced_breaks, break_lines

CELL = 5.0  # mm: a full-width character and its spacing


def glyphs(text: str) -> list[Glyph]:
    return [Glyph(ch, "s", CELL if not ch.isascii() else CELL / 2) for ch in text]


def texts(lines) -> list[str]:
    return ["".join(g.ch for g in line.glyphs) for line in lines]


def test_full_width_characters_fill_the_grid_exactly():
    lines = break_lines(glyphs("字" * 25), 10 * CELL, first_indent=2 * CELL)
    assert texts(lines) == ["字" * 8, "字" * 10, "字" * 7]
    assert [line.indent for line in lines] == [2 * CELL, 0, 0]
    assert all(line.extra == 0 for line in lines)


def test_no_line_starts_with_a_closing_mark():
    lines = break_lines(glyphs("字" * 10 + "，后文"), 10 * CELL)
    assert texts(lines) == ["字" * 9, "字，后文"]
    # The shortened line is justified to the full width; the last line is not.
    assert abs(lines[0].natural_width + lines[0].extra * 9 - 10 * CELL) < 1e-9
    assert lines[1].extra == 0
    for text in ("字" * 9 + "“引号”", "字" * 10 + "……等", "字" * 9 + "（括号）"):
        for line in texts(break_lines(glyphs(text), 10 * CELL)):
            assert len(line) == 1 or (line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END), line


def test_numbers_and_latin_words_are_not_split():
    lines = break_lines(glyphs("字" * 8 + "2891234"), 10 * CELL, max_extra=CELL / 5)
    assert texts(lines) == ["字" * 8, "2891234"]
    assert lines[0].extra == 0  # too much space to spread: left ragged rather than gappy
    assert break_lines(glyphs("字" * 8 + "2891234"), 10 * CELL)[0].extra == CELL / 4
    lines = break_lines(glyphs("字" * 9 + "2026年"), 10 * CELL, max_extra=CELL)
    assert texts(lines) == ["字" * 9, "2026年"]
    assert lines[0].extra > 0


def test_a_latin_run_longer_than_the_line_is_broken_anyway():
    lines = break_lines(glyphs("x" * 50), 10 * CELL)
    assert texts(lines) == ["x" * 20, "x" * 20, "x" * 10]
    # It starts right after the words before it, not on a line of its own.
    lines = break_lines(glyphs("详见" + "x" * 50 + "网页。"), 10 * CELL, first_indent=2 * CELL)
    assert texts(lines) == ["详见" + "x" * 12, "x" * 20, "x" * 18 + "网", "页。"]


def test_segments_group_glyphs_of_one_style_and_spacing():
    run = [Glyph("一", "heading", CELL), Glyph("、", "heading", CELL), Glyph("总", "text", CELL)]
    (line,) = break_lines(run, 10 * CELL, first_indent=2 * CELL)
    assert line.segments() == [("heading", "一、", 2 * CELL, 0.0), ("text", "总", 4 * CELL, 0.0)]


def test_titles_break_evenly_where_the_words_allow():
    em = 7.76  # 二号

    def title(text: str) -> list[str]:
        glyphs = [Glyph(ch, "t", em if not ch.isascii() else em * 0.55) for ch in text]
        return texts(balanced_breaks(glyphs, 156, em))

    assert title("关于做好2026年春节期间有关工作的通知") == ["关于做好2026年春节期间有关工作的通知"]
    assert title("关于召开2027年度工作会议的通知（征求意见稿）") == [
        "关于召开2027年度工作会议的通知",
        "（征求意见稿）",
    ]
    assert title("厦门市思明区人民政府办公室关于开展2026年度全区安全生产大检查工作的通知") == [
        "厦门市思明区人民政府办公室关于开展",
        "2026年度全区安全生产大检查工作的通知",
    ]
    long = title("国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知")
    assert len(long) == 3
    assert all(sum(em if not ch.isascii() else em * 0.55 for ch in line) <= 156 for line in long)
    assert not any(line[0] in NO_LINE_START for line in long)
