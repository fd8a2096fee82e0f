"""Checking an uploaded file before anything keeps it: 正文 (the body) or 附件 (an attachment).

The kind is decided by the content: magic bytes, then for zip-based formats the parts inside
(DOCX: `[Content_Types].xml` + `word/document.xml`; XLSX: `xl/workbook.xml`; PPTX:
`ppt/presentation.xml`; OFD: `OFD.xml` at the root, GB/T 33190) and for legacy Office files the
streams of the OLE2 container. The name is only checked against it: an extension that names
another kind, or one we do not know, is `type_mismatch`. A name without an extension is
accepted (phones and scanners produce them) and gets the kind's extension in `display_name`.

What is accepted (ADR 0008):

| purpose | kinds |
| --- | --- |
| body | DOCX, PDF, OFD |
| attachment | PDF, OFD, DOCX, XLSX, PPTX, DOC/XLS/PPT (also as .wps/.et/.dps, WPS Office's names for the same binary formats), TXT/CSV (UTF-8, UTF-16 with BOM, GB18030), JPEG, PNG |

Plain archives (zip, rar, 7z) are not accepted: what is inside would escape these checks and
search; each file is uploaded on its own.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import struct
import threading
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Literal

from django.conf import settings

from . import archives, ofd
from .errors import ContentRefused, FileErrorCode, FileRefused
from .xmlstream import START, XmlRefused, check_well_formed, iter_events, local, read_chunks

MiB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 50 * MiB
# A scanned A4 page at 600 dpi is 35 million pixels.
DEFAULT_MAX_IMAGE_PIXELS = 100_000_000
DISPLAY_NAME_MAX_CHARS = 100
PDF_PAGES_CHECKED = 2000

# PDFium is not thread-safe; web threads and workers share one lock per process.
PDFIUM_LOCK = threading.Lock()


class FileKind(StrEnum):
    PDF = "pdf"
    OFD = "ofd"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    DOC = "doc"
    XLS = "xls"
    PPT = "ppt"
    TXT = "txt"
    JPEG = "jpeg"
    PNG = "png"


@dataclass(frozen=True)
class KindInfo:
    mime_type: str
    extensions: tuple[str, ...]  # the first is the one added to a name without extension
    label: str


KINDS: dict[FileKind, KindInfo] = {
    FileKind.PDF: KindInfo("application/pdf", ("pdf",), "PDF"),
    FileKind.OFD: KindInfo("application/ofd", ("ofd",), "OFD"),
    FileKind.DOCX: KindInfo(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word（DOCX）"
    ),
    FileKind.XLSX: KindInfo(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel（XLSX）"
    ),
    FileKind.PPTX: KindInfo(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
        "PowerPoint（PPTX）",
    ),
    FileKind.DOC: KindInfo("application/msword", ("doc", "wps"), "Word 97-2003（DOC/WPS）"),
    FileKind.XLS: KindInfo("application/vnd.ms-excel", ("xls", "et"), "Excel 97-2003（XLS/ET）"),
    FileKind.PPT: KindInfo("application/vnd.ms-powerpoint", ("ppt", "dps"), "PowerPoint 97-2003（PPT/DPS）"),
    FileKind.TXT: KindInfo("text/plain", ("txt", "csv"), "纯文本"),
    FileKind.JPEG: KindInfo("image/jpeg", ("jpg", "jpeg"), "JPEG 图片"),
    FileKind.PNG: KindInfo("image/png", ("png",), "PNG 图片"),
}

Purpose = Literal["body", "attachment"]
BODY: Purpose = "body"
ATTACHMENT: Purpose = "attachment"
ALLOWED_KINDS: dict[str, frozenset[FileKind]] = {
    BODY: frozenset({FileKind.DOCX, FileKind.PDF, FileKind.OFD}),
    ATTACHMENT: frozenset(FileKind),
}
_ALLOWED_TEXT = {
    BODY: "正文只能是 DOCX、PDF 或 OFD 文件",
    ATTACHMENT: "附件可以是 PDF、OFD、Word、Excel、PowerPoint（含 WPS 格式）、纯文本、JPEG 或 PNG 文件",
}


@dataclass(frozen=True)
class InspectedFile:
    kind: FileKind
    mime_type: str
    size: int
    sha256: str
    display_name: str
    # The bytes that were checked: store and index these, not a second read of the upload.
    data: bytes = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """The display name (what DocumentFile.name keeps)."""
        return self.display_name


@dataclass(frozen=True)
class IntakeLimits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS

    @classmethod
    def from_settings(cls) -> IntakeLimits:
        return cls(
            max_file_bytes=getattr(settings, "OA_DOCUMENT_FILE_MAX_BYTES", DEFAULT_MAX_FILE_BYTES),
            max_image_pixels=getattr(settings, "OA_DOCUMENT_IMAGE_MAX_PIXELS", DEFAULT_MAX_IMAGE_PIXELS),
        )


def inspect_upload(
    name: str,
    data: bytes | IO[bytes],
    *,
    purpose: Purpose,
    field: str | None = "file",
) -> InspectedFile:
    """The checked file, or FileRefused with a code from FileErrorCode and a Chinese detail.

    `data` is the content or a binary file (a Django UploadedFile): it is read from the start,
    at most one byte past the limit, so an oversized upload is never read whole.
    """
    if purpose not in ALLOWED_KINDS:
        raise ValueError(f"unknown purpose {purpose!r}")
    limits = IntakeLimits.from_settings()
    shown = safe_display_name(name)
    content = _read_bounded(data, limits.max_file_bytes)
    if content is None:
        raise FileRefused(
            FileErrorCode.TOO_LARGE,
            f"文件“{shown}”超过大小上限 {_megabytes(limits.max_file_bytes)}。",
            field=field,
        )
    if not content:
        raise FileRefused(FileErrorCode.EMPTY_FILE, f"文件“{shown}”是空文件。", field=field)

    zip_limits = archives.ZipLimits.from_settings()
    try:
        kind, archive = _sniff(content, zip_limits)
        if kind not in ALLOWED_KINDS[purpose]:
            raise FileRefused(
                FileErrorCode.UNSUPPORTED_TYPE,
                f"{_ALLOWED_TEXT[purpose]}，“{shown}”是{KINDS[kind].label}文件。",
                field=field,
            )
        stem, extension = split_extension(shown)
        if extension is not None and extension not in KINDS[kind].extensions:
            raise FileRefused(
                FileErrorCode.TYPE_MISMATCH,
                f"文件“{shown}”的扩展名是 .{extension}，但内容是{KINDS[kind].label}文件，请确认后重新上传。",
                field=field,
            )
        _validate(kind, content, archive, limits, zip_limits)
    except ContentRefused as exc:
        if exc.code == FileErrorCode.UNSUPPORTED_TYPE:
            detail = f"不支持“{shown}”这类文件（{exc.reason}）。{_ALLOWED_TEXT[purpose]}。"
        else:
            detail = f"文件“{shown}”{exc.reason}。"
        raise FileRefused(exc.code, detail, field=field) from None

    if extension is None:
        shown = f"{stem}.{KINDS[kind].extensions[0]}"
    return InspectedFile(
        kind=kind,
        mime_type=KINDS[kind].mime_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        display_name=shown,
        data=content,
    )


def _megabytes(size: int) -> str:
    return f"{size // MiB} MB" if size >= MiB else f"{size} 字节"


def _read_bounded(data: bytes | IO[bytes], limit: int) -> bytes | None:
    """The content, or None when it is larger than `limit`."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data) if len(data) <= limit else None
    size = getattr(data, "size", None)
    if isinstance(size, int) and size > limit:
        return None
    if getattr(data, "seekable", lambda: False)():
        data.seek(0)
    buffer = bytearray()
    while len(buffer) <= limit:
        chunk = data.read(min(MiB, limit + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return bytes(buffer) if len(buffer) <= limit else None


# ---- names ---------------------------------------------------------------------------------

_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")
# Characters Windows refuses in file names; a downloaded file must save under its name.
_UNSAFE_IN_NAME = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")


def safe_display_name(name: str) -> str:
    """A name to show and to offer on download: no folders, no control or bidi characters
    (U+202E can make "报告\u202efdp.exe" look like a PDF), no characters Windows refuses, at
    most DISPLAY_NAME_MAX_CHARS characters with the extension kept. Chinese is kept as it is.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = _UNSAFE_IN_NAME.sub("_", name)
    name = " ".join(name.split()).rstrip(" .")
    if _WINDOWS_RESERVED.fullmatch(name):
        name = f"_{name}"
    if len(name) > DISPLAY_NAME_MAX_CHARS:
        stem, extension = split_extension(name)
        suffix = f".{extension}" if extension else ""
        name = stem[: DISPLAY_NAME_MAX_CHARS - len(suffix)].rstrip(" .") + suffix
    if not name or name.startswith("."):
        name = f"未命名{name}"
    return name


def split_extension(name: str) -> tuple[str, str | None]:
    """(stem, lower-case extension or None). "v1.0" or "通知（2024.3）" have no extension."""
    stem, dot, extension = name.rpartition(".")
    if dot and _EXTENSION.fullmatch(extension):
        return stem, extension.lower()
    return name, None


# ---- telling the kind --------------------------------------------------------------------

_PDF_MAGIC = b"%PDF-"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Named in the refusal so the user learns what the file really is.
_KNOWN_OTHERS = (
    (b"MZ", "可执行程序"),
    (b"\x7fELF", "可执行程序"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"GIF8", "GIF 图片"),
    (b"{\\rtf", "RTF 文档"),
)

_OOXML_PARTS = (
    ("word/document.xml", FileKind.DOCX),
    ("xl/workbook.xml", FileKind.XLSX),
    ("ppt/presentation.xml", FileKind.PPTX),
)


def _unsupported(what: str) -> ContentRefused:
    return ContentRefused(FileErrorCode.UNSUPPORTED_TYPE, what)


def _sniff(content: bytes, zip_limits: archives.ZipLimits) -> tuple[FileKind, zipfile.ZipFile | None]:
    if content.startswith(_PDF_MAGIC):
        return FileKind.PDF, None
    if content.startswith(archives.ZIP_MAGIC):
        archive = archives.open_zip(content, zip_limits)
        names = archive.NameToInfo
        if "[Content_Types].xml" in names:
            for part, kind in _OOXML_PARTS:
                if part in names:
                    return kind, archive
            raise _unsupported("未知的 Office 文档")
        if ofd.ROOT in names:
            return FileKind.OFD, archive
        raise _unsupported("压缩包")
    if content.startswith(_OLE_MAGIC):
        return _sniff_ole(content), None
    if content.startswith(_JPEG_MAGIC):
        return FileKind.JPEG, None
    if content.startswith(_PNG_MAGIC):
        return FileKind.PNG, None
    for magic, what in _KNOWN_OTHERS:
        if content.startswith(magic):
            raise _unsupported(what)
    if detect_text_encoding(content) is not None:
        return FileKind.TXT, None
    raise _unsupported("无法识别的格式")


def _sniff_ole(content: bytes) -> FileKind:
    """DOC, XLS or PPT by the streams of the OLE2 compound file; refuses macros and passwords."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(content)) as container:
            paths = [
                tuple(part.lower() for part in path)
                for path in container.listdir(streams=True, storages=True)
            ]
            top = {path[0] for path in paths}
            if "encryptedpackage" in top or "encryptioninfo" in top:
                raise ContentRefused(FileErrorCode.ENCRYPTED, "已加密，请去除打开密码后上传")
            if any(part in ("vba", "_vba_project_cur", "macros") for path in paths for part in path):
                raise ContentRefused(FileErrorCode.ACTIVE_CONTENT, "含有宏，请另存为不含宏的格式后上传")
            if "worddocument" in top:
                if _word_is_encrypted(container.openstream("WordDocument").read(12)):
                    raise ContentRefused(FileErrorCode.ENCRYPTED, "已加密，请去除打开密码后上传")
                return FileKind.DOC
            for stream in ("Workbook", "Book"):
                if stream.lower() in top:
                    if _workbook_is_encrypted(container.openstream(stream).read(64 * 1024)):
                        raise ContentRefused(FileErrorCode.ENCRYPTED, "已加密，请去除打开密码后上传")
                    return FileKind.XLS
            if "powerpoint document" in top:
                if "encryptedsummary" in top:
                    raise ContentRefused(FileErrorCode.ENCRYPTED, "已加密，请去除打开密码后上传")
                return FileKind.PPT
    except ContentRefused:
        raise
    except Exception as exc:  # olefile raises OSError and its own errors on malformed containers
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或格式不正确") from exc
    raise _unsupported("未知的 OLE 复合文档")


def _word_is_encrypted(fib: bytes) -> bool:
    """FIB: wIdent 0xA5EC, then at offset 0x0A the flags word whose bit 8 is fEncrypted."""
    if len(fib) < 12:
        return False
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 10)[0]
    return ident == 0xA5EC and bool(flags & 0x0100)


def _workbook_is_encrypted(stream: bytes) -> bool:
    """A FILEPASS record (0x002F) in the workbook globals, before their EOF record (0x000A)."""
    offset = 0
    while offset + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, offset)
        if record == 0x002F:
            return True
        if record == 0x000A:
            return False
        offset += 4 + length
    return False


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x19\x1c-\x1f\x7f]")


