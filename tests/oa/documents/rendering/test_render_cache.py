"""What a render keeps for the next one (issue 17): font subsets per (face, glyph set) and the
parsed seal. A render from the caches draws exactly the pixels and text of one without them."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import ImageChops

from oa.documents.rendering import extract_text, page_count, render_page_image, render_pdf
from oa.documents.rendering import pdf as rendering

DPI = 100


@pytest.fixture
def empty_caches():
    rendering._SUBSETS.clear()
    rendering._SEALS.clear()
    yield
    rendering._SUBSETS.clear()
    rendering._SEALS.clear()


def _same_pixels(a: bytes, b: bytes) -> None:
    assert page_count(a) == page_count(b)
    for number in range(1, page_count(a) + 1):
        diff = ImageChops.difference(render_page_image(a, number, DPI), render_page_image(b, number, DPI))
        assert diff.getbbox() is None, f"page {number} differs at {diff.getbbox()}"


def test_a_render_from_the_caches_draws_what_fpdf_alone_draws(
    notice, builtin_layout, empty_caches, monkeypatch
):
    made = render_pdf(notice, builtin_layout)  # subsets made and kept
    faces = len(rendering._SUBSETS)
    assert faces >= 3 and len(rendering._SEALS) == 1
    reused = render_pdf(notice, builtin_layout)  # every subset and the seal from the caches
    assert len(rendering._SUBSETS) == faces and len(rendering._SEALS) == 1
    with monkeypatch.context() as m:  # the previous design: FPDF subsets the whole faces itself
        m.setattr(rendering, "_use_cached_subsets", lambda _pdf: None)
        m.setattr(rendering, "_preload_seal", lambda _pdf, _png: None)
        plain = render_pdf(notice, builtin_layout)
    _same_pixels(plain, made)
    _same_pixels(plain, reused)
    assert extract_text(reused) == extract_text(plain)


def test_another_glyph_set_gets_its_own_subset(notice, builtin_layout, empty_caches):
    render_pdf(notice, builtin_layout)
    before = set(rendering._SUBSETS)
    # 生僻字 in a name: glyphs the first notice did not use must be in this document's fonts.
    other = dataclasses.replace(notice, title="关于表彰䶮龑同志和堃喆同志的通报", addressees="各科室")
    pdf = render_pdf(other, builtin_layout)
    assert set(rendering._SUBSETS) - before, "a new glyph set must make new subsets"
    text = "".join(extract_text(pdf)).replace("\n", "")
    assert "关于表彰䶮龑同志和堃喆同志的通报" in text
    assert "各科室" in text


def test_the_subset_cache_is_bounded(notice, builtin_layout, empty_caches, monkeypatch):
    monkeypatch.setattr(rendering, "_SUBSETS_MAX", 3)
    for n in range(3):
        render_pdf(dataclasses.replace(notice, title=f"第{'一二三'[n]}号通知"), builtin_layout)
        assert len(rendering._SUBSETS) <= 3
    assert len(rendering._SUBSETS) == 3
    kept = set(rendering._SUBSETS)
    last = dataclasses.replace(notice, title="第三号通知")
    render_pdf(last, builtin_layout)  # the most recent glyph sets stay
    assert set(rendering._SUBSETS) == kept
