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
