"""GB/T 9704-2012 rendering of one 公文: a pure function of the content, the layout and the fonts.

    from oa.documents.rendering import DocumentContent, render_pdf
    pdf = render_pdf(DocumentContent(title=..., agency_name=..., body_html=...), layout_json)

No database access: the document module gathers the content and the unit's layout template.
"""

from oa.documents.rendering.content import DocumentContent
from oa.documents.rendering.fonts import FontConfig, FontNotFoundError
from oa.documents.rendering.pdf import RenderingError, format_date, render_pdf
from oa.documents.rendering.raster import extract_text, page_count, render_page_image, render_page_png
from oa.documents.rendering.seal import draw_default_seal

__all__ = [
    "DocumentContent",
    "FontConfig",
    "FontNotFoundError",
    "RenderingError",
    "draw_default_seal",
    "extract_text",
    "format_date",
    "page_count",
    "render_page_image",
    "render_page_png",
    "render_pdf",
]
