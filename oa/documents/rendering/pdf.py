"""One 公文 as a PDF in the GB/T 9704-2012 layout.

Geometry, all in mm from the page's top-left corner (the standard's numbers come from the layout):
the 版心 is the page less the margins (156 × 225 mm for A4 with 37/35/28/26 mm), divided into
`lines_per_page` grid lines (22 → 10.23 mm) of `chars_per_line` columns (28 → 5.57 mm). Body
text, headings, the title and the 版记 sit on the grid lines; the 版头 (mark, number, red rule)
is placed by the distances the standard gives:

- 份号, 密级, 紧急程度: the first grid lines, flush left (§7.2.1–7.2.3);
- 发文机关标志: centred, its top `agency_mark.top_mm` (35) below the 版心's top edge (§7.2.4);
- 发文字号: centred, `doc_number.gap_lines` (2) empty lines below the mark; for 上行文, left
  with one character of indent, on the line of the last 签发人 (right, one character in) (§7.2.4–7.2.5);
- the red rule, as wide as the 版心, `separator.gap_mm` (4) under the 发文字号 (§7.2.6);
- 标题: two empty lines under the rule, centred (§7.3.1); 主送机关 one empty line under it (§7.3.2);
- 正文 from the next line, paragraphs indented two characters (§7.3.3); 附件说明 one empty line
  under the body, indented two characters (§7.3.4);
- with a seal: 成文日期 four characters from the right, 署名 centred over it, the seal centred on
  both and a little above them (§7.3.5.1); without: 署名 two characters from the right one empty
  line under the body, the date two characters right of it on the next line (§7.3.5.2);
- 附注 under the date, indented two, in parentheses (§7.3.6);
- 版记 at the foot of the last page: thick rules first and last (the last one on the 版心's bottom
  edge), a thin one between 抄送 and 印发 (§7.4);
- 页码 "— 1 —" 7 mm under the 版心, odd pages right and even pages left, one character in (§7.5).
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

import fpdf.output
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.image_parsing import get_img_info

from oa.documents.rendering.body import Paragraph, parse_body
from oa.documents.rendering.content import DocumentContent
from oa.documents.rendering.fonts import FontConfig, FontFace, size_pt
from oa.documents.rendering.typeset import Glyph, Line, balanced_breaks, break_lines

# fpdf2 subsets fonts with fontTools, which warns about every table it drops from a subset (the
# Arphic fonts' 'mort') and about padding quirks of some font files: noise in every render.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
logging.getLogger("fontTools.ttLib.tables._g_l_y_f").setLevel(logging.ERROR)

MM_PER_PT = 25.4 / 72
PAGE_MM = (210.0, 297.0)
RED_RULE_MM = 0.7  # the 版头's red rule; the standard gives its width, not its weight
PAGE_NUMBER_GAP_MM = 7.0  # §7.5: 一字线上距版心下边缘 7 mm
SEAL_ABOVE_CENTRE_MM = 3.0  # §7.3.5.1: 署名和成文日期居印章中心偏下

_SERIF = ["Noto Serif CJK SC"]
_SANS = ["Noto Sans CJK SC"]
# Fonts for what a layout may leave out (the validator requires only the mark, text and title).
DEFAULT_FONTS = {
    "copy_number": {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "三号"},
    "classification": {"family": "黑体", "fallback": _SANS, "size": "三号"},
    "urgency": {"family": "黑体", "fallback": _SANS, "size": "三号"},
    "doc_number": {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "三号"},
    "signer_label": {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "三号"},
    "signer_name": {"family": "楷体_GB2312", "fallback": _SERIF, "size": "三号"},
    "headings": [
        {"family": "黑体", "fallback": _SANS, "size": "三号"},
        {"family": "楷体_GB2312", "fallback": _SERIF, "size": "三号"},
        {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "三号"},
        {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "三号"},
    ],
    "footer": {"family": "仿宋_GB2312", "fallback": _SERIF, "size": "四号"},
    "page_number": {"family": "宋体", "fallback": _SERIF, "size": "四号"},
    "watermark": {"family": "黑体", "fallback": _SANS, "size": 72},
}


@dataclass(frozen=True)
class Style:
    """How a glyph is drawn: a registered font, its size and colour, and whether to embolden it."""

    font_key: str
    size: float  # pt
    color: tuple[int, int, int] = (0, 0, 0)
    fake_bold: bool = False
    ascent: float = 0.88

    @property
    def size_mm(self) -> float:
        return self.size * MM_PER_PT


@dataclass(frozen=True)
class Grid:
    left: float
    top: float
    width: float
    height: float
    lines: int
    chars: int

    @property
    def pitch(self) -> float:
        return self.height / self.lines

    @property
    def char(self) -> float:
        return self.width / self.chars

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def line_top(self, index: float) -> float:
        return self.top + index * self.pitch

    def baseline(self, index: float, style: Style) -> float:
        """The baseline that centres the style's em box in grid line `index`."""
        return self.line_top(index) + (self.pitch - style.size_mm) / 2 + style.ascent * style.size_mm


