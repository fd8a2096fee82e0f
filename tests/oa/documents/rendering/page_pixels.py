"""Reading a rasterised page like a ruler: masks of red and dark pixels, row and column profiles."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

MM_PER_INCH = 25.4


@dataclass
class PagePixels:
    image: Image.Image  # RGB
    dpi: int

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / MM_PER_INCH)

    def mm(self, px: float) -> float:
        return px * MM_PER_INCH / self.dpi

    def red(self) -> Image.Image:
        """255 where the pixel is clearly red (the mark, the rule, the seal), 0 elsewhere."""
        r, g, b = self.image.split()
        high_r = r.point(lambda v: 255 if v > 170 else 0)
        low_g = g.point(lambda v: 255 if v < 110 else 0)
        low_b = b.point(lambda v: 255 if v < 110 else 0)
        return ImageChops.multiply(ImageChops.multiply(high_r, low_g), low_b)

    def dark(self) -> Image.Image:
        """255 where the pixel is dark and not red-tinted: black text and rules."""
        gray = self.image.convert("L").point(lambda v: 255 if v < 110 else 0)
        r, g, _ = self.image.split()
        not_red = ImageChops.subtract(r, g).point(lambda v: 255 if v < 60 else 0)
        return ImageChops.multiply(gray, not_red)

    def rows(self, mask: Image.Image, left_mm: float = 0, right_mm: float = 210) -> list[int]:
        """How many mask pixels each row has, between two x positions."""
        box = (self.px(left_mm), 0, self.px(right_mm), mask.height)
        region = mask.crop(box)
        width = region.width
        profile = region.resize((1, region.height), Image.Resampling.BOX)
        return [round(v * width / 255) for v in profile.get_flattened_data()]

    def columns(self, mask: Image.Image, top_mm: float, bottom_mm: float) -> list[int]:
        region = mask.crop((0, self.px(top_mm), mask.width, self.px(bottom_mm)))
        height = region.height
        profile = region.resize((region.width, 1), Image.Resampling.BOX)
        return [round(v * height / 255) for v in profile.get_flattened_data()]

    def bands(self, counts: list[int], *, threshold: int = 1, top_mm: float = 0, bottom_mm: float = 297):
        """(top, bottom) mm of each run of consecutive rows with at least `threshold` pixels."""
        found, start = [], None
        first, last = self.px(top_mm), min(self.px(bottom_mm), len(counts))
        for y in range(first, last):
            hit = counts[y] >= threshold
            if hit and start is None:
                start = y
            elif not hit and start is not None:
                found.append((self.mm(start), self.mm(y)))
                start = None
        if start is not None:
            found.append((self.mm(start), self.mm(last)))
        return found


def span(counts: list[int]) -> tuple[int, int] | None:
    """First and last index with a non-zero count."""
    hits = [i for i, v in enumerate(counts) if v]
    return (hits[0], hits[-1]) if hits else None
