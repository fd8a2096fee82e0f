"""The rich-text body (正文) edited in the browser: what may be kept, and its text for search.

Sanitised with nh3 (the Rust ammonia sanitiser, which parses like a browser does) against an
allow-list that fits an official document: paragraphs, headings, emphasis, lists and tables,
`text-align` as the only style, `colspan`/`rowspan` on cells. No links, no images (pictures are
attachments), no classes or ids, no comments; scripts, styles, frames, plugins, SVG and MathML
go with their content. The layout itself (GB/T 9704 fonts and sizes) comes from the
renderer, not from the editor's markup.

Removing is the guarantee; `body_has_active_content` only tells whether there was something
executable to remove, so the API can say so rather than strip in silence (ADR 0008).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "span", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote", "hr",
        "h1", "h2", "h3", "h4", "ol", "ul", "li",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
_ALIGNABLE = ("p", "h1", "h2", "h3", "h4", "td", "th", "li")
_CELLS = ("td", "th")
# Removed with everything inside them (the others are unwrapped and their text kept).
_DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "noscript", "template", "textarea", "select", "title", "xmp", "noembed", "noframes",
    }
)  # fmt: skip
_ALIGNMENT = re.compile(r"\s*text-align\s*:\s*(left|center|right|justify)\s*;?\s*", re.IGNORECASE)
_SPAN = re.compile(r"[1-9][0-9]?")  # 1-99 rows or columns


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        match = _ALIGNMENT.fullmatch(value)
        return f"text-align: {match.group(1).lower()}" if match else None
    if attribute in ("colspan", "rowspan"):
        return value.strip() if _SPAN.fullmatch(value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={
        "*": set(),  # ammonia's default keeps lang and title everywhere
        **{tag: {"style"} for tag in _ALIGNABLE},
        **{tag: {"style", "colspan", "rowspan"} for tag in _CELLS},
    },
    attribute_filter=_filter_attribute,
    url_schemes=set(),
    strip_comments=True,
    link_rel=None,
)


def sanitise_body_html(html: str) -> str:
    """The body with everything outside the allow-list removed; safe to show as HTML."""
    return _CLEANER.clean(html or "")


# ---- telling the user --------------------------------------------------------------------

_ACTIVE_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
        "base", "meta", "link",
    }
)  # fmt: skip
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"}
)
_ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:")
# Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


def _is_active_url(value: str | None) -> bool:
    return bool(value) and _IGNORED_IN_SCHEME.sub("", value).lower().startswith(_ACTIVE_SCHEMES)


class _ActiveContentFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag, attrs):
        if tag in _ACTIVE_TAGS:
            self.found = True
        for name, value in attrs:
            if name.startswith("on") or (name in _URL_ATTRIBUTES and _is_active_url(value)):
                self.found = True

    handle_startendtag = handle_starttag


def body_has_active_content(html: str) -> bool:
    """Whether the body held scripts, event handlers, script URLs, frames, plugins or SVG.

    Advisory (Python's tokenizer is not a browser's): the sanitiser removes these whether or
    not they are found here; this only lets the API tell the drafter that it did.
    """
    finder = _ActiveContentFinder()
    finder.feed(html or "")
    finder.close()
    return finder.found


# ---- text for search -----------------------------------------------------------------------

_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "tr", "blockquote", "hr", "table", "ol", "ul"})


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append("\t")

    def handle_data(self, data):
        self.parts.append(data)


_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BREAKS = re.compile(r"\s*\n\s*")


def html_to_text(html: str) -> str:
    """The body's text, one line per paragraph, row or list item: what the search index gets."""
    collector = _TextCollector()
    collector.feed(sanitise_body_html(html))
    collector.close()
    text = _SPACES.sub(" ", "".join(collector.parts))
    return _BREAKS.sub("\n", text).strip()
