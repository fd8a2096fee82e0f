"""Small files of every kind, built here byte by byte so the tests need no sample binaries.

Each builder writes the least that real readers accept: a DOCX is its content types, its
relationships and word/document.xml; an OFD is OFD.xml, Document.xml and one Content.xml per
page (GB/T 33190); a PDF has a Type0 font with a ToUnicode map so its Chinese can be read back;
DOC/XLS are OLE2 compound files with the streams that name them.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def zip_bytes(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# ---- OOXML -----------------------------------------------------------------------------------


def docx_members(
    paragraphs: list[str], *, table: list[list[str]] | None = None, main_type: str = DOCX_MAIN
) -> dict[str, bytes | str]:
    body = "".join(f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>" for text in paragraphs)
    if table:
        rows = "".join(
            "<w:tr>"
            + "".join(f"<w:tc><w:p><w:r><w:t>{escape(cell)}</w:t></w:r></w:p></w:tc>" for cell in row)
            + "</w:tr>"
            for row in table
        )
        body += f"<w:tbl>{rows}</w:tbl>"
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }


def docx(paragraphs: list[str], **kwargs) -> bytes:
    return zip_bytes(docx_members(paragraphs, **kwargs))


def xlsx(rows: list[list[object]], *, title: str = "收文登记") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx(slides: list[list[str]]) -> bytes:
    a_ns = "http://schemas.openxmlformats.org/drawingml/2006/main"
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
        ),
        "ppt/presentation.xml": '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    }
    for number, paragraphs in enumerate(slides, start=1):
        runs = "".join(f"<a:p><a:r><a:t>{escape(text)}</a:t></a:r></a:p>" for text in paragraphs)
        members[f"ppt/slides/slide{number}.xml"] = (
            f'<p:sld xmlns:p="p" xmlns:a="{a_ns}"><p:txBody>{runs}</p:txBody></p:sld>'
        )
    return zip_bytes(members)


# ---- OFD ------------------------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"


def ofd_members(pages: list[list[str]], *, per_character: bool = False) -> dict[str, bytes | str]:
    """One document, one Content.xml per page; each line a TextObject at its own baseline,
    or (per_character) one TextObject per character, as many converters write them."""
    page_list = "".join(
        f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    members: dict[str, bytes | str] = {
        "OFD.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>abc</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
            "<ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
            f"</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>"
        ),
    }
    for index, lines in enumerate(pages):
        objects = []
        for line_number, line in enumerate(lines):
            y = 40 + line_number * 10
            if per_character:
                for column, character in enumerate(line):
                    objects.append(
                        f'<ofd:TextObject ID="{len(objects) + 1}" Boundary="{28 + column * 5} {y} 5 8" Font="1" Size="5">'
                        f'<ofd:TextCode X="0" Y="4">{escape(character)}</ofd:TextCode></ofd:TextObject>'
                    )
            else:
                objects.append(
                    f'<ofd:TextObject ID="{len(objects) + 1}" Boundary="28 {y} 156 8" Font="1" Size="5">'
                    f'<ofd:TextCode X="0" Y="4" DeltaX="g {len(line) - 1} 5">{escape(line)}</ofd:TextCode>'
                    "</ofd:TextObject>"
                )
        members[f"Doc_0/Pages/Page_{index}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="1">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    return members


def ofd(pages: list[list[str]], **kwargs) -> bytes:
    return zip_bytes(ofd_members(pages, **kwargs))


# ---- PDF ------------------------------------------------------------------------------------


def pdf(lines: list[str], *, javascript: bool = False, encrypted: bool = False) -> bytes:
    """One A4 page with each line drawn in a CID font; the ToUnicode map makes it searchable."""
    characters = sorted(set("".join(lines)))
    code = {character: index + 1 for index, character in enumerate(characters)}
    shown = "".join("<" + "".join(f"{code[c]:04X}" for c in line) + "> Tj T*\n" for line in lines)
    content = f"BT /F1 14 Tf 18 TL 72 760 Td\n{shown}ET".encode()
    mappings = []
    for start in range(0, len(characters), 100):
        block = characters[start : start + 100]
        mappings.append(
            f"{len(block)} beginbfchar\n"
            + "".join(f"<{code[c]:04X}> <{c.encode('utf-16-be').hex().upper()}>\n" for c in block)
            + "endbfchar\n"
        )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "".join(mappings)
        + "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if javascript:
        catalog += b" /Names << /JavaScript << /Names [(hello) 9 0 R] >> >>"
    objects = [
        catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light /CIDToGIDMap /Identity"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
        # Standard security handler whose /U cannot come from the empty user password: a
        # reader must ask for one.
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if encrypted:
        trailer += b" /Encrypt 10 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">]"
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ---- images ---------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))


def png(width: int = 2, height: int = 2, *, declared: tuple[int, int] | None = None) -> bytes:
    """A grey image; `declared` writes other dimensions into IHDR than the pixels drawn."""
    w, h = declared or (width, height)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">LLBBBBB", w, h, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def jpeg(width: int = 16, height: int = 16) -> bytes:
    """The markers a reader walks to the frame header; no image data worth decoding."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
        + b"\xff\xc0" + struct.pack(">H", len(sof0) + 2) + sof0
        + b"\xff\xd9"
    )  # fmt: skip


