"""Zip-based files (DOCX, XLSX, PPTX, OFD) checked for bombs without extracting anything.

Two passes, both in memory and bounded:

1. `open_zip` reads the end-of-central-directory record itself before letting `zipfile` parse
   the directory (so a directory of a million entries is refused before a million ZipInfo
   objects exist), then checks every entry: member count, declared sizes and ratios, names that
   would escape a folder, duplicates, links, encryption, compression methods, and that no two
   entries' data overlap (the overlapping-entries bomb reuses one compressed kernel many times).
2. `stream_check` inflates every member with its own zlib object, counting the bytes actually
   produced: a member that produces more than its entry declares is a bomb whatever the
   declared sizes said, and the CRC must match. Members that are zips themselves (an Excel
   sheet embedded in a Word file) are checked the same way, to a limited depth, sharing one
   budget with their parent.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

from .errors import ContentRefused, FileErrorCode

ZIP_MAGIC = b"PK\x03\x04"
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CHUNK = 64 * 1024
# Ratios are only judged past these sizes: a small part that compresses well is no threat, and
# tiny members have ratios that mean nothing.
_MEMBER_RATIO_FLOOR = 1024 * 1024
_TOTAL_RATIO_FLOOR = 16 * 1024 * 1024
# A central directory entry is at least 46 bytes plus its name; OOXML and OFD names are short.
_DIRECTORY_BYTES_PER_MEMBER = 1024

MiB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 10_000
    max_uncompressed: int = 512 * MiB
    max_member_ratio: int = 200
    max_total_ratio: int = 100
    # 1: a file may contain zips (an embedded workbook); 2: those may contain zips too.
    max_depth: int = 2
    # An embedded archive is checked in memory, so it may not be bigger than a file we accept.
    max_nested_bytes: int = 50 * MiB

    @classmethod
    def from_settings(cls) -> ZipLimits:
        return cls(
            max_members=getattr(settings, "OA_DOCUMENT_ZIP_MAX_MEMBERS", cls.max_members),
            max_uncompressed=getattr(
                settings, "OA_DOCUMENT_ZIP_MAX_UNCOMPRESSED_BYTES", cls.max_uncompressed
            ),
            max_member_ratio=getattr(settings, "OA_DOCUMENT_ZIP_MAX_MEMBER_RATIO", cls.max_member_ratio),
            max_total_ratio=getattr(settings, "OA_DOCUMENT_ZIP_MAX_TOTAL_RATIO", cls.max_total_ratio),
            max_depth=getattr(settings, "OA_DOCUMENT_ZIP_MAX_DEPTH", cls.max_depth),
            max_nested_bytes=getattr(settings, "OA_DOCUMENT_FILE_MAX_BYTES", cls.max_nested_bytes),
        )


@dataclass
class _Budget:
    """What a file and everything nested in it have used so far."""

    outer_size: int
    members: int = 0
    uncompressed: int = 0


def _bomb(reason: str) -> ContentRefused:
    return ContentRefused(FileErrorCode.ZIP_BOMB, reason)


def _corrupt(reason: str = "已损坏或不是有效的压缩格式") -> ContentRefused:
    return ContentRefused(FileErrorCode.CORRUPT_FILE, reason)


def _directory_size(data: bytes) -> tuple[int, int]:
    """(entry count, central directory size) from the end records, zip64 included."""
    tail_start = max(0, len(data) - (_EOCD.size + 0xFFFF))
    position = data.rfind(b"PK\x05\x06", tail_start)
    if position < 0 or position + _EOCD.size > len(data):
        raise _corrupt()
    _sig, _disk, _cd_disk, _entries_here, entries, cd_size, _cd_offset, _comment = _EOCD.unpack_from(
        data, position
    )
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or _cd_offset == 0xFFFFFFFF:
        locator = position - _ZIP64_LOCATOR.size
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            raise _corrupt()
        _sig, _disk, offset, _disks = _ZIP64_LOCATOR.unpack_from(data, locator)
        if offset + _ZIP64_EOCD.size > len(data) or data[offset : offset + 4] != b"PK\x06\x06":
            raise _corrupt()
        fields = _ZIP64_EOCD.unpack_from(data, offset)
        entries, cd_size = fields[7], fields[8]
    return entries, cd_size


def _check_name(name: str) -> None:
    if "\x00" in name or any(ord(c) < 0x20 for c in name):
        raise ContentRefused(FileErrorCode.UNSAFE_ARCHIVE, "内含名称带控制字符的文件")
    normalised = name.replace("\\", "/")
    parts = normalised.split("/")
    if normalised.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise ContentRefused(FileErrorCode.UNSAFE_ARCHIVE, f"内含越出目录的路径“{name[:80]}”")


def open_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive with its directory checked (pass 1); refuses with ContentRefused."""
    entries, cd_size = _directory_size(data)
    if entries > limits.max_members or cd_size > max(MiB, limits.max_members * _DIRECTORY_BYTES_PER_MEMBER):
        raise _bomb(f"内含文件过多（上限 {limits.max_members} 个）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile raises BadZipFile, ValueError, struct.error, ... on junk
        raise _corrupt() from exc
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _bomb(f"内含文件过多（上限 {limits.max_members} 个）")

    seen: set[str] = set()
    declared_total = 0
    for info in infos:
        _check_name(info.filename)
        if info.filename in seen:
            raise ContentRefused(FileErrorCode.UNSAFE_ARCHIVE, f"内含重名文件“{info.filename[:80]}”")
        seen.add(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ContentRefused(FileErrorCode.UNSAFE_ARCHIVE, "内含符号链接")
        if info.flag_bits & 0x41:  # bit 0: encrypted, bit 6: strong encryption
            raise ContentRefused(FileErrorCode.ENCRYPTED, "已加密，请去除密码后上传")
        # Bit 5 (patched data) and bit 13 (masked headers) are PKWARE extensions no Office or
        # OFD writer uses, and zipfile cannot read them.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x2020:
            raise _corrupt("使用了不支持的压缩方式")
        declared_total += info.file_size
        if info.file_size > _MEMBER_RATIO_FLOOR and info.file_size > limits.max_member_ratio * max(
            info.compress_size, 1
        ):
            raise _bomb(f"内含文件压缩比异常（超过 {limits.max_member_ratio}:1），疑似压缩炸弹")
    if declared_total > limits.max_uncompressed:
        raise _bomb(f"解压后大小超过上限 {limits.max_uncompressed // MiB} MB，疑似压缩炸弹")
    _check_layout(data, archive, infos)
    return archive


def _check_layout(data: bytes, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Each entry's local header is where it says, names agree, and data ranges do not overlap."""
    directory_start = getattr(archive, "start_dir", len(data))
    ordered = sorted(infos, key=lambda info: info.header_offset)
    previous_end = 0
    for info in ordered:
        start = info.header_offset
        if start < previous_end:
            raise _bomb("内含相互重叠的文件数据，疑似压缩炸弹")
        data_start = _data_start(data, info)
        previous_end = data_start + info.compress_size
        if previous_end > directory_start:
            raise _corrupt()


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    start = info.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        raise _corrupt()
    fields = _LOCAL_HEADER.unpack_from(data, start)
    if fields[0] != ZIP_MAGIC:
        raise _corrupt()
    name_length, extra_length = fields[9], fields[10]
    name_start = start + _LOCAL_HEADER.size
    raw_name = data[name_start : name_start + name_length]
    expected = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if raw_name != expected:
        # Two parsers reading different names for one member is the basis of zip confusion.
        raise ContentRefused(FileErrorCode.UNSAFE_ARCHIVE, "内含目录与文件头名称不一致的文件")
    return name_start + name_length + extra_length


def stream_check(
    data: bytes,
    archive: zipfile.ZipFile,
    limits: ZipLimits,
    *,
    depth: int = 0,
    budget: _Budget | None = None,
) -> None:
    """Pass 2: inflate every member, counting real bytes against the limits."""
    budget = budget or _Budget(outer_size=len(data))
    for info in archive.infolist():
        budget.members += 1
        if budget.members > limits.max_members:
            raise _bomb(f"内含文件过多（上限 {limits.max_members} 个）")
        nested = _inflate_member(data, info, limits, budget, depth)
        if nested is not None:
            inner = open_zip(nested, limits)
            stream_check(nested, inner, limits, depth=depth + 1, budget=budget)
    if budget.uncompressed > _TOTAL_RATIO_FLOOR and budget.uncompressed > limits.max_total_ratio * max(
        budget.outer_size, 1
    ):
        raise _bomb(f"整体压缩比异常（超过 {limits.max_total_ratio}:1），疑似压缩炸弹")


def _inflate_member(
    data: bytes, info: zipfile.ZipInfo, limits: ZipLimits, budget: _Budget, depth: int
) -> bytes | None:
    """Inflate one member; returns its bytes only when it is itself a zip to check."""
    start = _data_start(data, info)
    source = memoryview(data)[start : start + info.compress_size]
    if len(source) != info.compress_size:
        raise _corrupt()
    produced = 0
    crc = 0
    nested: bytearray | None = None
    head = b""  # the member's first bytes, until there are enough to tell a nested zip

    def take(out: bytes) -> None:
        nonlocal produced, crc, nested, head
        if not out:
            return
        produced += len(out)
        budget.uncompressed += len(out)
        if produced > info.file_size:
            raise _bomb("内含文件的实际解压大小超过其声明大小，疑似压缩炸弹")
        if budget.uncompressed > limits.max_uncompressed:
            raise _bomb(f"解压后大小超过上限 {limits.max_uncompressed // MiB} MB，疑似压缩炸弹")
        if produced > _MEMBER_RATIO_FLOOR and produced > limits.max_member_ratio * max(info.compress_size, 1):
            raise _bomb(f"内含文件压缩比异常（超过 {limits.max_member_ratio}:1），疑似压缩炸弹")
        crc = zlib.crc32(out, crc)
        if len(head) < len(ZIP_MAGIC):
            earlier = head
            head += out[: len(ZIP_MAGIC) - len(head)]
            if head == ZIP_MAGIC:
                if depth + 1 > limits.max_depth:
                    raise _bomb(f"压缩包嵌套层数超过 {limits.max_depth} 层")
                nested = bytearray(earlier)
        if nested is not None:
            if len(nested) + len(out) > limits.max_nested_bytes:
                raise _bomb("内嵌的压缩文件过大")
            nested += out

    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(source), _CHUNK):
            take(bytes(source[offset : offset + _CHUNK]))
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        position = 0
        try:
            while True:
                if inflater.unconsumed_tail:
                    feed = inflater.unconsumed_tail
                elif position < len(source):
                    feed = bytes(source[position : position + _CHUNK])
                    position += len(feed)
                else:
                    feed = b""
                out = inflater.decompress(feed, _CHUNK)
                take(out)
                if inflater.eof:
                    break
                if not feed and not out:
                    raise _corrupt()  # the compressed data ended before the deflate stream did
        except zlib.error as exc:
            raise _corrupt() from exc
    if produced != info.file_size or crc != info.CRC:
        raise _corrupt()
    return bytes(nested) if nested is not None else None
