"""Base64 payloads: attachment <filedata>, pictures, <rawitemdata>/<itemdata>.

DXL wraps base64 at 76 columns. The text is decoded a slice at a time so a large attachment is
not copied again whole just to drop its line breaks, and strictly: a stray character, bad
padding or data after the padding is an error (the document is quarantined), never guessed at.
"""

from __future__ import annotations

import binascii

_SLICE = 1 << 20  # characters per decode step
_WHITESPACE = str.maketrans("", "", " \t\r\n")


def decode_base64(text: str | None) -> bytes:
    """The bytes of a DXL base64 text; ValueError (binascii.Error) if it is not valid base64."""
    if not text:
        return b""
    out = bytearray()
    carry = ""
    padded = False
    for start in range(0, len(text), _SLICE):
        piece = carry + text[start : start + _SLICE].translate(_WHITESPACE)
        usable = len(piece) - len(piece) % 4
        carry = piece[usable:]
        if not usable:
            continue
        if padded:
            raise binascii.Error("data after the base64 padding")
        out += binascii.a2b_base64(piece[:usable], strict_mode=True)
        padded = piece[usable - 1] == "="
    if carry:
        raise binascii.Error(f"base64 text is {len(carry)} character(s) short of a full group")
    return bytes(out)