@dataclass
class _Page:
    lines: list[tuple[int, Line]] = field(default_factory=list)
    seal: tuple[float, float, float] | None = None  # centre x, centre y (mm), diameter
    footer_from: int | None = None  # first grid line of the 版记 on the last page


class RenderingError(ValueError):
    """The layout cannot be rendered as given (the message says what to fix)."""


def hex_color(value: str | None, default: tuple[int, int, int] = (0, 0, 0)) -> tuple[int, int, int]:
    if not value:
        return default
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def format_date(date: datetime.date) -> str:
    """Arabic numerals in full, months and days without a leading zero (§7.3.5.1)."""
    return f"{date.year}年{date.month}月{date.day}日"


def _fill(template: str, content: DocumentContent, date: datetime.date | None = None) -> str:
    values = {
        "机关名称": content.agency_name,
        "机关简称": content.agency_short_name or content.agency_name,
    }
    if date:
        values |= {"年": str(date.year), "月": str(date.month), "日": str(date.day)}
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _join(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else "，".join(v for v in value if v)


# Fonts parsed once per process: reading a CJK font's cmap and widths (FPDF.add_font) costs
# 0.2–0.5 s a face, on every render. The parsed face is kept and each document gets a copy
# sharing its read-only tables (widths, cmap, glyph ids, descriptor) with the document's own
# state: its number in the PDF, its glyph subset, and a fresh fontTools font, which the
# subsetter changes in place when the PDF is written. Keyed by the file's path, face, size and
# modification time, so a replaced font file is read again.
_PARSED: dict[tuple[str, int, int, int], TTFFont] = {}
_PARSED_LOCK = threading.Lock()


def _add_parsed_font(pdf: FPDF, key: str, face: FontFace) -> None:
    stat = os.stat(face.path)
    cache_key = (face.path, face.index, stat.st_size, stat.st_mtime_ns)
    with _PARSED_LOCK:
        parsed = _PARSED.get(cache_key)
    if parsed is None:
        scratch = FPDF()
        scratch.add_font("parsed", "", face.path, collection_font_number=face.index)
        parsed = scratch.fonts["parsed"]
        parsed.ttfont.close()
        parsed.ttfont = parsed.subset = None
        with _PARSED_LOCK:
            _PARSED[cache_key] = parsed
    font = copy.copy(parsed)
    # TTFFont has __slots__: which face each of the document's fonts is, for _use_cached_subsets.
    pdf.__dict__.setdefault("oa_face_keys", {})[key.lower()] = cache_key
    font.i = len(pdf.fonts) + 1
    font.fontkey = key.lower()
    font.cw = copy.copy(parsed.cw)  # a defaultdict: reading a missing character adds it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    # The subset keeps the whole font's bounding box (valid: it holds every glyph kept) rather
    # than measuring each glyph's outline again (recalcBBoxes), a second of a CJK render.
    font.ttfont = ttLib.TTFont(
        face.path, recalcTimestamp=False, recalcBBoxes=False, fontNumber=face.index, lazy=True
    )
    font.subset = SubsetMap(font)
    pdf.fonts[key.lower()] = font
    if font.is_cff and font.is_cid_keyed:
        pdf._set_min_pdf_version("1.6")


# Font subsets per (face, glyph set), most recently used last. Subsetting a CJK face (65,535
# glyphs, CFF) is most of a render: fontTools reads the face's metrics, charstrings and
# subroutines every time (about 0.35 s a face on a quiet machine). The same document is rendered
# again and again (preview, each step, 用印, download, the exchange package) with the same glyphs,
# so the subset made once is kept and FPDF writes it as it is (`_Subsetted`). Bounded: a subset of a notice's ~700 glyphs is ~200 KB.
_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_MAX = int(os.environ.get("OA_RENDER_SUBSET_CACHE", "96"))
_SUBSETS_LOCK = threading.Lock()
# The tables FPDF drops from every subset (fpdf/output.py `_add_fonts`) and what it keeps.
_DROPPED_TABLES = [
    "FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT",
    "EBLC", "EBSC", "SVG ", "CPAL", "COLR",
]  # fmt: skip


def _subset_bytes(ttfont: ttLib.TTFont, glyph_names: frozenset[str]) -> bytes:
    """The subset FPDF would make of `ttfont` for `glyph_names`, as font file bytes."""
    # Tables FPDF drops anyway are removed first: the subsetter otherwise reads the whole GSUB
    # and GPOS of the face to check their formats before it drops them.
    for tag in _DROPPED_TABLES:
        if tag in ttfont:
            del ttfont[tag]
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += _DROPPED_TABLES
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyph_names))
    subsetter.subset(ttfont)
    out = io.BytesIO()
    ttfont.save(out)
    return out.getvalue()


