"""Breaking styled text into lines on a character grid, with Chinese line-breaking rules.

Every glyph advances by its width plus the grid's spacing, so full-width characters sit on the
layout's 28 columns. A line that is not the last of its paragraph is justified to the full
width, and no line starts with a closing mark (，。、）》”…) or ends with an opening one (（《“):
the character before such a mark moves down with it (避头尾, the rule every Chinese typesetter
applies).
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〗〉’”…—·%‰,.;:?!)]}>")
NO_LINE_END = frozenset("（《「『【〔〖〈‘“([{<")
_EPSILON = 0.01  # mm: what floating arithmetic may add to a full line of 28 characters


@dataclass(frozen=True)
class Glyph:
    ch: str
    style: Hashable  # whatever the drawing side needs to pick the font
    width: float  # natural advance, mm
    spacing: float = 0.0  # grid spacing after the glyph, mm


@dataclass
class Line:
    glyphs: list[Glyph]
    indent: float  # mm from the left edge of the 版心
    extra: float = 0.0  # mm added after every glyph to justify the line

    @property
    def natural_width(self) -> float:
        return sum(g.width + g.spacing for g in self.glyphs)

    def segments(self) -> list[tuple[Hashable, str, float, float]]:
        """(style, text, x, spacing) runs that can each be drawn with one text operation."""
        out: list[tuple[Hashable, str, float, float]] = []
        x = self.indent
        for glyph in self.glyphs:
            spacing = glyph.spacing + self.extra
            if out and out[-1][0] == glyph.style and abs(out[-1][3] - spacing) < 1e-9:
                style, text, start, _ = out[-1]
                out[-1] = (style, text + glyph.ch, start, spacing)
            else:
                out.append((glyph.style, glyph.ch, x, spacing))
            x += glyph.width + spacing
        return out


def _tokens(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Unbreakable units: one CJK character, or a run of Latin letters/digits (2026, 3.5%, URLs)."""
    tokens: list[list[Glyph]] = []
    for glyph in glyphs:
        latin = glyph.ch.isascii() and not glyph.ch.isspace()
        if latin and tokens and tokens[-1][-1].ch.isascii() and not tokens[-1][-1].ch.isspace():
            tokens[-1].append(glyph)
        else:
            tokens.append([glyph])
    return tokens


def _width(token: Sequence[Glyph]) -> float:
    return sum(g.width + g.spacing for g in token)


def break_lines(
    glyphs: Sequence[Glyph],
    width: float,
    *,
    first_indent: float = 0.0,
    rest_indent: float = 0.0,
    justify: bool = True,
    max_extra: float | None = None,
) -> list[Line]:
    """Lines of at most `width` mm (indent included); all but the last justified."""
    lines: list[Line] = []
    current: list[list[Glyph]] = []
    indent = first_indent

    def flush() -> None:
        nonlocal current, indent
        lines.append(Line([g for t in current for g in t], indent))
        current, indent = [], rest_indent

    for token in _tokens(glyphs):
        while token:
            if not current and token[0].ch == " ":
                break  # a space does not start a line
            room = width - indent - sum(_width(t) for t in current)
            if _width(token) <= room + _EPSILON:
                current.append(token)
                break
            if not current or _width(token) > width - rest_indent + _EPSILON:
                # A run no line can hold (a URL) fills this line and goes on in the next.
                head, token = _split(token, room)
                if head or not current:
                    current.append(head or token[:1])
                    token = token if head else token[1:]
                flush()
                continue
            carried: list[list[Glyph]] = []
            if token[0].ch in NO_LINE_START:
                # The closing mark takes the character before it to the next line.
                while len(current) > 1 and (not carried or current[-1][-1].ch in NO_LINE_START):
                    carried.insert(0, current.pop())
            while len(current) > 1 and current[-1][-1].ch in NO_LINE_END:
                carried.insert(0, current.pop())
            flush()
            current = carried[1:] if carried and carried[0][0].ch == " " else carried
    if current:
        flush()
    if justify:
        for line in lines[:-1]:
            _justify(line, width, max_extra)
    return lines


def _split(token: list[Glyph], room: float) -> tuple[list[Glyph], list[Glyph]]:
    """The glyphs of `token` that fit in `room`, and the rest."""
    used, cut = 0.0, 0
    for glyph in token:
        if used + glyph.width + glyph.spacing > room + _EPSILON:
            break
        used += glyph.width + glyph.spacing
        cut += 1
    return token[:cut], token[cut:]


