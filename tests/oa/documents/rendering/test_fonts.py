"""Resolving the layout's font families to files."""

from __future__ import annotations

import pytest

from oa.documents.rendering import FontConfig, FontNotFoundError
from oa.documents.rendering.fonts import size_pt


def test_an_uninstalled_official_family_falls_back_to_the_layouts_list():
    face = FontConfig(stand_ins={}).resolve("仿宋_GB2312", ["Noto Serif CJK SC"])
    assert "NotoSerifCJK" in face.path
    assert not face.bold
    assert 0.8 < face.ascent < 0.95


def test_bold_asks_for_the_bold_face():
    face = FontConfig().resolve("黑体", ["Noto Sans CJK SC"], bold=True)
    assert face.bold and "Bold" in face.path


def test_a_configured_file_wins_and_can_pick_a_face_of_a_collection():
    regular = FontConfig().resolve("Noto Serif CJK SC")
    config = FontConfig(files={"仿宋_GB2312": f"{regular.path}#{regular.index}"})
    face = config.resolve("仿宋_GB2312", ["Noto Sans CJK SC"])
    assert (face.path, face.index) == (regular.path, regular.index)


def test_a_configured_file_that_is_not_a_font_is_refused(tmp_path):
    fake = tmp_path / "fangsong.ttf"
    fake.write_bytes(b"not a font")
    with pytest.raises(FontNotFoundError, match="仿宋_GB2312"):
        FontConfig(files={"仿宋_GB2312": str(fake)}).resolve("仿宋_GB2312")


def test_settings_configure_the_fonts(settings):
    regular = FontConfig().resolve("Noto Serif CJK SC")
    settings.OA_DOCUMENT_FONTS = {"方正小标宋简体": regular.path}
    settings.OA_DOCUMENT_FONT_STAND_INS = {"楷体_GB2312": ["Noto Sans CJK SC"]}
    config = FontConfig.from_settings()
    assert config.resolve("方正小标宋简体").path == regular.path
    assert "NotoSansCJK" in config.resolve("楷体_GB2312").path


def test_sizes_are_the_chinese_type_scale():
    assert (size_pt("小初"), size_pt("二号"), size_pt("三号"), size_pt("四号"), size_pt(15)) == (
        36,
        22,
        16,
        14,
        15,
    )
    with pytest.raises(ValueError, match="大号"):
        size_pt("大号")


# --- parsed fonts kept per process ------------------------------------------------------------


def test_a_second_render_reuses_the_parsed_fonts_and_prints_the_same(notice, builtin_layout, monkeypatch):
    from fpdf.fonts import TTFFont

    from oa.documents.rendering import extract_text, render_page_png, render_pdf

    first = render_pdf(notice, builtin_layout)
    parsed: list[str] = []
    original = TTFFont.__init__

    def counting(self, fpdf, path, *args, **kwargs):
        parsed.append(str(path))
        original(self, fpdf, path, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counting)
    second = render_pdf(notice, builtin_layout)
    assert parsed == []
    # A document's glyph subset is its own: the second is the same file, not one that grew.
    assert second == first
    assert extract_text(second) == extract_text(first)
    assert render_page_png(second, 1) == render_page_png(first, 1)


def test_fonts_used_by_one_document_do_not_leak_into_the_next(notice, builtin_layout):
    import dataclasses

    from oa.documents.rendering import extract_text, render_pdf

    short = dataclasses.replace(notice, body_html="<p>鬱鬱蔥蔥。</p>", attachments=[])
    rare = render_pdf(short, builtin_layout)
    plain = render_pdf(notice, builtin_layout)
    assert "鬱鬱蔥蔥" in extract_text(rare)[0]
    assert "鬱" not in "".join(extract_text(plain))
    # Rendering the rare characters first did not put their glyphs into the later document.
    assert render_pdf(notice, builtin_layout) == plain


def test_a_replaced_font_file_is_read_again(tmp_path, notice, builtin_layout):
    import os
    import shutil

    from oa.documents.rendering import extract_text, render_pdf
    from oa.documents.rendering import pdf as rendering

    regular = FontConfig().resolve("Noto Serif CJK SC")
    copy = tmp_path / "body.ttc"
    shutil.copyfile(regular.path, copy)
    fonts = FontConfig(files={"仿宋_GB2312": f"{copy}#{regular.index}"})
    render_pdf(notice, builtin_layout, fonts=fonts)
    kept = [key for key in rendering._PARSED if key[0] == str(copy)]
    assert len(kept) == 1
    os.utime(copy, ns=(0, 1_000_000_000))
    assert "安全生产" in "".join(extract_text(render_pdf(notice, builtin_layout, fonts=fonts)))
    assert len([key for key in rendering._PARSED if key[0] == str(copy)]) == 2
