"""The declared encoding against the bytes (issue 11): never import mojibake silently.

libxml2 decodes a file by its `<?xml encoding=...?>` and refuses only bytes that are invalid in
that encoding. UTF-8 bytes declared as GBK or ISO-8859-1 are valid there and read as mojibake
(通知 → 閫氱煡). So, for a file declaring a legacy encoding (anything but UTF-8/16/32):

- `check_declared_encoding()` reads the bytes once: if all of them are valid UTF-8, some are
  not ASCII, and as UTF-8 they read as text (Chinese characters and punctuation, or any
  multi-byte letters under a single-byte declaration), the file is refused (`bad_encoding`)
  with the line and column of the first such character and both readings;
- `mojibake()` tells, for one value of a file that mixes encodings, whether it is UTF-8 text
  read in the legacy encoding (its bytes re-encoded are valid UTF-8 that reads as Chinese):
  the reader quarantines that document.

`locate_decode_error()` finds where bytes are invalid in their encoding, by line and column,
for the error message (libxml2 names the position of its conversion buffer, often line 1).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

Source = str | os.PathLike[str] | IO[bytes]

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_UNICODE = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_SINGLE_BYTE = re.compile(r"^(latin|iso8859|cp125|cp437|cp850|mac|koi8|ascii)")
# What Chinese text is made of besides ASCII: ideographs, CJK punctuation, full-width forms.
_PLAUSIBLE = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2010-\u2027\u2030-\u205e\u00b7]"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class EncodingMismatch:
    declared: str  # as the XML declaration writes it
    line: int
    column: int
    as_utf8: str  # the first text as it really is
    as_declared: str  # the same bytes as the declaration reads them (the mojibake)


def declared_encoding(head: bytes) -> str | None:
    """The codec name (Python's) of the file's XML declaration; None for UTF-16/32 by BOM or no
    declaration (UTF-8 by default), or an encoding Python does not know."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "utf-8" if head.startswith(b"\xef\xbb\xbf") else None
    match = _DECLARATION.match(head)
    if match is None:
        return "utf-8"
    try:
        return codecs.lookup(match[1].decode("ascii")).name
    except LookupError:
        return None


def is_legacy(codec: str | None) -> bool:
    return codec is not None and codec not in _UNICODE


@contextmanager
def _bytes_of(source: Source) -> Iterator[tuple[IO[bytes], int]]:
    """The file opened in binary mode, and where it starts (a file object is put back)."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream, 0
        return
    start = source.tell()
    try:
        yield source, start
    finally:
        source.seek(start)


def source_encoding(source: Source) -> str | None:
    with _bytes_of(source) as (stream, _start):
        return declared_encoding(stream.read(512))


def check_declared_encoding(source: Source) -> EncodingMismatch | None:
    """The mismatch, when a file declaring a legacy encoding is in fact UTF-8 (see module)."""
    with _bytes_of(source) as (stream, start):
        head = stream.read(512)
        codec = declared_encoding(head)
        if not is_legacy(codec):
            return None
        stream.seek(start)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        line, column, first_at, sample = 1, 0, None, []
        plausible = total = 0
        while chunk := stream.read(_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return None  # not UTF-8: the declared encoding may well be right
            if first_at is None:
                match = re.search(r"[^\x00-\x7f]", text)
                if match is None:
                    line += text.count("\n")
                    column = len(text) - text.rfind("\n") - 1 if "\n" in text else column + len(text)
                else:
                    before = text[: match.start()]
                    line += before.count("\n")
                    column = len(before) - before.rfind("\n") - 1 if "\n" in before else column + len(before)
                    first_at = (line, column + 1)
                    run = re.match(r"[^\x00-\x7f]{1,12}", text[match.start() :])
                    sample.append(run[0] if run else match[0])
            if total < 20_000:
                found = re.findall(r"[^\x00-\x7f]", text[:200_000])
                total += len(found)
                plausible += sum(1 for ch in found if _PLAUSIBLE.match(ch))
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    if first_at is None:
        return None  # ASCII only: any ASCII-compatible declaration reads it the same
    single_byte = bool(_SINGLE_BYTE.match(codec or ""))
    if not single_byte and plausible < 0.9 * total:
        return None  # valid UTF-8 by chance but not text: trust the declaration
    as_utf8 = sample[0]
    as_declared = as_utf8.encode("utf-8").decode(codec or "latin-1", "replace")
    match = _DECLARATION.match(head)
    label = match[1].decode("ascii") if match else codec or ""
    return EncodingMismatch(label, first_at[0], first_at[1], as_utf8, as_declared)


def mojibake(text: str, codec: str) -> str | None:
    """The real text when `text` is UTF-8 bytes read in `codec` (閫氱煡 → 通知), else None."""
    if not text or text.isascii():
        return None
    try:
        repaired = text.encode(codec).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError, LookupError):
        return None
    if repaired == text or len(repaired) >= len(text):
        return None  # UTF-8 read in a legacy encoding always makes more characters, not fewer
    if [ch for ch in repaired if ch.isascii()] != [ch for ch in text if ch.isascii()]:
        return None  # the ASCII of real mojibake is the ASCII of the text: none appears or goes
    letters = [ch for ch in repaired if not ch.isascii()]
    if not _HAN.search(repaired) or any(not _PLAUSIBLE.match(ch) for ch in letters):
        return None
    return repaired


def locate_decode_error(source: Source, codec: str) -> tuple[int, int, bytes] | None:
    """(line, column, the bad bytes) of the first bytes invalid in `codec`, both 1-based, the
    column counted in characters; None if the whole file decodes. Lines are split on the byte
    0x0A, which no byte of a multi-byte GBK/GB18030/Big5 or UTF-8 character can be."""
    if codec.startswith(("utf-16", "utf-32")):
        return None
    with _bytes_of(source) as (stream, _start):
        for number, raw in enumerate(stream, start=1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError as exc:
                column = len(raw[: exc.start].decode(codec, "replace")) + 1
                return number, column, raw[exc.start : min(exc.end + 1, exc.start + 4)]
            except LookupError:
                return None
    return None