def detect_text_encoding(content: bytes) -> str | None:
    """The codec that reads `content` as plain text, or None if it is not plain text.

    A BOM decides; otherwise strict UTF-8, then GB18030 (a superset of GBK and GB2312, what
    Chinese Windows writes). Text has no control characters but tab, line and page breaks
    (and the SUB and ESC that old tools leave).
    """
    if content.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL_CHARACTERS.search(text) else encoding
    return None


# ---- checking the content of the kind ------------------------------------------------------

_OOXML_MAIN_PARTS = {
    FileKind.DOCX: (
        "/word/document.xml",
        ("wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"),
    ),
    FileKind.XLSX: ("/xl/workbook.xml", ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")),
    FileKind.PPTX: (
        "/ppt/presentation.xml",
        (
            "presentationml.presentation.main+xml",
            "presentationml.slideshow.main+xml",
            "presentationml.template.main+xml",
        ),
    ),
}
# Relationships that make Office fetch or run something when the file is opened (remote
# template injection is a common way into government networks).
_ACTIVE_EXTERNAL_RELATIONSHIPS = ("/attachedTemplate", "/oleObject", "/frame", "/subDocument")


def _validate(
    kind: FileKind,
    content: bytes,
    archive: zipfile.ZipFile | None,
    limits: IntakeLimits,
    zip_limits: archives.ZipLimits,
) -> None:
    try:
        if archive is not None:
            archives.stream_check(content, archive, zip_limits)
            if kind == FileKind.OFD:
                _check_ofd(archive)
            else:
                _check_ooxml(kind, archive)
        elif kind == FileKind.PDF:
            _check_pdf(content)
        elif kind == FileKind.JPEG:
            _check_pixels(_jpeg_size(content), limits)
        elif kind == FileKind.PNG:
            _check_pixels(_png_size(content), limits)
    except XmlRefused as exc:
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, f"已损坏或格式不正确（{exc}）") from exc
    except ofd.OfdStructureError as exc:
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, f"不是有效的 OFD 文件（{exc}）") from exc
    except (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        NotImplementedError,
    ) as exc:
        # What the parsers raise on damage the checks above did not name.
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或格式不正确") from exc


