"""A <richtext> item as plain text (for search and previews) and as simple HTML (for reading).

Supported: paragraphs <par> (a <par> without def= continues the previous paragraph definition,
which is how DXL writes lists), runs <run> with <font style='bold italic underline
strikethrough superscript subscript'>, <break/>, <tab/>, bullet and numbered lists (from the
<pardef list=...>), tables (<table>/<tablerow>/<tablecell>, as tab-separated lines in the text),
sections (their title becomes a paragraph), pictures (<gif>/<jpeg>/<png>/<bmp> kept as bytes;
<notesbitmap>/<cgm> kept but not converted), <attachmentref>, <urllink>, <doclink>,
<viewlink>, <databaselink>, <horizrule/>. Formatting the HTML cannot carry (fonts, colours,
margins, tabs stops: the <pardef>s) is dropped; code (<formula>, <lotusscript>, <code>) and
hidden popup text never become text.

The HTML refers to what it cannot hold inline by scheme, for the importer to rewrite:
  <img src="dxl-image:N">             N indexes RichText.images
  <a href="dxl-attachment:NAME">      NAME (URL-quoted) is a $FILE attachment of the document
  <a href="notes:///REPLICA/VIEW/UNID">  a Notes link (also in RichText.links)
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from lxml import etree

from oa.importer.sources.dxl.binary import decode_base64
from oa.importer.sources.dxl.elements import local_name

# Image formats a browser shows; the others are kept as bytes for whoever can convert them.
WEB_IMAGE_FORMATS = {"gif": "image/gif", "jpeg": "image/jpeg", "png": "image/png", "bmp": "image/bmp"}
OTHER_IMAGE_FORMATS = frozenset({"notesbitmap", "cgm", "svg"})
# Pictures inside an <attachmentref> that are the attachment's content shown, not its icon.
_PICTURES_IN_ATTACHMENTS = frozenset({"jpeg", "png"})

_FONT_TAGS = (
    ("bold", "strong"),
    ("italic", "em"),
    ("underline", "u"),
    ("strikethrough", "s"),
    ("superscript", "sup"),
    ("subscript", "sub"),
)
_ORDERED_LISTS = frozenset({"number", "alphaupper", "alphalower", "romanupper", "romanlower"})
# Elements whose content is never document text.
_SILENT = frozenset(
    {
        "pardef",
        "parstyle",
        "font",
        "code",
        "formula",
        "lotusscript",
        "javascript",
        "javaproject",
        "popuptext",
        "richtextdata",
        "rundata",
        "tablecolumn",
        "border",
        "background",
        "imagedata",
        "field",  # a form's field placeholder, not a value
        "embeddedview",
        "embeddedoutline",
        "embeddednavigator",
        "embeddedcontrol",
    }
)
_SAFE_URL_SCHEMES = ("http://", "https://", "mailto:", "ftp://", "notes://")


@dataclass(frozen=True, slots=True)
class DxlImage:
    """An image embedded in rich text (<picture>)."""

    format: str  # gif, jpeg, png, bmp; notesbitmap, cgm; imageref (a named image resource, no data)
    data: bytes | None
    width: str | None = None  # as DXL wrote it, e.g. '168px'
    height: str | None = None
    name: str | None = None  # imageref: the image resource's name
    broken: bool = False

    @property
    def converted(self) -> bool:
        """True when a browser can show it as it is."""
        return self.format in WEB_IMAGE_FORMATS and self.data is not None and not self.broken

    @property
    def mime_type(self) -> str | None:
        return WEB_IMAGE_FORMATS.get(self.format)


@dataclass(frozen=True, slots=True)
class DxlLink:
    kind: str  # urllink, doclink, viewlink, databaselink
    href: str | None
    text: str
    database: str | None = None  # replica id
    view: str | None = None  # unid
    document: str | None = None  # unid
    server: str | None = None


@dataclass(frozen=True, slots=True)
class RichText:
    text: str
    html: str
    images: tuple[DxlImage, ...] = ()
    attachment_refs: tuple[str, ...] = ()  # $FILE names the text shows, in order
    links: tuple[DxlLink, ...] = ()


@dataclass(slots=True)
class _Par:
    text: str
    html: str
    list_kind: str | None = None


@dataclass(slots=True)
class _Block:
    text: str
    html: str


@dataclass(slots=True)
class _Converter:
    problems: list[str] = field(default_factory=list)
    images: list[DxlImage] = field(default_factory=list)
    attachment_refs: list[str] = field(default_factory=list)
    links: list[DxlLink] = field(default_factory=list)
    list_kinds: dict[str, str | None] = field(default_factory=dict)  # pardef id → list kind
    current_def: str | None = None

    # --- blocks --------------------------------------------------------------------------------

    def blocks(self, container: etree._Element) -> list[_Par | _Block]:
        return self.blocks_of(container.text, list(container))

    def blocks_of(self, text: str | None, children: list[etree._Element]) -> list[_Par | _Block]:
        out: list[_Par | _Block] = []
        if text and text.strip():
            # Text outside any <par> is not valid DXL, but it is text: keep it.
            out.append(_Par(*_plain(text)))
        for child in children:
            if isinstance(child.tag, str):
                out.extend(self.block(child, local_name(child.tag)))
            if child.tail and child.tail.strip():
                out.append(_Par(*_plain(child.tail)))
        return out

    def block(self, child: etree._Element, name: str) -> list[_Par | _Block]:
        if name == "pardef":
            self.list_kinds[child.get("id", "")] = child.get("list")
        elif name == "par":
            # A <par> without def= keeps the previous paragraph's definition (DXL's list idiom).
            self.current_def = child.get("def", self.current_def)
            text, markup = self.inline(child)
            return [_Par(text, markup, self.list_kinds.get(self.current_def or ""))]
        elif name == "table":
            return [self.table(child)]
        elif name == "section":
            return self.section(child)
        elif name == "horizrule":
            return [_Block("", "<hr>")]
        elif name not in _SILENT:
            return self.blocks(child)
        return []

    def section(self, section: etree._Element) -> list[_Par | _Block]:
        out: list[_Par | _Block] = []
        rest: list[etree._Element] = []
        for child in section:
            if isinstance(child.tag, str) and local_name(child.tag) == "sectiontitle":
                text, markup = self.inline(child)
                if text.strip():
                    out.append(_Par(text, f"<strong>{markup}</strong>"))
            else:
                rest.append(child)
        return out + self.blocks_of(None, rest)

    def table(self, table: etree._Element) -> _Block:
        text_rows: list[str] = []
        html_rows: list[str] = []
        for row in table:
            if not isinstance(row.tag, str) or local_name(row.tag) != "tablerow":
                continue
            cells_text: list[str] = []
            cells_html: list[str] = []
            for cell in row:
                if not isinstance(cell.tag, str) or local_name(cell.tag) != "tablecell":
                    continue
                blocks = self.blocks(cell)
                cell_text = " ".join(t for b in blocks if (t := b.text.strip()))
                cells_text.append(cell_text.replace("\n", " ").replace("\t", " "))
                span = "".join(
                    f' {html_attr}="{int(value)}"'
                    for dxl_attr, html_attr in (("columnspan", "colspan"), ("rowspan", "rowspan"))
                    if (value := cell.get(dxl_attr, "")).isascii() and value.isdigit() and int(value) > 1
                )
                cells_html.append(f"<td{span}>{render_html(blocks)}</td>")
            text_rows.append("\t".join(cells_text))
            html_rows.append("<tr>" + "".join(cells_html) + "</tr>")
        return _Block("\n".join(text_rows), "<table><tbody>" + "".join(html_rows) + "</tbody></table>")

    # --- inline content ------------------------------------------------------------------------

    def inline(self, element: etree._Element) -> tuple[str, str]:
        texts: list[str] = []
        markup: list[str] = []
        _add_text(texts, markup, element.text)
        for child in element:
            if isinstance(child.tag, str):
                text, child_markup = self.inline_element(child, local_name(child.tag))
                texts.append(text)
                markup.append(child_markup)
            _add_text(texts, markup, child.tail)
        return "".join(texts), "".join(markup)

    def inline_element(self, el: etree._Element, name: str) -> tuple[str, str]:
        if name == "run":
            return self.run(el)
        if name == "break":
            return "\n", "<br>"
        if name == "tab":
            return "\t", "&emsp;"
        if name == "horizrule":
            return "\n", "<hr>"
        if name == "picture":
            return "", self.picture(el)
        if name == "attachmentref":
            return self.attachment_ref(el)
        if name == "urllink":
            return self.url_link(el)
        if name in ("doclink", "viewlink", "databaselink"):
            return self.notes_link(el, name)
        if name in _SILENT:
            return "", ""
        return self.inline(el)

    def run(self, run: etree._Element) -> tuple[str, str]:
        text, markup = self.inline(run)
        styles: set[str] = set()
        for child in run:
            if isinstance(child.tag, str) and local_name(child.tag) == "font":
                styles.update(child.get("style", "").split())
        if markup:
            for style, tag in _FONT_TAGS:
                if style in styles:
                    markup = f"<{tag}>{markup}</{tag}>"
        return text, markup

    def picture(
        self, picture: etree._Element, *, only: frozenset[str] | None = None, name: str | None = None
    ) -> str:
        width, height = picture.get("width"), picture.get("height")
        for child in picture:
            if not isinstance(child.tag, str):
                continue
            kind = local_name(child.tag)
            if only is not None and kind not in only:
                continue
            if kind in WEB_IMAGE_FORMATS or kind in OTHER_IMAGE_FORMATS:
                image = self._image(kind, child.text, width, height)
                if name and image.name is None:
                    image = replace(image, name=name)
            elif kind == "imageref":
                image = DxlImage("imageref", None, width, height, name=child.get("name"))
            else:
                continue
            self.images.append(image)
            if not image.converted:
                return ""
            size = "".join(
                f' {attr}="{value[:-2]}"'
                for attr, value in (("width", width or ""), ("height", height or ""))
                if value.endswith("px") and value[:-2].isdigit()
            )
            return f'<img src="dxl-image:{len(self.images) - 1}"{size} alt="">'
        return ""

    def _image(self, kind: str, text: str | None, width: str | None, height: str | None) -> DxlImage:
        try:
            return DxlImage(kind, decode_base64(text), width, height)
        except ValueError as exc:
            self.problems.append(f"picture ({kind}) is not valid base64: {exc}")
            return DxlImage(kind, None, width, height, broken=True)

    def attachment_ref(self, ref: etree._Element) -> tuple[str, str]:
        # The content is what the attachment shows in the text: usually its icon (a GIF, not
        # worth keeping), but Notes also shows a picture it holds as a JPEG or PNG: that one is
        # a picture of the text like any other (kept, and shown after the link).
        name = ref.get("name") or ""
        shown = ref.get("displayname") or name
        self.attachment_refs.append(name)
        label = html.escape(shown)
        markup = f'<a href="dxl-attachment:{quote(name)}">{label}</a>'
        for picture in ref.iter("{*}picture", "picture"):
            if any(isinstance(c.tag, str) and local_name(c.tag) in _PICTURES_IN_ATTACHMENTS for c in picture):
                markup += self.picture(picture, only=_PICTURES_IN_ATTACHMENTS, name=name or None)
        return f"[{shown}]", markup

    def url_link(self, link: etree._Element) -> tuple[str, str]:
        href = (link.get("href") or "").strip()
        text, markup = self.inline(link)
        self.links.append(DxlLink("urllink", href or None, text))
        if not href.lower().startswith(_SAFE_URL_SCHEMES):
            # javascript: and other schemes are kept in links, never made clickable.
            return text or href, markup or html.escape(href)
        return text or href, f'<a href="{html.escape(href)}">{markup or html.escape(href)}</a>'

    def notes_link(self, link: etree._Element, kind: str) -> tuple[str, str]:
        text, markup = self.inline(link)
        description = link.get("description") or ""
        database, view, document = link.get("database"), link.get("view"), link.get("document")
        href = "notes:///" + "/".join(p for p in (database, view, document) if p)
        self.links.append(
            DxlLink(
                kind,
                href,
                text or description,
                database=database,
                view=view,
                document=document,
                server=link.get("server"),
            )
        )
        label = markup or html.escape(description or href)
        return text or description, f'<a href="{html.escape(href)}">{label}</a>'


def _plain(text: str) -> tuple[str, str]:
    cleaned = _clean(text)
    return cleaned, html.escape(cleaned, quote=False)


def _clean(text: str) -> str:
    # The exporter may break lines next to a tag; a real line break is <break/>.
    return text.strip("\r\n").replace("\r\n", " ").replace("\n", " ")


def _add_text(texts: list[str], markup: list[str], text: str | None) -> None:
    if text:
        cleaned = _clean(text)
        texts.append(cleaned)
        markup.append(html.escape(cleaned, quote=False))


def render_text(blocks: list[_Par | _Block]) -> str:
    lines: list[str] = []
    counter = 0
    previous_kind: str | None = None
    for block in blocks:
        kind = block.list_kind if isinstance(block, _Par) else None
        if kind is None:
            counter = 0
            lines.append(block.text)
        else:
            counter = counter + 1 if kind == previous_kind else 1
            marker = f"{counter}. " if kind in _ORDERED_LISTS else "• "
            lines.append(marker + block.text)
        previous_kind = kind
    return "\n".join(lines).rstrip()


def render_html(blocks: list[_Par | _Block]) -> str:
    out: list[str] = []
    open_list: str | None = None
    for block in blocks:
        kind = block.list_kind if isinstance(block, _Par) else None
        tag = None if kind is None else ("ol" if kind in _ORDERED_LISTS else "ul")
        if tag != open_list:
            if open_list:
                out.append(f"</{open_list}>")
            if tag:
                out.append(f"<{tag}>")
            open_list = tag
        if tag:
            out.append(f"<li>{block.html}</li>")
        elif isinstance(block, _Par):
            out.append(f"<p>{block.html or '<br>'}</p>")
        else:
            out.append(block.html)
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def convert_richtext(richtext: etree._Element) -> tuple[RichText, list[str]]:
    """The RichText of a <richtext> element, and what was wrong in it (bad picture data)."""
    converter = _Converter()
    blocks = converter.blocks(richtext)
    value = RichText(
        text=render_text(blocks),
        html=render_html(blocks),
        images=tuple(converter.images),
        attachment_refs=tuple(converter.attachment_refs),
        links=tuple(converter.links),
    )
    return value, converter.problems
