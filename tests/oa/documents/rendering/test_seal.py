"""The demo seal: a red ring, a star in the middle, the name on the arc, a transparent ground."""

from __future__ import annotations

import io

from PIL import Image

from oa.documents.rendering import draw_default_seal


def is_red(pixel) -> bool:
    r, g, b, a = pixel
    return a > 200 and r > 180 and g < 80 and b < 80


def test_it_draws_a_red_round_seal_with_a_star_and_the_name():
    image = Image.open(io.BytesIO(draw_default_seal("厦门市思明区人民政府办公室"))).convert("RGBA")
    width, height = image.size
    assert width == height >= 400
    assert image.getpixel((0, 0))[3] == 0  # transparent corners
    assert image.getpixel((width - 1, height - 1))[3] == 0
    centre = width // 2
    assert is_red(image.getpixel((centre, centre)))  # the star
    assert is_red(image.getpixel((centre, 4)))  # the ring, top
    assert is_red(image.getpixel((width - 5, centre)))  # the ring, right

    # The name runs along the upper arc, inside the ring: red there, none at the bottom.
    def inside_ring(x, y):
        return (x - centre) ** 2 + (y - centre) ** 2 < (0.44 * width) ** 2

    def red_across(y):
        return sum(is_red(image.getpixel((x, y))) for x in range(width) if inside_ring(x, y))

    assert red_across(height // 8) > 40
    assert red_across(height - height // 8) == 0


def test_a_different_name_draws_a_different_seal():
    assert draw_default_seal("思明区教育局") != draw_default_seal("湖里区教育局")
