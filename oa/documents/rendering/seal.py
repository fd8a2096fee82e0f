"""A stand-in 印章 for demo units: a red round seal with a star and the agency's name on the arc.

A real unit uploads the image of its seal; this one only lets a demo look like the real thing.
The proportions are those of a 4.2 cm 公章: a rim of about 1.2 mm, a star of about 1.4 cm in the
middle, the name along the upper arc in a heavy face, reading clockwise.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from oa.documents.rendering.fonts import FontConfig

SEAL_RED = (222, 24, 32)
_SIZE = 840  # px for 42 mm: 508 dpi, sharp when printed
_SUPERSAMPLE = 2


def draw_default_seal(agency_name: str, *, fonts: FontConfig | None = None) -> bytes:
    """A PNG (transparent background) of a red round seal bearing `agency_name`."""
    fonts = fonts or FontConfig.from_settings()
    face = fonts.resolve("黑体", ("Noto Sans CJK SC",), bold=True)
    size = _SIZE * _SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    unit = size / 42.0  # px per mm
    rim = 1.3 * unit
    draw.ellipse((0, 0, size - 1, size - 1), outline=SEAL_RED, width=round(rim))  # drawn inwards
    _star(draw, centre, centre, 7.0 * unit)

    name = agency_name.strip()
    if name:
        height = 6.0 * unit  # the glyphs' height; long names get narrower glyphs, as real seals do
        font = ImageFont.truetype(face.path, round(height), index=face.index)
        radius = size / 2 - rim - 1.0 * unit - height / 2  # the glyphs' centre line
        # 160° to 250° of the upper arc, centred on the top: short names are spread out, long
        # ones get narrower glyphs.
        span = min(math.radians(250), max(math.radians(160), len(name) * 1.05 * height / radius))
        step = span / max(len(name) - 1, 1)
        width = min(height, 0.92 * step * radius)
        start = -math.pi / 2 - step * (len(name) - 1) / 2
        for index, ch in enumerate(name):
            angle = start + index * step
            x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
            _glyph(image, font, ch, x, y, angle, width / height)

    image = image.resize((_SIZE, _SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _glyph(
    image: Image.Image, font: ImageFont.FreeTypeFont, ch: str, x: float, y: float, angle: float, narrow: float
) -> None:
    """One character centred on (x, y), narrowed to `narrow` of its width, its top towards the rim."""
    box = font.getbbox(ch)
    side = int(max(box[2] - box[0], box[3] - box[1]) * 1.6) + 4
    tile = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((side / 2, side / 2), ch, font=font, fill=SEAL_RED, anchor="mm")
    if narrow < 0.99:
        narrowed = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        squeezed = tile.resize((max(1, round(side * narrow)), side), Image.Resampling.LANCZOS)
        narrowed.alpha_composite(squeezed, (round((side - squeezed.width) / 2), 0))
        tile = narrowed
    # PIL turns counter-clockwise; the glyph at `angle` (screen, y down) turns clockwise by angle + 90°.
    tile = tile.rotate(-math.degrees(angle + math.pi / 2), resample=Image.Resampling.BICUBIC)
    image.alpha_composite(tile, (round(x - side / 2), round(y - side / 2)))
