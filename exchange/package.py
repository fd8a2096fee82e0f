"""The exchange package (交换包): what travels between units, and how it is checked.

A package is a zip of

    document.pdf         the sealed GB/T 9704 版式文件 (the sender's kept `rendered` file)
    attachments/NN.ext   the 附件, in order
    metadata.xml         the GB/T 33480 metadata (公文标识, 文种, 标题, 发文字号, ...), file list;
                         a 会议通知 (类型 meeting_notice) also its 会议 element (time, place, ...);
                         a 信息发布 item (类型 notice) its 信息 element (栏目, 有效期, 正文)
    manifest.json        format, package id, sender, key id, and every member's SHA-256 and size
    signature.json       Ed25519 over the exact bytes of manifest.json, by the sender's key

Member paths are ASCII (display names are in metadata.xml), so no zip reader can disagree on
them. `verify_package` refuses anything that is not exactly this: archive checks first (no
bombs, no traversal, no overlapping members: oa/documents/archives.py), then the member list,
the signature against the key the hub holds for the sender, every digest, and the metadata.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from exchange import keys
from oa.documents import archives
from oa.documents.errors import ContentRefused, FileErrorCode
from oa.documents.models import Classification, DocType, PublishLevel, Urgency
from templates_lib.xmldoc import XmlError, parse_xml

FORMAT = "govoa-exchange-package/1"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
METADATA = "metadata.xml"
RENDERED = "document.pdf"
MAX_ATTACHMENTS = 100
# manifest.json and metadata.xml are small; anything bigger is not ours.
MAX_CONTROL_BYTES = 1024 * 1024
_ATTACHMENT_PATH = re.compile(r"attachments/(\d{2,3})\.([a-z0-9]{1,5})")
_IDENTIFIER = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


class PackageError(StrEnum):
    TOO_LARGE = "package_too_large"
    MALFORMED = "package_malformed"
    ZIP_BOMB = "package_zip_bomb"
    UNSAFE = "package_unsafe"
    DIGEST_MISMATCH = "package_digest_mismatch"
    BAD_SIGNATURE = "package_bad_signature"
    UNKNOWN_KEY = "package_unknown_key"
    SENDER_MISMATCH = "package_sender_mismatch"
    METADATA_INVALID = "package_metadata_invalid"


class PackageRefused(Exception):
    def __init__(self, code: PackageError, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


# (field, GB/T 33480 element) in the order metadata.xml lists them.
TEXT_ELEMENTS = (
    ("identifier", "公文标识", 64),
    ("doc_type", "文种", 4),
    ("title", "标题", 200),
    ("doc_number", "发文字号", 60),
    ("agency_name", "发文机关", 100),
    ("agency_mark", "发文机关标志", 100),
    ("signer_name", "签发人", 60),
    ("issued_date", "成文日期", 10),
    ("secrecy_period", "保密期限", 20),
    ("copy_number", "份号", 6),
    ("main_recipients", "主送机关", 500),
    ("copy_to", "抄送机关", 500),
    ("signature_agency", "发文机关署名", 100),
    ("note", "附注", 200),
    ("printing_agency", "印发机关", 100),
    ("printing_date", "印发日期", 10),
)
# Choice elements carry the label as text and our code in 代码 (both directions lossless).
CHOICE_ELEMENTS = (
    ("classification", "密级", Classification),
    ("urgency", "紧急程度", Urgency),
    ("publish_level", "发布层次", PublishLevel),
)


@dataclass
class FileEntry:
    path: str
    name: str
    role: str  # "rendered" | "attachment"
    order: int = 0


# The 会议 element of a meeting notice: (field, element, limit, required) in the order written.
MEETING_ELEMENTS = (
    ("name", "会议名称", 100, True),
    ("meeting_type", "会议类型", 20, False),
    ("start_at", "开始时间", 40, True),
    ("end_at", "结束时间", 40, True),
    ("location", "地点", 100, True),
    ("leaders", "出席领导", 200, False),
    ("agenda", "议程", 2000, False),
    ("requirements", "参会要求", 500, True),
    ("contact", "联系人", 60, False),
    ("phone", "联系电话", 40, False),
    ("reply_by", "回执截止", 40, False),
)


@dataclass
class MeetingInfo:
    """What a 会议通知 says about its meeting, as metadata.xml's 会议 element carries it. Times
    are ISO 8601 with their UTC offset (a time without one could be read two ways)."""

    name: str
    start_at: str
    end_at: str
    location: str
    requirements: str
    meeting_type: str = ""
    leaders: str = ""
    agenda: str = ""
    contact: str = ""
    phone: str = ""
    reply_by: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _element, _limit, _required in MEETING_ELEMENTS}


# The 信息 element of a published item (类型 notice, 信息发布): its column, body and expiry.
NOTICE_BODY_LIMIT = 200_000


@dataclass
class NoticeInfo:
    """What a 信息发布 item carries besides the GB/T 33480 fields: the column it was published
    in (the receiving unit files it in its own inbound column), its rich-text body (sanitised
    again on arrival) and its expiry (ISO 8601 with offset, or empty)."""

    column: str
    body_html: str = ""
    expires_at: str = ""


@dataclass
class Metadata:
    identifier: str
    title: str
    doc_type: str = DocType.NOTICE
    doc_number: str = ""
    agency_name: str = ""
    agency_mark: str = ""
    agency_code: str = ""
    signer_name: str = ""
    issued_date: str = ""
    classification: str = Classification.NONE
    secrecy_period: str = ""
    copy_number: str = ""
    urgency: str = Urgency.NORMAL
    main_recipients: str = ""
    copy_to: str = ""
    signature_agency: str = ""
    note: str = ""
    printing_agency: str = ""
    printing_date: str = ""
    publish_level: str = PublishLevel.NOT_PUBLIC
    kind: str = "document"
    files: list[FileEntry] = field(default_factory=list)
    # kind "meeting_notice" only: the meeting it announces.
    meeting: MeetingInfo | None = None
    # kind "notice" only: the published item.
    notice: NoticeInfo | None = None

    @property
    def attachments(self) -> list[FileEntry]:
        return sorted((f for f in self.files if f.role == "attachment"), key=lambda f: f.order)

    @property
    def rendered(self) -> FileEntry:
        return next(f for f in self.files if f.role == "rendered")


@dataclass
class VerifiedPackage:
    package_id: str
    sender_code: str
    sender_name: str
    key_id: str
    created_at: str
    metadata: Metadata
    members: dict[str, bytes]
    sha256: str
    size: int

    def file_bytes(self, entry: FileEntry) -> bytes:
        return self.members[entry.path]


@dataclass
class BuiltPackage:
    data: bytes
    package_id: str
    sha256: str
    metadata: Metadata


# --- metadata.xml -------------------------------------------------------------------------------


def _q(local: str) -> str:
    # Plain element names, as GB/T 33480 names the elements; the root's 格式版本 versions them.
    return local


def metadata_xml(meta: Metadata) -> bytes:
    root = ET.Element(_q("电子公文"), {"格式版本": "1", "类型": meta.kind})
    for name, element, _limit in TEXT_ELEMENTS:
        ET.SubElement(root, _q(element)).text = getattr(meta, name) or ""
        if name == "agency_name":
            ET.SubElement(root, _q("发文机关代码")).text = meta.agency_code
    for name, element, choices in CHOICE_ELEMENTS:
        value = getattr(meta, name)
        ET.SubElement(root, _q(element), {"代码": value}).text = choices(value).label
    rendered = meta.rendered
    ET.SubElement(root, _q("版式文件"), {"文件": rendered.path}).text = rendered.name
    listing = ET.SubElement(root, _q("附件说明"))
    for entry in meta.attachments:
        ET.SubElement(listing, _q("附件"), {"序号": str(entry.order), "文件": entry.path}).text = entry.name
    if meta.meeting is not None:
        meeting = ET.SubElement(root, _q("会议"))
        for name, element, _limit, _required in MEETING_ELEMENTS:
            ET.SubElement(meeting, _q(element)).text = getattr(meta.meeting, name) or ""
    if meta.notice is not None:
        item = ET.SubElement(root, _q("信息"))
        ET.SubElement(item, _q("栏目")).text = meta.notice.column
        ET.SubElement(item, _q("有效期")).text = meta.notice.expires_at
        ET.SubElement(item, _q("正文")).text = meta.notice.body_html
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _invalid(detail: str) -> PackageRefused:
    return PackageRefused(PackageError.METADATA_INVALID, f"元数据（metadata.xml）无效：{detail}")


def _text(root: ET.Element, element: str) -> str:
    node = root.find(_q(element))
    return (node.text or "").strip() if node is not None else ""


def _iso_date(value: str, label: str) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise _invalid(f"{label}应为 YYYY-MM-DD。") from None


def _offset_datetime(value: str, label: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(f"{label}应为 ISO 8601 时间。") from None
    if moment.tzinfo is None:
        raise _invalid(f"{label}应带时区（如 2026-12-03T09:00:00+08:00）。")
    return moment


def _parse_meeting(root: ET.Element, kind: str) -> MeetingInfo | None:
    """The 会议 element: required in a meeting notice, refused anywhere else."""
    node = root.find(_q("会议"))
    if kind != "meeting_notice":
        if node is not None:
            raise _invalid("只有会议通知可以带有会议信息。")
        return None
    if node is None:
        raise _invalid("会议通知缺少会议信息。")
    values: dict[str, str] = {}
    for name, element, limit, required in MEETING_ELEMENTS:
        value = _text(node, element)
        if required and not value:
            raise _invalid(f"会议信息缺少{element}。")
        if len(value) > limit:
            raise _invalid(f"{element}超过{limit}个字。")
        values[name] = value
    start = _offset_datetime(values["start_at"], "开始时间")
    end = _offset_datetime(values["end_at"], "结束时间")
    if end <= start:
        raise _invalid("结束时间应晚于开始时间。")
    if values["reply_by"] and _offset_datetime(values["reply_by"], "回执截止") >= start:
        raise _invalid("回执截止应早于会议开始时间。")
    return MeetingInfo(**values)


def _parse_notice(root: ET.Element, kind: str) -> NoticeInfo | None:
    """The 信息 element: required in a published item, refused anywhere else."""
    node = root.find(_q("信息"))
    if kind != "notice":
        if node is not None:
            raise _invalid("只有信息发布可以带有信息元素。")
        return None
    if node is None:
        raise _invalid("信息发布缺少信息元素。")
    column = _text(node, "栏目")
    if not column or len(column) > 32:
        raise _invalid("栏目缺失或超过32个字。")
    body = node.find(_q("正文"))
    body_html = (body.text or "") if body is not None else ""
    if len(body_html) > NOTICE_BODY_LIMIT:
        raise _invalid(f"正文超过{NOTICE_BODY_LIMIT}个字符。")
    expires_at = _text(node, "有效期")
    if expires_at:
        _offset_datetime(expires_at, "有效期")
    return NoticeInfo(column=column, body_html=body_html, expires_at=expires_at)


def parse_metadata(data: bytes) -> Metadata:
    if len(data) > MAX_CONTROL_BYTES:
        raise _invalid("文件过大。")
    try:
        root = parse_xml(data.decode("utf-8")).root
    except (XmlError, UnicodeDecodeError) as exc:
        raise _invalid(getattr(exc, "detail", "不是 UTF-8 编码的 XML。")) from None
    if root.tag != _q("电子公文"):
        raise _invalid("根元素应为“电子公文”。")
    values: dict[str, str] = {}
    for name, element, limit in TEXT_ELEMENTS:
        value = _text(root, element)
        if len(value) > limit:
            raise _invalid(f"{element}超过{limit}个字。")
        values[name] = value
    for name, element, choices in CHOICE_ELEMENTS:
        node = root.find(_q(element))
        code = node.get("代码", "") if node is not None else ""
        if node is not None and not code:
            by_label = {label: value for value, label in choices.choices}
            code = by_label.get((node.text or "").strip(), "")
        if node is None:
            code = choices.values[0] if name != "publish_level" else PublishLevel.NOT_PUBLIC
        if code not in choices.values:
            raise _invalid(f"{element}无效。")
        values[name] = code
    if not _IDENTIFIER.fullmatch(values["identifier"]):
        raise _invalid("公文标识缺失或含有不允许的字符。")
    if not values["title"]:
        raise _invalid("缺少标题。")
    if values["doc_type"] not in DocType.values:
        raise _invalid(f"文种“{values['doc_type']}”不是《党政机关公文处理工作条例》规定的文种。")
    values["issued_date"] = _iso_date(values["issued_date"], "成文日期")
    values["printing_date"] = _iso_date(values["printing_date"], "印发日期")
    files: list[FileEntry] = []
    rendered = root.find(_q("版式文件"))
    if rendered is None or not rendered.get("文件"):
        raise _invalid("缺少版式文件。")
    files.append(
        FileEntry(path=rendered.get("文件", ""), name=(rendered.text or "").strip(), role="rendered")
    )
    listing = root.find(_q("附件说明"))
    for node in listing.findall(_q("附件")) if listing is not None else []:
        try:
            order = int(node.get("序号", ""))
        except ValueError:
            raise _invalid("附件序号应为数字。") from None
        files.append(
            FileEntry(
                path=node.get("文件", ""), name=(node.text or "").strip(), role="attachment", order=order
            )
        )
    if len(files) - 1 > MAX_ATTACHMENTS:
        raise _invalid(f"附件超过{MAX_ATTACHMENTS}个。")
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise _invalid("同一文件被列出两次。")
    for entry in files:
        if not entry.name or len(entry.name) > 200:
            raise _invalid("文件名称缺失或过长。")
    kind = root.get("类型", "document")
    if kind not in ("document", "meeting_notice", "notice"):
        raise _invalid("类型无效。")
    meeting = _parse_meeting(root, kind)
    notice = _parse_notice(root, kind)
    return Metadata(
        **values,
        agency_code=_text(root, "发文机关代码"),
        kind=kind,
        files=files,
        meeting=meeting,
        notice=notice,
    )


# --- building -----------------------------------------------------------------------------------


def _extension(name: str) -> str:
    match = re.search(r"\.([A-Za-z0-9]{1,5})$", name)
    return match[1].lower() if match else "bin"


def plan_files(rendered_name: str, attachment_names: list[str]) -> list[FileEntry]:
    """The package's file entries: the 版式文件 and the attachments with ASCII member paths."""
    entries = [FileEntry(path=RENDERED, name=rendered_name, role="rendered")]
    for i, name in enumerate(attachment_names, start=1):
        entries.append(
            FileEntry(path=f"attachments/{i:02d}.{_extension(name)}", name=name, role="attachment", order=i)
        )
    return entries