class _Subsetted(ttLib.TTFont):
    """A face already subset for this document's glyphs (by `_subset_bytes`, with FPDF's own
    options), which FPDF's writer must not subset again. Nothing changes it, so every table it
    writes is the stored table as it is, not a recompiled one (FPDF reads the glyph order, which
    decompiles the CFF table, then writes it twice)."""

    def __getitem__(self, tag):
        table = super().__getitem__(tag)
        raw = self.reader[tag] if self.reader is not None and tag in self.reader else None
        if raw is not None:
            table.compile = lambda _font, raw=raw: raw
        return table


class _Subsetter(ftsubset.Subsetter):
    def subset(self, font):
        if isinstance(font, _Subsetted):
            return None
        return super().subset(font)


# FPDF's font writer (fpdf/output.py `_add_fonts`) subsets every face it embeds; a face that
# `_use_cached_subsets` gave a `_Subsetted` font is written as it is. Only FPDF's own reference
# to fontTools' subset module is replaced, with the same Options and this Subsetter.
fpdf.output.ftsubset = SimpleNamespace(Options=ftsubset.Options, Subsetter=_Subsetter)


def _use_cached_subsets(pdf: FPDF) -> None:
    """Give each of the document's faces its subset font (made now or taken from the cache)
    in place of the whole face, before FPDF writes the fonts."""
    face_keys = pdf.__dict__.get("oa_face_keys", {})
    for fontkey, font in pdf.fonts.items():
        face_key = face_keys.get(fontkey)
        if face_key is None:
            continue
        names = frozenset(font.subset.get_all_glyph_names())
        key = (face_key, names)
        with _SUBSETS_LOCK:
            data = _SUBSETS.get(key)
            if data is not None:
                _SUBSETS.move_to_end(key)
        if data is None:
            data = _subset_bytes(font.ttfont, names)
            with _SUBSETS_LOCK:
                _SUBSETS[key] = data
                while len(_SUBSETS) > _SUBSETS_MAX:
                    _SUBSETS.popitem(last=False)
        font.ttfont.close()
        font.ttfont = _Subsetted(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)


# The seal image as FPDF reads it (decoded, its alpha split off, compressed again: 0.1–0.2 s),
# per seal: a unit has a few seals and stamps every document with one of them.
_SEALS: OrderedDict[tuple[str, str], dict] = OrderedDict()


def _preload_seal(pdf: FPDF, png: bytes) -> None:
    """Put the seal's parsed image into the document's image cache, where `FPDF.image` finds it
    by the same name (the MD5 of the bytes) it gives the image itself."""
    name = hashlib.md5(png.strip(), usedforsecurity=False).hexdigest()
    images = pdf.image_cache.images
    if name in images:
        return
    key = (name, str(pdf.image_cache.image_filter))
    with _SUBSETS_LOCK:
        info = _SEALS.get(key)
    if info is None:
        info = get_img_info(name, io.BytesIO(png), pdf.image_cache.image_filter, None)
        with _SUBSETS_LOCK:
            _SEALS[key] = info
            while len(_SEALS) > 32:
                _SEALS.popitem(last=False)
    if info.get("iccp") is not None:
        return  # FPDF numbers ICC profiles per document: let it read such an image itself
    entry = copy.copy(info)
    entry["i"], entry["usages"], entry["iccp_i"] = len(images) + 1, 0, None
    images[name] = entry