def _check_ooxml(kind: FileKind, archive: zipfile.ZipFile) -> None:
    main_part, accepted = _OOXML_MAIN_PARTS[kind]
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    with archive.open("[Content_Types].xml") as stream:
        for event, tag, attrs in iter_events(read_chunks(stream)):
            if event == START and isinstance(attrs, dict):
                if local(tag) == "Override":
                    overrides[attrs.get("PartName", "").lower()] = attrs.get("ContentType", "")
                elif local(tag) == "Default":
                    defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
    content_type = overrides.get(main_part, defaults.get("xml", ""))
    if "macroenabled" in content_type.lower():
        raise ContentRefused(FileErrorCode.ACTIVE_CONTENT, "含有宏，请另存为不含宏的格式后上传")
    if not content_type.endswith(accepted):
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或格式不正确（内容类型声明不符）")
    for name in archive.NameToInfo:
        lowered = name.lower()
        if lowered.endswith("vbaproject.bin") or "/activex/" in lowered:
            raise ContentRefused(
                FileErrorCode.ACTIVE_CONTENT, "含有宏或 ActiveX 控件，请另存为不含宏的格式后上传"
            )
        if lowered.endswith(".rels"):
            _check_relationships(archive, name)
    with archive.open(main_part.lstrip("/")) as stream:
        check_well_formed(read_chunks(stream))


