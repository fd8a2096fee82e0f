"""PDF pages as pictures (previews, thumbnails, the tests' eyes), and the PDF's text, via PDFium."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_page_image(pdf: bytes, page: int, dpi: int = 100) -> Image.Image:
    """Page `page` (1 = the first) as an RGB image at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= page <= len(document):
            raise ValueError(f"page {page} out of range: the PDF has {len(document)} pages")
        bitmap = document[page - 1].render(scale=dpi / 72)
        return bitmap.to_pil().convert("RGB")
    finally:
        document.close()


def render_page_png(pdf: bytes, page: int, dpi: int = 100) -> bytes:
    """Page `page` (1 = the first) as PNG bytes at `dpi`."""
    out = io.BytesIO()
    render_page_image(pdf, page, dpi).save(out, format="PNG")
    return out.getvalue()


def extract_text(pdf: bytes) -> list[str]:
    """The text of each page, in reading order as PDFium finds it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
