"""The 移交 package: a year's archive for the archives (档案馆), after DA/T 46-2009 (文书类电子文件
元数据方案) and GB/T 18894-2016 (电子文件归档与电子档案管理规范).

A zip of:
  metadata.xml      移交信息 and one 件 per item: the DA/T 46 elements (档号 and its parts, 题名,
                    文件编号, 责任者, 日期, 文种, 密级, ...) and each 计算机文件 with its SHA-256 数字摘要
  files/NNNN/...    the item's 版式文件 (rendered.pdf) and its other files as filed
  manifest.sha256   "<sha256>  <path>" for every other member (checkable with `sha256sum -c`)

Verifying re-reads a package as an archives would receive it: the zip is checked like any
upload (oa.documents.archives: size, zip bombs, unsafe names), every member must be in the
manifest with its digest, and the metadata's digests must agree with the files.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

from lxml import etree

from oa.archive.catalogue import item_date, responsible
from oa.documents import archives
from oa.documents.models import Classification, Document, DocumentFile, Retention, Urgency

FORMAT = "govoa-archive-transfer/1"
NAMESPACE = "urn:govoa:archive:transfer:1"
METADATA = "metadata.xml"
MANIFEST = "manifest.sha256"
BASIS = "DA/T 22-2015；DA/T 46-2009；GB/T 18894-2016"
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")
_MEMBER = re.compile(r"files/\d{4,6}/[a-z0-9-]{1,40}\.[a-z0-9]{1,5}")


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: ET.Element, name: str, text="", **attrs) -> ET.Element:
    element = ET.SubElement(parent, _q(name), {k: str(v) for k, v in attrs.items()})
    element.text = "" if text is None else str(text)
    return element


def _extension(name: str, fallback: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext if re.fullmatch(r"[a-z0-9]{1,5}", ext) else fallback


@dataclass
class PackageFile:
    path: str
    data: bytes
    role: str
    name: str
    format: str


def item_files(item: Document, index: int) -> list[PackageFile]:
    """The 版式文件 (the kept rendered PDF, or one rendered now) and the item's other files."""
    from oa.documents import pdf
    from oa.documents.storage import open_blob

    folder = f"files/{index:04d}"
    kept = pdf.kept_pdf(item)
    if kept is not None:
        with open_blob(kept.sha256) as stream:
            rendered = stream.read()
    else:
        rendered = pdf.render(item)
    out = [PackageFile(f"{folder}/rendered.pdf", rendered, "版式文件", f"{item.archive_code}.pdf", "PDF")]
    others = (
        item.files.filter(removed_at__isnull=True)
        .exclude(role=DocumentFile.Role.RENDERED)
        .order_by("role", "order", "id")
    )
    for n, f in enumerate(others, start=1):
        with open_blob(f.sha256) as stream:
            data = stream.read()
        role = "正文" if f.role == DocumentFile.Role.BODY else "附件"
        ext = _extension(f.name, f.kind or "bin")
        out.append(
            PackageFile(f"{folder}/{f.role}-{n:02d}.{ext}", data, role, f.name, (f.kind or ext).upper())
        )
    return out


@dataclass
class BuiltTransfer:
    data: bytes
    sha256: str
    item_count: int


def build_package(
    items: list[Document], *, identifier: str, unit_name: str, fonds: str, year: int, by: str, at: datetime
) -> BuiltTransfer:
    root = ET.Element(_q("电子档案移交包"), {"格式": FORMAT, "标识": identifier})
    info = _sub(root, "移交信息")
    _sub(info, "移交单位", unit_name)
    _sub(info, "全宗号", fonds)
    _sub(info, "年度", year)
    _sub(info, "件数", len(items))
    _sub(info, "移交时间", at.isoformat())
    _sub(info, "移交人", by)
    _sub(info, "依据", BASIS)
    entities = _sub(root, "档案实体")
    members: list[tuple[str, bytes]] = []
    for index, item in enumerate(items, start=1):
        entry = _sub(entities, "件", 序号=index)
        _sub(entry, "聚合层次", "件")
        for name, value in (
            ("档号", item.archive_code),
            ("全宗号", item.fonds),
            ("门类代码", "WS"),
            ("年度", item.year),
            ("保管期限", _label(Retention, item.retention)),
            ("机构或问题", item.org),
            ("件号", f"{item.item_no:04d}" if item.item_no else ""),
            ("题名", item.title),
            ("文件编号", item.doc_number),
            ("责任者", responsible(item)),
            ("日期", item_date(item)),
            ("文种", item.doc_type),
            ("密级", _label(Classification, item.classification)),
            ("保密期限", item.secrecy_period),
            ("紧急程度", _label(Urgency, item.urgency)),
            ("主送", item.main_recipients),
            ("抄送", item.copy_to),
            ("归档时间", item.archived_at.isoformat() if item.archived_at else ""),
            ("公文标识", item.identifier),
        ):
            _sub(entry, name, value)
        for n, f in enumerate(item_files(item, index), start=1):
            computer = _sub(entry, "计算机文件", 序号=n)
            _sub(computer, "计算机文件名", f.path)
            _sub(computer, "原文件名", f.name)
            _sub(computer, "文件角色", f.role)
            _sub(computer, "格式名称", f.format)
            _sub(computer, "计算机文件大小", len(f.data))
            _sub(computer, "数字摘要", hashlib.sha256(f.data).hexdigest(), 算法="SHA-256")
            members.append((f.path, f.data))
    ET.register_namespace("", NAMESPACE)
    metadata = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    members.insert(0, (METADATA, metadata))
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest.encode("ascii"))
        for path, data in members:
            archive.writestr(path, data)
    data = buffer.getvalue()
    return BuiltTransfer(data=data, sha256=hashlib.sha256(data).hexdigest(), item_count=len(items))