def _check_relationships(archive: zipfile.ZipFile, name: str) -> None:
    with archive.open(name) as stream:
        for event, tag, attrs in iter_events(read_chunks(stream)):
            if (
                event == START
                and isinstance(attrs, dict)
                and local(tag) == "Relationship"
                and attrs.get("TargetMode", "").lower() == "external"
                and attrs.get("Type", "").endswith(_ACTIVE_EXTERNAL_RELATIONSHIPS)
            ):
                raise ContentRefused(FileErrorCode.ACTIVE_CONTENT, "引用了外部模板或对象，打开时会访问网络")


def _check_ofd(archive: zipfile.ZipFile) -> None:
    for root in ofd.document_roots(archive):
        pages = ofd.page_contents(archive, root)
        for page in pages:
            if page not in archive.NameToInfo:
                raise ofd.OfdStructureError(f"缺少页面“{page[:80]}”")


def _check_pdf(content: bytes) -> None:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    with PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(content)
        except pypdfium2.PdfiumError as exc:
            if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                raise ContentRefused(FileErrorCode.ENCRYPTED, "设有打开密码，请去除密码后上传") from exc
            raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或不是有效的 PDF 文件") from exc
        try:
            if len(document) == 0:
                raise ContentRefused(FileErrorCode.CORRUPT_FILE, "没有任何页面")
            if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
                raise ContentRefused(FileErrorCode.ACTIVE_CONTENT, "含有 JavaScript 脚本")
            # Pages must load: a body that cannot be shown or printed whole is no body. Loading
            # costs about half a millisecond a page; past PDF_PAGES_CHECKED, search copes.
            for index in range(min(len(document), PDF_PAGES_CHECKED)):
                document[index].close()
        except pypdfium2.PdfiumError as exc:
            raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或不是有效的 PDF 文件") from exc
        finally:
            document.close()