# ---- OLE2 compound files (DOC, XLS) -----------------------------------------------------------

_FREE, _END, _FAT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole(tree: dict[str, bytes | dict]) -> bytes:
    """A version 3 compound file holding `tree` (name → stream bytes, or → a storage's tree).

    Streams are padded to 4096 bytes so they all live in regular sectors (no mini stream); one
    FAT sector covers the 128 sectors that leaves room for.
    """
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]

    def add(subtree: dict, parent: int) -> None:
        for name, value in subtree.items():
            index = len(entries)
            entries[parent]["children"].append(index)
            if isinstance(value, dict):
                entries.append({"name": name, "type": 1, "children": []})
                add(value, index)
            else:
                entries.append({"name": name, "type": 2, "data": value.ljust(4096, b"\x00")})

    add(tree, 0)
    directory_sectors = (len(entries) + 3) // 4
    next_sector = 1 + directory_sectors
    fat = [_FAT] + [i + 2 for i in range(directory_sectors - 1)] + [_END]
    stream_data = bytearray()
    for entry in entries:
        if entry["type"] == 2:
            count = len(entry["data"]) // 512
            entry["start"] = next_sector
            fat += [next_sector + i + 1 for i in range(count - 1)] + [_END]
            next_sector += count
            stream_data += entry["data"]
    assert len(fat) <= 128
    fat += [_FREE] * (128 - len(fat))

    def key(index: int) -> tuple[int, str]:
        name = entries[index]["name"]
        return len(name), name.upper()

    records = bytearray()
    for entry in entries:
        children = sorted(entry.get("children", []), key=key)
        for left, right in itertools.pairwise(children):
            entries[left]["right"] = right
        entry["child"] = children[0] if children else _NONE
    for entry in entries:
        name = (entry["name"] + "\x00").encode("utf-16-le")
        records += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,
            _NONE,
            entry.get("right", _NONE),
            entry["child"],
            b"\x00" * 16,
            0,
            0,
            0,
            entry.get("start", _END),
            len(entry.get("data", b"")),
        )
    records += b"\x00" * (directory_sectors * 512 - len(records))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        1,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", 0, *([_FREE] * 108))
    return header + struct.pack("<128I", *fat) + bytes(records) + bytes(stream_data)


def word_fib(*, encrypted: bool = False) -> bytes:
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0, 0x0100 if encrypted else 0)


def workbook_stream(*, encrypted: bool = False) -> bytes:
    records = struct.pack("<HH", 0x0809, 16) + b"\x00\x06\x05\x00" + b"\x00" * 12
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + b"\x00" * 6
    return records + struct.pack("<HH", 0x000A, 0)


# ---- damage -----------------------------------------------------------------------------------


def damaged(seed: int, count: int):
    """`count` copies of the samples above with a few bytes changed, cut or inserted: what a
    bad disk, a truncated transfer or a careless fuzzer makes of them."""
    import random

    originals = [
        docx(["通知", "正文"], table=[["甲", "乙"]]),
        xlsx([["文号"], ["厦府〔2026〕1号"]]),
        pptx([["汇报"]]),
        ofd([["厦门市人民政府", "通知"]]),
        pdf(["厦门市人民政府文件"]),
        png(),
        jpeg(),
        ole({"WordDocument": word_fib()}),
        ole({"Workbook": workbook_stream()}),
        "纯文本".encode(),
    ]
    rng = random.Random(seed)
    for _ in range(count):
        data = bytearray(rng.choice(originals))
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data) or 1)
            choice = rng.random()
            if choice < 0.6 and position < len(data):
                data[position] = rng.randrange(256)
            elif choice < 0.8:
                del data[position : position + rng.randint(1, 50)]
            else:
                data[position:position] = rng.randbytes(rng.randint(1, 20))
        yield bytes(data)