class _Fonts:
    """The fonts one document uses, registered once each in the FPDF and measured with it."""

    def __init__(self, pdf: FPDF, config: FontConfig):
        self.pdf = pdf
        self.config = config
        self._keys: dict[tuple[str, int], str] = {}
        self._rescue: list[str] = []  # fonts tried for a glyph the chosen one lacks

    def style(self, spec: dict, *, color: str | None = None, size: float | None = None) -> Style:
        bold = bool(spec.get("bold"))
        face = self.config.resolve(spec["family"], spec.get("fallback", ()), bold=bold)
        return Style(
            font_key=self._register(face),
            size=size if size is not None else size_pt(spec["size"]),
            color=hex_color(color or spec.get("color")),
            fake_bold=bold and not face.bold,
            ascent=face.ascent,
        )

    def _register(self, face: FontFace) -> str:
        key = self._keys.get((face.path, face.index))
        if key is None:
            key = f"F{len(self._keys)}"
            _add_parsed_font(self.pdf, key, face)
            self._keys[(face.path, face.index)] = key
            self._rescue.append(key)
        return key

    def has(self, key: str, ch: str) -> bool:
        return ord(ch) in self.pdf.fonts[key.lower()].cmap

    def glyph(self, ch: str, style: Style, spacing: float = 0.0) -> Glyph:
        if not self.has(style.font_key, ch) and not ch.isspace():
            # A rare character the font lacks (生僻字): draw it with another font of the document.
            for key in self._rescue:
                if self.has(key, ch):
                    style = Style(key, style.size, style.color, style.fake_bold, style.ascent)
                    break
        font = self.pdf.fonts[style.font_key.lower()]
        width_pt = font.get_text_width(ch, style.size, None)[1]
        return Glyph(ch, style, width_pt * MM_PER_PT, spacing)

    def glyphs(self, text: str, style: Style, spacing: float = 0.0) -> list[Glyph]:
        return [self.glyph(ch, style, spacing) for ch in text]

    def width(self, text: str, style: Style) -> float:
        return sum(g.width for g in self.glyphs(text, style))