def _check_pixels(size: tuple[int, int], limits: IntakeLimits) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise ContentRefused(FileErrorCode.CORRUPT_FILE, "图片尺寸无效")
    if width * height > limits.max_image_pixels:
        raise ContentRefused(
            FileErrorCode.TOO_LARGE, f"图片像素过多（{width}×{height}，上限 {limits.max_image_pixels} 像素）"
        )


# Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(content: bytes) -> tuple[int, int]:
    offset = 2
    while offset + 4 <= len(content):
        if content[offset] != 0xFF:
            break
        marker = content[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            offset += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame
            break
        (length,) = struct.unpack_from(">H", content, offset + 2)
        if marker in _JPEG_FRAMES:
            if offset + 9 > len(content):
                break
            height, width = struct.unpack_from(">HH", content, offset + 5)
            return width, height
        offset += 2 + length
    raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或不是有效的 JPEG 图片")


def _png_size(content: bytes) -> tuple[int, int]:
    """IHDR's size, after walking every chunk to IEND with its CRC."""
    offset = len(_PNG_MAGIC)
    size: tuple[int, int] | None = None
    while offset + 12 <= len(content):
        length, chunk = struct.unpack_from(">L4s", content, offset)
        end = offset + 12 + length
        if end > len(content):
            break
        body = content[offset + 4 : offset + 8 + length]
        if zlib.crc32(body) != struct.unpack_from(">L", content, end - 4)[0]:
            break
        if size is None:
            if chunk != b"IHDR" or length != 13:
                break
            size = struct.unpack_from(">LL", content, offset + 8)
        if chunk == b"IEND":
            if size is not None:
                return size
            break
        offset = end
    raise ContentRefused(FileErrorCode.CORRUPT_FILE, "已损坏或不是有效的 PNG 图片")