def _justify(line: Line, width: float, max_extra: float | None) -> None:
    trimmed = line.glyphs
    while trimmed and trimmed[-1].ch == " ":
        trimmed = trimmed[:-1]
    line.glyphs = trimmed
    if not trimmed:
        return
    slack = width - line.indent - line.natural_width
    extra = slack / len(trimmed)
    if slack > 0 and (max_extra is None or extra <= max_extra):
        line.extra = extra


# Where a title may break (§7.3.1: 回行时，要做到词意完整，排列对称，长短适宜): between words, and
# best where a phrase of a title opens or closes; each bonus is in characters of imbalance.
_BREAK_BEFORE = {"关于": 8.0, "（": 12.0, "《": 6.0}
_BREAK_AFTER = {
    "）": 12.0,
    "》": 6.0,
    "关于": 3.0,
    "年度": 3.0,
    **dict.fromkeys(
        (
            "印发",
            "转发",
            "批转",
            "开展",
            "做好",
            "加强",
            "召开",
            "举办",
            "推进",
            "实施",
            "公布",
            "表彰",
            "同意",
        ),
        3.0,
    ),
}
_UNIT_AFTER_DIGITS = frozenset("年月日号度届次期批")


_INSIDE_WORD = 6.0  # what breaking a word costs, in characters of imbalance


@functools.cache
def _segmenter():
    import jieba  # a second to load its dictionary: only when a title needs breaking

    jieba.setLogLevel(logging.WARNING)
    return jieba


def word_boundaries(text: str) -> frozenset[int]:
    """Offsets between the words of `text` (jieba's dictionary, no guessing of unknown words)."""
    offsets, position = set(), 0
    for word in _segmenter().cut(text, HMM=False):
        position += len(word)
        offsets.add(position)
    return frozenset(offsets)


def balanced_breaks(glyphs: Sequence[Glyph], width: float, em: float) -> list[Line]:
    """A title's lines: as few as fit, as even as possible, broken between words."""
    text = "".join(g.ch for g in glyphs)
    widths = [0.0]
    for glyph in glyphs:
        widths.append(widths[-1] + glyph.width + glyph.spacing)
    total = widths[-1]
    if total <= width + _EPSILON or len(glyphs) < 2:
        return [Line(list(glyphs), 0.0)]
    words = word_boundaries(text)

    def break_cost(i: int) -> float:
        """What breaking before glyphs[i] costs, in characters."""
        before, after = text[i - 1], text[i]
        if after in NO_LINE_START or before in NO_LINE_END:
            return math.inf
        if before.isascii() and after.isascii() and not before.isspace() and not after.isspace():
            return math.inf
        if before.isdigit() and after in _UNIT_AFTER_DIGITS:
            return 10.0
        inside_word = 0.0 if i in words else _INSIDE_WORD
        if text.count("《", 0, i) > text.count("》", 0, i):
            return inside_word  # inside a 《book title》 its own brackets are no phrase boundary
        bonus = max([b for word, b in _BREAK_BEFORE.items() if text.startswith(word, i)], default=0.0)
        bonus = max([bonus, *(b for word, b in _BREAK_AFTER.items() if text.endswith(word, 0, i))])
        return inside_word - bonus

    for count in range(math.ceil(total / width - 1e-9), len(glyphs) + 1):
        target = total / count
        # best[k][i]: the cheapest way to set glyphs[:i] in k lines.
        best = [[math.inf] * (len(glyphs) + 1) for _ in range(count + 1)]
        choice = [[0] * (len(glyphs) + 1) for _ in range(count + 1)]
        best[0][0] = 0.0
        for k in range(1, count + 1):
            for i in range(1, len(glyphs) + 1):
                if k == count and i != len(glyphs):
                    continue
                for j in range(k - 1, i):
                    line_width = widths[i] - widths[j]
                    if best[k - 1][j] == math.inf or line_width > width + _EPSILON:
                        continue
                    cost = best[k - 1][j] + abs(line_width - target) / em
                    if i < len(glyphs):
                        cost += break_cost(i)
                    if cost < best[k][i]:
                        best[k][i], choice[k][i] = cost, j
        if best[count][len(glyphs)] < math.inf:
            cuts, i = [], len(glyphs)
            for k in range(count, 0, -1):
                cuts.append((choice[k][i], i))
                i = choice[k][i]
            return [Line(list(glyphs[a:b]), 0.0) for a, b in reversed(cuts)]
    return [Line(list(glyphs), 0.0)]  # pragma: no cover - one glyph a line always fits