class _Renderer:
    def __init__(self, content: DocumentContent, layout: dict, fonts: FontConfig):
        self.content = content
        self.layout = layout
        paper = layout["paper"]
        margins = paper["margins_mm"]
        self.grid = Grid(
            left=margins["left"],
            top=margins["top"],
            width=PAGE_MM[0] - margins["left"] - margins["right"],
            height=PAGE_MM[1] - margins["top"] - margins["bottom"],
            lines=paper.get("lines_per_page", 22),
            chars=paper.get("chars_per_line", 28),
        )
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        self.pdf.set_lang("zh-CN")
        self.pdf.set_title(content.title)
        self.pdf.set_creator("govoa")
        self.pdf.set_producer("govoa (GB/T 9704-2012)")
        # A fixed date keeps the output a function of the inputs (same content, same bytes).
        created = content.issued_date or datetime.date(2000, 1, 1)
        self.pdf.set_creation_date(
            datetime.datetime(created.year, created.month, created.day, tzinfo=datetime.UTC)
        )
        self.fonts = _Fonts(self.pdf, fonts)
        self._styles()

    # ---- styles -----------------------------------------------------------------------------

    def _styles(self) -> None:
        header, body, footer = self.layout["header"], self.layout["body"], self.layout["footer"]
        style = self.fonts.style
        self.text = style(body["text_font"])
        # Body text goes on the grid: every character cell is exactly one column wide.
        self.spacing = self.grid.char - self.text.size_mm
        self.title = style(body["title_font"])
        headings = body.get("heading_fonts") or DEFAULT_FONTS["headings"]
        self.headings = [style(spec) for spec in headings]
        mark = header["agency_mark"]
        self.mark = style(mark["font"], color=mark.get("color", "#FF0000"))

        def field_font(section: str, key: str, default: str) -> Style:
            return style((header.get(section) or {}).get(key) or DEFAULT_FONTS[default])

        self.copy_number = field_font("copy_number", "font", "copy_number")
        self.classification = field_font("classification", "font", "classification")
        self.urgency = field_font("urgency", "font", "urgency")
        self.doc_number = field_font("doc_number", "font", "doc_number")
        self.signer_label = field_font("signer", "label_font", "signer_label")
        self.signer_name = field_font("signer", "name_font", "signer_name")
        self.copy_to = style(footer["copy_to"].get("font") or DEFAULT_FONTS["footer"])
        self.printing = style(footer["printing"].get("font") or DEFAULT_FONTS["footer"])
        page_number = self.layout.get("page_number") or {}
        self.page_number = style(page_number.get("font") or DEFAULT_FONTS["page_number"])
        self.watermark = style(DEFAULT_FONTS["watermark"], color="#8C8C8C") if self.content.draft else None

    # ---- the whole document -----------------------------------------------------------------

    def render(self) -> bytes:
        content = self.content
        pages = [_Page()]
        cursor = self._header_lines(pages[0])
        flow = _Flow(pages, cursor, self.grid.lines)
        for line in self._title_lines():
            flow.put(line)
        addressees = _join(content.addressees).strip()
        flow.skip(1)
        if addressees:
            if not addressees.endswith(("：", ":")):
                addressees += "："
            for line in self._lines(self.fonts.glyphs(addressees, self.text, self.spacing)):
                flow.put(line)
        for paragraph in parse_body(content.body_html):
            for line in self._paragraph_lines(paragraph):
                flow.put(line, body=True)
        # 附件说明 one empty line under the body; it travels with the signature block.
        attachments = self._attachment_lines() if content.attachments else []
        self._closing(flow, attachments)
        self._footer(flow)
        for number, page in enumerate(pages, start=1):
            self._draw_page(page, number)
        _use_cached_subsets(self.pdf)
        return bytes(self.pdf.output())

    # ---- 版头 ---------------------------------------------------------------------------------

    def _header_lines(self, page: _Page) -> int:
        """Draws nothing yet; places the 版头 on the first page and returns the title's grid line."""
        content, grid, header = self.content, self.grid, self.layout["header"]
        self._first_page_ops: list = []
        line = 0
        for key, value, style in (
            ("copy_number", content.copy_number, self.copy_number),
            ("classification", content.classification, self.classification),
            ("urgency", content.urgency, self.urgency),
        ):
            if value and (header.get(key) or {}).get("show", True):
                page.lines.append((line, Line(self.fonts.glyphs(value, style), 0.0)))
                line += 1
        mark_top = grid.top + header["agency_mark"].get("top_mm", 35)
        mark_bottom = self._place_mark(mark_top)

        number = header.get("doc_number") or {}
        gap = number.get("gap_lines", 2)
        signers = [content.signer] if isinstance(content.signer, str) else list(content.signer)
        signers = [s for s in signers if s]
        rows = [signers[i : i + 2] for i in range(0, len(signers), 2)]  # two names a line (§7.2.5)
        number_top = mark_bottom + gap * grid.pitch + max(len(rows) - 1, 0) * grid.pitch
        self._first_page_ops.append(("number", content.doc_number, number_top, rows))
        number_bottom = number_top + (grid.pitch + self.doc_number.size_mm) / 2
        separator = header["separator"]
        rule_y = number_bottom + separator.get("gap_mm", 4)
        self._first_page_ops.append(("rule", rule_y, separator))
        self.rule_y = rule_y
        # 标题: 红色分隔线下空二行 (§7.3.1).
        return math.ceil((rule_y - grid.top) / grid.pitch - 1e-6) + 2

    def _place_mark(self, top: float) -> float:
        """Places the 发文机关标志 and returns its bottom edge.

        One agency: its mark on one line, narrowed to the 版心 if too long (never wrapped). Joint
        agencies (联合行文, §7.2.4): their names stacked, the lead agency first, each spread to the
        longest; "文件" right of them, centred on the stack.
        """
        content, grid, style = self.content, self.grid, self.mark
        mark = self.layout["header"]["agency_mark"]
        text = content.agency_mark or _fill(mark["text"], content)
        joint = [_fill(n, content) for n in (content.joint_agencies or mark.get("joint_agencies") or [])]
        joint = [n.strip() for n in joint if n.strip()]
        if not joint:
            width = self.fonts.width(text, style)
            stretch = min(1.0, grid.width / width) if width else 1.0
            self._first_page_ops.append(("mark", text, (grid.width - width * stretch) / 2, top, stretch, 0.0))
            return top + style.size_mm
        suffix = "文件" if text.endswith("文件") else ""
        names_width = max(self.fonts.width(n, style) for n in joint)
        gap = style.size_mm / 2 if suffix else 0.0
        total = names_width + gap + self.fonts.width(suffix, style)
        stretch = min(1.0, grid.width / total)
        left = (grid.width - total * stretch) / 2
        pitch = style.size_mm * 1.25
        for index, name in enumerate(joint):
            # 分散对齐: every name as wide as the longest.
            slack = names_width - self.fonts.width(name, style)
            spacing = slack / (len(name) - 1) if len(name) > 1 else 0.0
            self._first_page_ops.append(("mark", name, left, top + index * pitch, stretch, spacing))
        stack_height = (len(joint) - 1) * pitch + style.size_mm
        if suffix:
            x = left + (names_width + gap) * stretch
            self._first_page_ops.append(
                ("mark", suffix, x, top + (stack_height - style.size_mm) / 2, stretch, 0.0)
            )
        return top + stack_height

    def _draw_header(self) -> None:
        grid, pdf = self.grid, self.pdf
        for op in self._first_page_ops:
            if op[0] == "mark":
                _, text, x, top, stretch, spacing = op
                baseline = top + self.mark.ascent * self.mark.size_mm
                self._text(grid.left + x, baseline, text, self.mark, stretch=stretch, spacing=spacing)
            elif op[0] == "number":
                _, text, top, rows = op
                style = self.doc_number
                baseline = top + (grid.pitch - style.size_mm) / 2 + style.ascent * style.size_mm
                if rows:
                    self._draw_signers(rows, baseline)
                    x = grid.left + grid.char  # 上行文: 居左空一字
                else:
                    x = grid.left + (grid.width - self.fonts.width(text, style)) / 2
                if text:
                    self._text(x, baseline, text, style)
            elif op[0] == "rule":
                _, y, separator = op
                width = min(separator.get("width_mm", grid.width), PAGE_MM[0])
                x = grid.left + (grid.width - width) / 2
                pdf.set_fill_color(*hex_color(separator.get("color"), (255, 0, 0)))
                pdf.rect(x, y - RED_RULE_MM / 2, width, RED_RULE_MM, style="F")

    def _draw_signers(self, rows: list[list[str]], last_baseline: float) -> None:
        label = (self.layout["header"].get("signer") or {}).get("label", "签发人：")
        label_width = self.fonts.width(label, self.signer_label)
        gap = "\u3000"
        widths = [self.fonts.width(gap.join(row), self.signer_name) for row in rows]
        names_x = self.grid.left + self.grid.width - self.grid.char - max(widths)
        for index, row in enumerate(rows):
            baseline = last_baseline - (len(rows) - 1 - index) * self.grid.pitch
            if index == 0:
                self._text(names_x - label_width, baseline, label, self.signer_label)
            self._text(names_x, baseline, gap.join(row), self.signer_name)

    # ---- 标题, 正文, 附件说明 -------------------------------------------------------------------

    def _title_lines(self) -> list[Line]:
        """Centred lines of the title; a line break in the title is kept (§7.3.1)."""
        lines = []
        for part in self.content.title.splitlines() or [""]:
            glyphs = self.fonts.glyphs(part.strip(), self.title)
            for line in balanced_breaks(glyphs, self.grid.width, self.title.size_mm):
                line.indent = (self.grid.width - line.natural_width) / 2
                lines.append(line)
        return lines

    def _lines(
        self, glyphs: list[Glyph], *, first_indent: float = 0.0, rest_indent: float = 0.0
    ) -> list[Line]:
        return break_lines(
            glyphs,
            self.grid.width,
            first_indent=first_indent,
            rest_indent=rest_indent,
            max_extra=self.grid.char / 2,
        )

    def _paragraph_lines(self, paragraph: Paragraph) -> list[Line]:
        glyphs = []
        for run in paragraph.runs:
            style = self.headings[min(run.level, len(self.headings)) - 1] if run.level else self.text
            if run.bold and not style.fake_bold:
                style = Style(style.font_key, style.size, style.color, True, style.ascent)
            glyphs += self.fonts.glyphs(run.text, style, self.grid.char - style.size_mm)
        indent = 2 * self.grid.char if paragraph.indent else 0.0
        return self._lines(glyphs, first_indent=indent)

    def _attachment_lines(self) -> list[Line]:
        """附件：1. xxx, each name under the first one; wrapped names align with their first character."""
        names = [n.strip() for n in self.content.attachments if n.strip()]
        label = "附件："
        label_glyphs = self.fonts.glyphs(label, self.text, self.spacing)
        label_width = sum(g.width + g.spacing for g in label_glyphs)
        lines: list[Line] = []
        start = 2 * self.grid.char
        for index, name in enumerate(names, start=1):
            prefix = f"{index}." if len(names) > 1 else ""
            prefix_glyphs = self.fonts.glyphs(prefix, self.text, self.spacing)
            prefix_width = sum(g.width + g.spacing for g in prefix_glyphs)
            glyphs = (
                (label_glyphs if index == 1 else [])
                + prefix_glyphs
                + self.fonts.glyphs(name, self.text, self.spacing)
            )
            lines += self._lines(
                glyphs,
                first_indent=start if index == 1 else start + label_width,
                rest_indent=start + label_width + prefix_width,
            )
        return lines

    # ---- 署名, 成文日期, 印章, 附注 ---------------------------------------------------------------

    def _closing(self, flow: _Flow, attachments: list[Line]) -> None:
        content, grid = self.content, self.grid
        signature = (content.signature_agency or content.agency_name).strip()
        date = format_date(content.issued_date) if content.issued_date else ""
        sig_width = self.fonts.width(signature, self.text) + self.spacing * len(signature)
        date_width = self.fonts.width(date, self.text) + self.spacing * len(date)
        note = content.note.strip()
        if note and not (note.startswith(("（", "(")) and note.endswith(("）", ")"))):
            note = f"（{note}）"
        note_lines = (
            self._lines(self.fonts.glyphs(note, self.text, self.spacing), first_indent=2 * grid.char)
            if note
            else []
        )
        if content.seal_png:
            # 成文日期右空四字; 署名 centred on the date; seal over both, its top within a line of the body.
            date_x = grid.width - 4 * grid.char - date_width
            sig_x = min(date_x + (date_width - sig_width) / 2, grid.width - sig_width)
            blank = 2
            seal_lines = math.ceil(
                (content.seal_diameter_mm / 2 - grid.pitch + SEAL_ABOVE_CENTRE_MM) / grid.pitch
            )
        else:
            # 署名右空二字, one line under the body; the date two characters further right (§7.3.5.2).
            sig_x = grid.width - 2 * grid.char - sig_width
            date_x = sig_x + 2 * grid.char
            if date_x + date_width > grid.width - 2 * grid.char:
                date_x = grid.width - 2 * grid.char - date_width
                sig_x = date_x - 2 * grid.char
            blank = 1
            seal_lines = 0
        lead = 1 + len(attachments) if attachments else 0
        needed = lead + blank + 2 + max(len(note_lines), seal_lines)
        flow.keep_with_previous(needed, carry=2)
        if attachments:
            flow.skip(1)
            for line in attachments:
                flow.put(line)
        flow.skip(blank)
        sig_line = Line(self.fonts.glyphs(signature, self.text, self.spacing), sig_x)
        date_line = Line(self.fonts.glyphs(date, self.text, self.spacing), date_x)
        sig_index = flow.put(sig_line)
        flow.put(date_line)
        if content.seal_png:
            diameter = content.seal_diameter_mm
            centre_y = grid.line_top(sig_index + 1) - SEAL_ABOVE_CENTRE_MM
            centre_x = grid.left + date_x + date_width / 2
            flow.pages[-1].seal = (centre_x, centre_y, diameter)
            flow.reserve_until = math.ceil((centre_y + diameter / 2 - grid.top) / grid.pitch - 1e-6)
        for line in note_lines:
            flow.put(line)

    # ---- 版记 ---------------------------------------------------------------------------------

    def _footer(self, flow: _Flow) -> None:
        content, grid, footer = self.content, self.grid, self.layout["footer"]
        one = self.copy_to.size_mm  # 左右各空一字 (of the 版记's own size)
        rows: list[list[Line]] = []
        copy_to = _join(content.copy_to).strip()
        if copy_to:
            copy_to = copy_to.rstrip("。.，,") + "。"
            label = footer["copy_to"]["label"]
            label_glyphs = self.fonts.glyphs(label, self.copy_to)
            label_width = sum(g.width for g in label_glyphs)
            glyphs = label_glyphs + self.fonts.glyphs(copy_to, self.copy_to)
            rows.append(
                break_lines(
                    glyphs,
                    grid.width - one,
                    first_indent=one,
                    rest_indent=one + label_width,
                    max_extra=one / 2,
                )
            )
        printing = footer["printing"]
        agency = content.printing_agency or _fill(printing["agency"], content)
        # "{机关名称}办公室" for an agency that is itself an 办公室 would say it twice.
        agency = agency.replace("办公室办公室", "办公室")
        date = content.printing_date or content.issued_date
        printed = _fill(printing["date_format"], content, date) if date else ""
        agency_line = Line(self.fonts.glyphs(agency, self.printing), one)
        date_width = self.fonts.width(printed, self.printing)
        date_line = Line(self.fonts.glyphs(printed, self.printing), grid.width - one - date_width)
        rows.append([agency_line])
        self._footer_rows = rows
        self._footer_extra = date_line
        count = sum(len(r) for r in rows)
        flow.footer(count)

    def _draw_footer(self, page: _Page) -> None:
        grid, pdf = self.grid, self.pdf
        rules = self.layout["footer"].get("rules") or {}
        outer, inner = rules.get("outer_mm", 0.35), rules.get("inner_mm", 0.25)
        index = page.footer_from
        pdf.set_fill_color(0, 0, 0)

        def rule(y: float, weight: float) -> None:
            pdf.rect(grid.left, y - weight / 2, grid.width, weight, style="F")

        # The last rule's lower edge is the 版心's bottom edge (§7.4.1).
        rule(grid.line_top(index) + outer / 2, outer)
        for row_number, row in enumerate(self._footer_rows):
            if row_number:
                rule(grid.line_top(index), inner)
            for line in row:
                self._draw_line(line, index)
                if line is row[-1] and row_number == len(self._footer_rows) - 1:
                    self._draw_line(self._footer_extra, index)
                index += 1
        rule(grid.bottom - outer / 2, outer)

    # ---- drawing ------------------------------------------------------------------------------

    def _draw_page(self, page: _Page, number: int) -> None:
        self.pdf.add_page()
        if number == 1:
            self._draw_header()
        for index, line in page.lines:
            self._draw_line(line, index)
        if page.footer_from is not None:
            self._draw_footer(page)
        if page.seal:
            self._draw_seal(*page.seal)
        self._draw_page_number(number)
        if self.watermark:
            self._draw_watermark()

    def _draw_line(self, line: Line, index: int) -> None:
        for style, text, x, spacing in line.segments():
            self._text(self.grid.left + x, self.grid.baseline(index, style), text, style, spacing=spacing)

    def _text(
        self, x: float, baseline: float, text: str, style: Style, *, spacing=None, stretch: float = 1.0
    ):
        pdf = self.pdf
        pdf.set_font(style.font_key, size=style.size)
        pdf.set_text_color(*style.color)
        pdf.set_stretching(stretch * 100)
        pdf.set_char_spacing((spacing or 0.0) / MM_PER_PT)
        if style.fake_bold:
            # No bold face: fill and stroke the outlines, as word processors do.
            with pdf.local_context(
                text_mode="FILL_STROKE", line_width=style.size * 0.025, draw_color=style.color
            ):
                pdf.text(x, baseline, text)
        else:
            pdf.text(x, baseline, text)

    def _draw_seal(self, centre_x: float, centre_y: float, diameter: float) -> None:
        _preload_seal(self.pdf, self.content.seal_png)
        # Multiply lets the text under the seal show through, like ink on paper.
        with self.pdf.local_context(blend_mode="Multiply"):
            self.pdf.image(
                io.BytesIO(self.content.seal_png),
                x=centre_x - diameter / 2,
                y=centre_y - diameter / 2,
                w=diameter,
                h=diameter,
            )

    def _draw_page_number(self, number: int) -> None:
        grid, style = self.grid, self.page_number
        template = (self.layout.get("page_number") or {}).get("format", "— {页码} —")
        text = template.replace("{页码}", str(number))
        width = self.fonts.width(text, style)
        one = style.size_mm
        x = grid.left + grid.width - one - width if number % 2 else grid.left + one
        # The dash's middle sits about 0.38 em above the baseline in CJK fonts.
        baseline = grid.bottom + PAGE_NUMBER_GAP_MM + 0.38 * style.size_mm
        self._text(x, baseline, text, style)

    def _draw_watermark(self) -> None:
        pdf, style = self.pdf, self.watermark
        text = "草稿 DRAFT"
        width = self.fonts.width(text, style)
        centre = (PAGE_MM[0] / 2, PAGE_MM[1] / 2)
        with pdf.local_context(fill_opacity=0.3), pdf.rotation(35, *centre):
            self._text(centre[0] - width / 2, centre[1] + style.size_mm * 0.35, text, style)