def build_package(
    meta: Metadata,
    contents: dict[str, bytes],
    *,
    sender_code: str,
    sender_name: str,
    key_id: str,
    private_key,
    package_id: str | None = None,
    created_at: datetime | None = None,
) -> BuiltPackage:
    """Write and sign a package. `contents` maps each of `meta.files`' paths to its bytes."""
    package_id = package_id or uuid.uuid4().hex
    members: list[tuple[str, bytes]] = [(METADATA, metadata_xml(meta))]
    members += [(entry.path, contents[entry.path]) for entry in meta.files]
    manifest = {
        "format": FORMAT,
        "package_id": package_id,
        "created_at": (created_at or timezone.now()).isoformat(),
        "sender": {"code": sender_code, "name": sender_name},
        "key_id": key_id,
        "members": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for path, data in members
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = {
        "algorithm": "Ed25519",
        "key_id": key_id,
        "signature": keys.b64(private_key.sign(manifest_bytes)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, json.dumps(signature, indent=1).encode("utf-8"))
        for path, data in members:
            archive.writestr(path, data)
    data = buffer.getvalue()
    return BuiltPackage(
        data=data, package_id=package_id, sha256=hashlib.sha256(data).hexdigest(), metadata=meta
    )


# --- verifying ----------------------------------------------------------------------------------


def zip_limits() -> archives.ZipLimits:
    max_bytes = getattr(settings, "OA_EXCHANGE_PACKAGE_MAX_BYTES", 200 * 1024 * 1024)
    base = archives.ZipLimits.from_settings()
    return archives.ZipLimits(
        max_members=MAX_ATTACHMENTS + 3,
        max_uncompressed=max_bytes * 2,
        max_member_ratio=base.max_member_ratio,
        max_total_ratio=base.max_total_ratio,
        # A DOCX attachment is a zip inside the package, its embedded workbook one more level.
        max_depth=base.max_depth + 1,
        max_nested_bytes=base.max_nested_bytes,
    )


_ARCHIVE_CODES = {
    FileErrorCode.ZIP_BOMB: PackageError.ZIP_BOMB,
    FileErrorCode.UNSAFE_ARCHIVE: PackageError.UNSAFE,
    FileErrorCode.ENCRYPTED: PackageError.UNSAFE,
}


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip after the archive checks, or PackageRefused."""
    max_bytes = getattr(settings, "OA_EXCHANGE_PACKAGE_MAX_BYTES", 200 * 1024 * 1024)
    if len(data) > max_bytes:
        raise PackageRefused(PackageError.TOO_LARGE, f"交换包超过大小上限 {max_bytes // (1024 * 1024)} MB。")
    if not data.startswith(archives.ZIP_MAGIC):
        raise PackageRefused(PackageError.MALFORMED, "交换包不是 zip 文件。")
    limits = zip_limits()
    try:
        archive = archives.open_zip(data, limits)
        archives.stream_check(data, archive, limits)
    except ContentRefused as exc:
        code = _ARCHIVE_CODES.get(exc.code, PackageError.MALFORMED)
        raise PackageRefused(code, f"交换包{exc.reason}。") from None
    for info in archive.infolist():
        if info.is_dir():
            raise PackageRefused(PackageError.MALFORMED, "交换包内不应有目录项。")
    return archive


def _json_member(archive: zipfile.ZipFile, name: str) -> dict:
    info = archive.getinfo(name)
    if info.file_size > MAX_CONTROL_BYTES:
        raise PackageRefused(PackageError.MALFORMED, f"{name} 过大。")
    try:
        value = json.loads(archive.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise PackageRefused(PackageError.MALFORMED, f"{name} 不是有效的 JSON。") from None
    if not isinstance(value, dict):
        raise PackageRefused(PackageError.MALFORMED, f"{name} 格式不正确。")
    return value


def _check_manifest(manifest: dict) -> list[dict]:
    if manifest.get("format") != FORMAT:
        raise PackageRefused(PackageError.MALFORMED, "不支持的交换包格式版本。")
    sender = manifest.get("sender")
    members = manifest.get("members")
    if (
        not isinstance(manifest.get("package_id"), str)
        or not re.fullmatch(r"[0-9a-f]{32}", manifest["package_id"])
        or not isinstance(sender, dict)
        or not isinstance(sender.get("code"), str)
        or not _CODE.fullmatch(sender["code"])
        or not isinstance(manifest.get("key_id"), str)
        or not isinstance(members, list)
    ):
        raise PackageRefused(PackageError.MALFORMED, "manifest.json 缺少必需的项。")
    for member in members:
        if (
            not isinstance(member, dict)
            or not isinstance(member.get("path"), str)
            or not isinstance(member.get("sha256"), str)
            or not isinstance(member.get("size"), int)
        ):
            raise PackageRefused(PackageError.MALFORMED, "manifest.json 的文件清单格式不正确。")
    return members


def verify_package(
    data: bytes,
    *,
    expected_sha256: str | None = None,
    expected_sender: str | None = None,
    resolve_key=keys.verifying_key,
) -> VerifiedPackage:
    """The package, checked: or PackageRefused saying why. Reads nothing but `data` and the
    hub's key table (through `resolve_key`)."""
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise PackageRefused(PackageError.DIGEST_MISMATCH, "交换包与登记时的摘要不一致，可能已被篡改。")
    archive = open_archive(data)
    names = set(archive.namelist())
    for required in (MANIFEST, SIGNATURE, METADATA):
        if required not in names:
            raise PackageRefused(PackageError.MALFORMED, f"交换包缺少 {required}。")
    manifest_bytes = archive.read(MANIFEST)
    if len(manifest_bytes) > MAX_CONTROL_BYTES:
        raise PackageRefused(PackageError.MALFORMED, "manifest.json 过大。")
    manifest = _json_member(archive, MANIFEST)
    signature = _json_member(archive, SIGNATURE)
    members = _check_manifest(manifest)
    listed = {m["path"] for m in members}
    if len(listed) != len(members):
        raise PackageRefused(PackageError.MALFORMED, "manifest.json 重复列出了文件。")
    if names != listed | {MANIFEST, SIGNATURE}:
        extra = sorted(names - listed - {MANIFEST, SIGNATURE})
        missing = sorted(listed - names)
        raise PackageRefused(
            PackageError.MALFORMED,
            "交换包的文件与清单不符"
            + (f"：多出 {', '.join(extra[:3])}" if extra else "")
            + (f"：缺少 {', '.join(missing[:3])}" if missing else "")
            + "。",
        )

    # The signature first: nothing the manifest says is believed before it is verified.
    sender_code = manifest["sender"]["code"]
    if signature.get("algorithm") != "Ed25519" or signature.get("key_id") != manifest["key_id"]:
        raise PackageRefused(PackageError.BAD_SIGNATURE, "签名算法或密钥标识与清单不符。")
    known = resolve_key(manifest["key_id"])
    if known is None:
        raise PackageRefused(PackageError.UNKNOWN_KEY, "签名密钥未在交换中心登记。")
    key_owner, public = known
    if key_owner != sender_code or (expected_sender is not None and sender_code != expected_sender):
        raise PackageRefused(PackageError.SENDER_MISMATCH, "签名密钥不属于声称的发送单位。")
    try:
        raw_signature = keys.unb64(str(signature.get("signature", "")))
    except ValueError:
        raise PackageRefused(PackageError.BAD_SIGNATURE, "签名格式不正确。") from None
    if not keys.verify(public, raw_signature, manifest_bytes):
        raise PackageRefused(
            PackageError.BAD_SIGNATURE, "签名验证失败：清单在签名后被改动，或不是发送单位所签。"
        )

    contents: dict[str, bytes] = {}
    for member in members:
        content = archive.read(member["path"])
        if len(content) != member["size"] or hashlib.sha256(content).hexdigest() != member["sha256"]:
            raise PackageRefused(
                PackageError.DIGEST_MISMATCH,
                f"文件 {member['path']} 的 SHA-256 摘要与清单不符，可能已被篡改。",
            )
        contents[member["path"]] = content

    meta = parse_metadata(contents[METADATA])
    if meta.agency_code and meta.agency_code != sender_code:
        # The signed sender is who sent it; a 发文机关代码 naming another unit is a forgery.
        raise PackageRefused(
            PackageError.SENDER_MISMATCH,
            f"元数据中的发文机关代码“{meta.agency_code}”与签名的发送单位（{sender_code}）不符。",
        )
    described = {f.path for f in meta.files}
    if described != listed - {METADATA}:
        raise PackageRefused(PackageError.METADATA_INVALID, "元数据列出的文件与清单不符。")
    if meta.rendered.path != RENDERED:
        raise PackageRefused(PackageError.METADATA_INVALID, f"版式文件应为 {RENDERED}。")
    for entry in meta.attachments:
        if not _ATTACHMENT_PATH.fullmatch(entry.path):
            raise PackageRefused(PackageError.METADATA_INVALID, f"附件路径 {entry.path} 不符合约定。")
    if not contents[RENDERED].startswith(b"%PDF-"):
        raise PackageRefused(PackageError.METADATA_INVALID, "版式文件不是 PDF。")
    return VerifiedPackage(
        package_id=manifest["package_id"],
        sender_code=sender_code,
        sender_name=str(manifest["sender"].get("name", ""))[:100],
        key_id=manifest["key_id"],
        created_at=str(manifest.get("created_at", "")),
        metadata=meta,
        members=contents,
        sha256=digest,
        size=len(data),
    )


# --- submissions from a unit's other systems ----------------------------------------------------


def read_submission(data: bytes) -> tuple[Metadata, dict[str, bytes]]:
    """An unsigned package from a unit's own system (metadata.xml and the files it lists; a
    manifest, when present, must match): the hub signs it for the unit after these checks."""
    archive = open_archive(data)
    names = set(archive.namelist())
    if METADATA not in names:
        raise PackageRefused(PackageError.MALFORMED, "交换包缺少 metadata.xml。")
    meta = parse_metadata(archive.read(METADATA))
    described = {f.path for f in meta.files}
    allowed = described | {METADATA, MANIFEST, SIGNATURE}
    if not described <= names or names - allowed:
        raise PackageRefused(PackageError.MALFORMED, "交换包的文件与元数据所列不符。")
    contents = {path: archive.read(path) for path in described}
    if MANIFEST in names:
        # A system that wrote a manifest gets its digests checked: a file changed on the way fails.
        everything = {**contents, METADATA: archive.read(METADATA)}
        for member in _check_manifest(_json_member(archive, MANIFEST)):
            content = everything.get(member["path"])
            if content is None or hashlib.sha256(content).hexdigest() != member["sha256"]:
                raise PackageRefused(
                    PackageError.DIGEST_MISMATCH, f"文件 {member['path']} 的 SHA-256 摘要与清单不符。"
                )
    if meta.rendered.path != RENDERED or not contents[RENDERED].startswith(b"%PDF-"):
        raise PackageRefused(PackageError.METADATA_INVALID, f"版式文件应为 PDF 格式的 {RENDERED}。")
    for entry in meta.attachments:
        if not _ATTACHMENT_PATH.fullmatch(entry.path):
            raise PackageRefused(PackageError.METADATA_INVALID, f"附件路径 {entry.path} 不符合约定。")
    return meta, contents


def metadata_from_document(document, *, sender_code: str, files: list[FileEntry]) -> Metadata:
    """The GB/T 33480 metadata of an outgoing document, as the package carries it."""

    def iso(value) -> str:
        return value.isoformat() if value else ""

    return Metadata(
        identifier=document.identifier,
        title=document.title,
        doc_type=document.doc_type,
        doc_number=document.doc_number,
        agency_name=document.agency_name,
        agency_mark=document.agency_mark,
        agency_code=sender_code,
        signer_name=document.signer_name,
        issued_date=iso(document.issued_date),
        classification=document.classification,
        secrecy_period=document.secrecy_period,
        copy_number=document.copy_number,
        urgency=document.urgency,
        main_recipients=document.main_recipients,
        copy_to=document.copy_to,
        signature_agency=document.signature_agency,
        note=document.note,
        printing_agency=document.printing_agency,
        printing_date=iso(document.printing_date or timezone.localdate()),
        publish_level=document.publish_level,
        files=files,
    )