# --- verifying ----------------------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool = False
    identifier: str = ""
    fonds: str = ""
    year: int | None = None
    item_count: int = 0
    file_count: int = 0
    sha256: str = ""
    archive_codes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _limits() -> archives.ZipLimits:
    base = archives.ZipLimits.from_settings()
    return archives.ZipLimits(
        max_members=base.max_members,
        max_uncompressed=MAX_PACKAGE_BYTES * 2,
        max_member_ratio=base.max_member_ratio,
        max_total_ratio=base.max_total_ratio,
        max_depth=base.max_depth + 1,
        max_nested_bytes=base.max_nested_bytes,
    )


def _text(element, name: str) -> str:
    found = element.find(_q(name))
    return (found.text or "").strip() if found is not None else ""


def verify_package(data: bytes) -> Verification:
    """Check a package without trusting any of it; every problem found is listed."""
    from oa.documents.errors import ContentRefused

    result = Verification(sha256=hashlib.sha256(data).hexdigest())
    problems = result.problems
    if len(data) > MAX_PACKAGE_BYTES:
        problems.append("移交包过大。")
        return result
    try:
        archive = archives.open_zip(data, _limits())
        archives.stream_check(data, archive, _limits())
    except ContentRefused as exc:
        problems.append(f"移交包不是有效的压缩包：{exc.reason}")
        return result
    names = set(archive.namelist())
    if MANIFEST not in names or METADATA not in names:
        problems.append("移交包缺少 manifest.sha256 或 metadata.xml。")
        return result
    listed: dict[str, str] = {}
    for line in archive.read(MANIFEST).decode("ascii", "replace").splitlines():
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None:
            problems.append(f"清单行格式错误：{line[:80]}")
            continue
        listed[match[2]] = match[1]
    for name in sorted(names - {MANIFEST}):
        if name not in listed:
            problems.append(f"文件“{name}”不在清单中。")
        elif hashlib.sha256(archive.read(name)).hexdigest() != listed[name]:
            problems.append(f"文件“{name}”的 SHA-256 与清单不符。")
    for name in sorted(set(listed) - names):
        problems.append(f"清单中的文件“{name}”不在移交包中。")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(archive.read(METADATA), parser)
    except etree.XMLSyntaxError as exc:
        problems.append(f"metadata.xml 格式错误（第 {exc.lineno} 行）。")
        return result
    if root.tag != _q("电子档案移交包") or root.get("格式") != FORMAT:
        problems.append("metadata.xml 不是本平台的电子档案移交包。")
        return result
    result.identifier = root.get("标识") or ""
    info = root.find(_q("移交信息"))
    if info is None:
        problems.append("metadata.xml 缺少移交信息。")
        return result
    result.fonds = _text(info, "全宗号")
    year = _text(info, "年度")
    result.year = int(year) if year.isdigit() else None
    entries = root.findall(f"{_q('档案实体')}/{_q('件')}")
    result.item_count = len(entries)
    if _text(info, "件数") != str(len(entries)):
        problems.append("移交信息的件数与档案实体不符。")
    described: set[str] = set()
    for entry in entries:
        code = _text(entry, "档号")
        result.archive_codes.append(code)
        if not code:
            problems.append("有一件档案缺少档号。")
        if result.year and _text(entry, "年度") != str(result.year):
            problems.append(f"档案“{code}”的年度与移交年度不符。")
        files = entry.findall(_q("计算机文件"))
        if not any(_text(f, "文件角色") == "版式文件" for f in files):
            problems.append(f"档案“{code}”缺少版式文件。")
        for f in files:
            path = _text(f, "计算机文件名")
            digest = _text(f, "数字摘要")
            described.add(path)
            result.file_count += 1
            if not _MEMBER.fullmatch(path) or path not in names:
                problems.append(f"档案“{code}”的文件“{path}”不在移交包中。")
            elif hashlib.sha256(archive.read(path)).hexdigest() != digest:
                problems.append(f"档案“{code}”的文件“{path}”与元数据中的数字摘要不符。")
    for name in sorted(names - described - {MANIFEST, METADATA}):
        problems.append(f"文件“{name}”没有在元数据中著录。")
    result.ok = not problems
    return result