class _Flow:
    """Places lines on the grid page by page, and keeps the closing and the 版记 whole."""

    def __init__(self, pages: list[_Page], cursor: int, lines_per_page: int):
        self.pages = pages
        self.cursor = cursor
        self.lines = lines_per_page
        self.body_lines: list[tuple[int, int]] = []  # (page, index in page.lines) of body text
        self.reserve_until = 0

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self.cursor = 0
        self.reserve_until = 0

    def put(self, line: Line, *, body: bool = False) -> int:
        if self.cursor >= self.lines:
            self._new_page()
        page = self.pages[-1]
        page.lines.append((self.cursor, line))
        if body:
            self.body_lines.append((len(self.pages) - 1, len(page.lines) - 1))
        self.cursor += 1
        return self.cursor - 1

    def skip(self, count: int) -> None:
        if self.cursor == 0 and len(self.pages) > 1:
            return  # empty lines do not open a page
        self.cursor += count

    def keep_with_previous(self, needed: int, *, carry: int) -> None:
        """Start a page if `needed` lines don't fit, taking the last `carry` body lines along.

        The signature must not stand alone on a page (§7.3.5.4), so the end of the body moves
        with it (and the 附件说明, placed after this call).
        """
        if self.cursor + needed <= self.lines or needed > self.lines:
            return  # it fits; or nothing could make it fit on one page
        page_number = len(self.pages) - 1
        page = self.pages[-1]
        own = [i for p, i in self.body_lines if p == page_number]
        start = own[-carry] if len(own) > carry else len(page.lines)
        moved = page.lines[start:]
        del page.lines[start:]
        self._new_page()
        for _, line in moved:
            self.put(line, body=True)

    def footer(self, rows: int) -> None:
        """The 版记 takes the last `rows` grid lines of the last page, or of a new one."""
        if max(self.cursor, self.reserve_until) + rows > self.lines:
            self._new_page()
        self.pages[-1].footer_from = self.lines - rows


def render_pdf(content: DocumentContent, layout: dict, *, fonts: FontConfig | None = None) -> bytes:
    """The document as PDF bytes, laid out by `layout` (a layout template's content).

    The layout is expected to have passed `templates_lib.validation.layout.check_layout` when it
    was saved; one that lacks a required part is refused here with the part's name.
    """
    try:
        renderer = _Renderer(content, layout, fonts or FontConfig.from_settings())
    except (KeyError, TypeError) as exc:
        raise RenderingError(f"版式模板不完整：缺少 {exc}") from exc
    return renderer.render()
