"""The body (正文) as paragraphs of styled runs, from the editor's sanitised HTML.

A 公文 body is a sequence of paragraphs; what matters for the layout is which paragraphs open
a structural level (GB/T 9704-2012 §7.3.3: 一、 in 黑体, （一） in 楷体, 1. and （1） in 仿宋) and
which words are bold. Anything else HTML can say (fonts, colours, sizes) is dropped on purpose:
the layout, not the drafter, decides how a 公文 looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Heading levels, keyed by how the paragraph starts (§7.3.3).
_LEVELS = (
    (1, re.compile(r"^[一二三四五六七八九十百零]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百零]+[）)]")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
)
# A heading's own words end at the first full stop; a longer "heading" is a numbered paragraph.
_HEADING_MAX_CHARS = 40
_SENTENCE_END = "。"

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "section", "pre"}
_BOLD_TAGS = {"strong", "b"}
_SKIP_TAGS = {"script", "style", "head", "title"}
_WHITESPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Run:
    text: str
    bold: bool = False
    level: int = 0  # 0: body text; 1–4: the heading level whose font draws it


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)
    level: int = 0
    indent: bool = True  # 每个自然段左空二字; a line after <br> continues flush left
    list_item: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


class _BodyParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self._runs: list[Run] = []
        self._bold = 0
        self._skip = 0
        self._heading_tag_level = 0
        self._list_item = False  # a list's items are body text, whatever their numbering
        self._indent = True
        self._lists: list[list] = []  # one [ordered, counter] per open <ol>/<ul>
        self._cells_in_row = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BOLD_TAGS:
            self._bold += 1
        elif tag == "br":
            self._flush(next_indent=False)
        elif tag in ("ol", "ul"):
            self._flush()
            self._lists.append([tag == "ol", 0])
        elif tag in ("td", "th"):
            # Tables come out as plain rows: cells separated by two ideographic spaces.
            if self._cells_in_row:
                self._text("\u3000\u3000")
            self._cells_in_row += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4"):
                self._heading_tag_level = int(tag[1])
            if tag == "li" and self._lists:
                self._lists[-1][1] += 1
                ordered, number = self._lists[-1]
                if ordered:
                    self._text(f"{number}.")
                self._list_item = True
            if tag == "tr":
                self._cells_in_row = 0

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BOLD_TAGS:
            self._bold = max(0, self._bold - 1)
        elif tag in ("ol", "ul"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._text(data)

    def _text(self, data: str):
        data = _WHITESPACE.sub(" ", data)
        if not data:
            return
        bold = self._bold > 0
        if self._runs and self._runs[-1].bold == bold:
            self._runs[-1].text += data
        else:
            self._runs.append(Run(data, bold=bold))

    def _flush(self, *, next_indent: bool = True):
        runs = _trim(self._runs)
        if runs:
            paragraph = Paragraph(runs=runs, indent=self._indent, list_item=self._list_item)
            paragraph.level = self._heading_tag_level
            self.paragraphs.append(paragraph)
        self._runs = []
        self._heading_tag_level = 0
        self._list_item = False
        self._indent = next_indent

    def close(self):
        super().close()
        self._flush()


def _trim(runs: list[Run]) -> list[Run]:
    """Drop the spaces around a paragraph and between CJK characters (the editor's line breaks)."""
    text = "".join(r.text for r in runs)
    if not text.strip(" \u3000"):
        return []
    out = [Run(run.text, bold=run.bold) for run in runs]
    # Leading spaces (incl. the ideographic ones typed to indent by hand): the layout indents.
    while out and not out[0].text.lstrip(" \u3000"):
        out.pop(0)
    if out:
        out[0].text = out[0].text.lstrip(" \u3000")
    while out and not out[-1].text.rstrip(" "):
        out.pop()
    if out:
        out[-1].text = out[-1].text.rstrip(" ")
    for run in out:
        run.text = _drop_space_between_cjk(run.text)
    return [r for r in out if r.text]


_SPACE_BETWEEN_CJK = re.compile(
    r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]) (?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])"
)


def _drop_space_between_cjk(text: str) -> str:
    return _SPACE_BETWEEN_CJK.sub("", text)


def parse_body(html: str) -> list[Paragraph]:
    """Paragraphs of the body, each marked with its heading level (0 for plain text)."""
    if "<" not in html:
        # Plain text: one paragraph per line.
        html = "".join(f"<p>{_escape(line)}</p>" for line in html.splitlines())
    parser = _BodyParser()
    parser.feed(html)
    parser.close()
    for paragraph in parser.paragraphs:
        _mark_heading(paragraph)
    return parser.paragraphs


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mark_heading(paragraph: Paragraph) -> None:
    """Give a heading's own words (up to its first 。) the heading level; the rest stays body text."""
    text = paragraph.text
    level = paragraph.level if paragraph.level in (1, 2, 3, 4) else 0
    if not level:
        if paragraph.list_item:
            return
        level = next((lvl for lvl, pattern in _LEVELS if pattern.match(text)), 0)
        if not level:
            return
        end = text.find(_SENTENCE_END)
        span = len(text) if end < 0 or end == len(text) - 1 else end + 1
        # "1.各街道要……。" is one numbered sentence, not a heading followed by its text.
        list_item = level >= 3 and end == len(text) - 1
        if span > _HEADING_MAX_CHARS or list_item:
            paragraph.level = 0
            return
    else:
        span = len(text)
    paragraph.level = level
    paragraph.runs = _split_runs(paragraph.runs, span, level)


def _split_runs(runs: list[Run], span: int, level: int) -> list[Run]:
    out, position = [], 0
    for run in runs:
        end = position + len(run.text)
        if end <= span:
            out.append(Run(run.text, bold=run.bold, level=level))
        elif position >= span:
            out.append(run)
        else:
            cut = span - position
            out.append(Run(run.text[:cut], bold=run.bold, level=level))
            out.append(Run(run.text[cut:], bold=run.bold))
        position = end
    return out


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))
