"""The exchange package: built and signed, then every kind of tampering or malformation refused.

These run without the database: the key lookup verify_package uses is given the test's own
registry of keys (a dict), the same shape as the hub's key table.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exchange import keys
from exchange.package import (
    MANIFEST,
    METADATA,
    RENDERED,
    SIGNATURE,
    Metadata,
    PackageError,
    PackageRefused,
    build_package,
    metadata_xml,
    parse_metadata,
    plan_files,
    read_submission,
    verify_package,
)
from tests.oa.documents import samples

SIMING_KEY = Ed25519PrivateKey.generate()
SIMING_KEY_ID = keys.key_id_of(keys.public_raw(SIMING_KEY))
OTHER_KEY = Ed25519PrivateKey.generate()
OTHER_KEY_ID = keys.key_id_of(keys.public_raw(OTHER_KEY))
REGISTRY = {
    SIMING_KEY_ID: ("siming", SIMING_KEY.public_key()),
    OTHER_KEY_ID: ("huli", OTHER_KEY.public_key()),
}


def resolve(key_id):
    return REGISTRY.get(key_id)


def metadata(**changes) -> Metadata:
    files = plan_files("思政办〔2026〕1号.pdf", ["检查表.docx", "名单.pdf"])
    values = {
        "identifier": "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b",
        "title": "关于做好2026年冬季安全生产工作的通知",
        "doc_type": "通知",
        "doc_number": "思政办〔2026〕1号",
        "agency_name": "思明区政府办公室",
        "agency_code": "siming",
        "issued_date": "2026-11-20",
        "urgency": "urgent",
        "main_recipients": "各区人民政府办公室",
        "copy_to": "市应急管理局",
        "files": files,
    }
    return Metadata(**{**values, **changes})


CONTENTS = {
    RENDERED: samples.pdf(["关于做好2026年冬季安全生产工作的通知"]),
    "attachments/01.docx": samples.docx(["冬季安全检查表"]),
    "attachments/02.pdf": samples.pdf(["联络人名单"]),
}


def build(meta=None, *, contents=None, key=SIMING_KEY, key_id=SIMING_KEY_ID, sender="siming") -> bytes:
    return build_package(
        meta or metadata(),
        contents or CONTENTS,
        sender_code=sender,
        sender_name="思明区政府办公室",
        key_id=key_id,
        private_key=key,
    ).data


def rezip(
    data: bytes, *, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The package with members changed, removed or added, everything else byte for byte."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    target.writestr(info.filename, replace[info.filename])
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def refused(data: bytes, **kwargs) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        verify_package(data, resolve_key=resolve, **kwargs)
    return caught.value


def test_a_package_round_trips_with_its_metadata_and_files():
    data = build()
    package = verify_package(data, resolve_key=resolve, expected_sender="siming")
    assert package.sender_code == "siming" and package.key_id == SIMING_KEY_ID
    meta = package.metadata
    assert (meta.title, meta.doc_number, meta.urgency, meta.issued_date) == (
        "关于做好2026年冬季安全生产工作的通知",
        "思政办〔2026〕1号",
        "urgent",
        "2026-11-20",
    )
    assert [(f.name, f.path) for f in meta.attachments] == [
        ("检查表.docx", "attachments/01.docx"),
        ("名单.pdf", "attachments/02.pdf"),
    ]
    assert {path: package.members[path] for path in CONTENTS} == CONTENTS
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert names == {MANIFEST, SIGNATURE, METADATA, *CONTENTS}


def test_the_metadata_names_the_gbt_33480_elements_in_chinese():
    xml = metadata_xml(metadata()).decode("utf-8")
    for element in (
        "<公文标识>",
        "<文种>通知</文种>",
        "<发文字号>思政办〔2026〕1号</发文字号>",
        "<成文日期>2026-11-20</成文日期>",
    ):
        assert element in xml
    assert '<紧急程度 代码="urgent">加急</紧急程度>' in xml
    assert '<密级 代码="none">无</密级>' in xml
    assert parse_metadata(xml.encode("utf-8")) == metadata()


def test_a_changed_attachment_is_refused_by_its_digest():
    data = rezip(build(), replace={"attachments/02.pdf": samples.pdf(["篡改后的名单"])})
    assert refused(data).code == PackageError.DIGEST_MISMATCH


def test_a_manifest_rewritten_to_match_a_changed_file_fails_the_signature():
    import hashlib

    original = build()
    forged_pdf = samples.pdf(["篡改后的名单"])
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(original)).read(MANIFEST))
    for member in manifest["members"]:
        if member["path"] == "attachments/02.pdf":
            member.update(sha256=hashlib.sha256(forged_pdf).hexdigest(), size=len(forged_pdf))
    data = rezip(
        original,
        replace={"attachments/02.pdf": forged_pdf, MANIFEST: json.dumps(manifest).encode("utf-8")},
    )
    assert refused(data).code == PackageError.BAD_SIGNATURE


def test_a_package_signed_with_another_units_key_is_refused():
    # huli's key, claiming to be siming.
    data = build(key=OTHER_KEY, key_id=OTHER_KEY_ID, sender="siming")
    assert refused(data).code == PackageError.SENDER_MISMATCH


def test_a_package_from_an_unknown_key_is_refused():
    stranger = Ed25519PrivateKey.generate()
    data = build(key=stranger, key_id=keys.key_id_of(keys.public_raw(stranger)))
    assert refused(data).code == PackageError.UNKNOWN_KEY


def test_a_key_id_swapped_for_a_known_one_fails_the_signature():
    stranger = Ed25519PrivateKey.generate()
    data = build(key=stranger, key_id=SIMING_KEY_ID)
    assert refused(data).code == PackageError.BAD_SIGNATURE


def test_the_whole_package_digest_is_checked_when_known():
    data = build()
    assert refused(data, expected_sha256="0" * 64).code == PackageError.DIGEST_MISMATCH


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"replace": {METADATA: None}}, PackageError.MALFORMED),
        ({"replace": {SIGNATURE: None}}, PackageError.MALFORMED),
        ({"replace": {"attachments/01.docx": None}}, PackageError.MALFORMED),
        ({"add": {"extra.exe": b"MZ"}}, PackageError.MALFORMED),
        ({"replace": {MANIFEST: b"{not json"}}, PackageError.MALFORMED),
        ({"replace": {SIGNATURE: b'{"algorithm": "RSA"}'}}, PackageError.BAD_SIGNATURE),
    ],
)
def test_a_package_with_missing_extra_or_broken_members_is_refused(change, code):
    assert refused(rezip(build(), **change)).code == code


def test_something_that_is_not_a_zip_is_refused():
    assert refused(b"%PDF-1.7 not a package").code == PackageError.MALFORMED
    assert refused(b"PK\x03\x04" + b"\x00" * 200).code == PackageError.MALFORMED


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = samples.zip_bytes({"manifest.json": b"0" * (5 * 1024 * 1024)})
    assert refused(bomb).code == PackageError.ZIP_BOMB


def test_a_member_escaping_its_folder_is_refused():
    evil = rezip(build(), add={"../../etc/cron.d/x": b"* * * * * root true"})
    assert refused(evil).code == PackageError.UNSAFE


def test_an_oversized_package_is_refused(settings):
    settings.OA_EXCHANGE_PACKAGE_MAX_BYTES = 1024
    assert refused(build()).code == PackageError.TOO_LARGE


def test_signed_metadata_that_breaks_the_rules_is_refused():
    data = build(metadata(doc_type="备忘录"))
    assert refused(data).code == PackageError.METADATA_INVALID


def test_metadata_with_a_doctype_is_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><\xe7\x94\xb5\xe5\xad\x90\xe5\x85\xac\xe6\x96\x87/>'
    with pytest.raises(PackageRefused) as caught:
        parse_metadata(xml)
    assert caught.value.code == PackageError.METADATA_INVALID


def test_a_rendered_file_that_is_not_a_pdf_is_refused():
    data = build(contents={**CONTENTS, RENDERED: b"<html>not a pdf</html>"})
    assert refused(data).code == PackageError.METADATA_INVALID


def test_a_submission_needs_no_signature_but_its_manifest_must_match():
    signed = build()
    meta, contents = read_submission(signed)
    assert meta.title.startswith("关于做好") and contents == CONTENTS
    unsigned = rezip(signed, replace={MANIFEST: None, SIGNATURE: None})
    assert read_submission(unsigned)[1] == CONTENTS
    tampered = rezip(signed, replace={"attachments/01.docx": samples.docx(["改过的表"])})
    with pytest.raises(PackageRefused) as caught:
        read_submission(tampered)
    assert caught.value.code == PackageError.DIGEST_MISMATCH


# --- 会议通知: the 会议 element ------------------------------------------------------------------

MEETING = {
    "name": "全市安全生产工作部署会",
    "meeting_type": "工作部署会",
    "start_at": "2026-12-03T09:00:00+08:00",
    "end_at": "2026-12-03T11:30:00+08:00",
    "location": "思明区政府三楼第一会议室",
    "leaders": "王区长",
    "agenda": "一、通报全区安全生产形势\n二、部署冬季安全生产工作",
    "requirements": "请各区政府办公室派一名分管领导参加",
    "contact": "张科员",
    "phone": "0592-1234567",
    "reply_by": "2026-12-01T17:00:00+08:00",
}


def meeting_metadata(**changes) -> Metadata:
    from exchange.package import MeetingInfo

    meeting = {**MEETING, **changes}
    return metadata(
        kind="meeting_notice",
        title="关于召开全市安全生产工作部署会的通知",
        doc_number="",
        files=plan_files("关于召开全市安全生产工作部署会的通知.pdf", []),
        meeting=MeetingInfo(**meeting),
    )


MEETING_CONTENTS = {RENDERED: samples.pdf(["关于召开全市安全生产工作部署会的通知"])}


def test_a_meeting_notice_round_trips_with_its_meeting():
    data = build(meeting_metadata(), contents=MEETING_CONTENTS)
    meta = verify_package(data, resolve_key=resolve, expected_sender="siming").metadata
    assert meta.kind == "meeting_notice" and meta.attachments == []
    assert meta.meeting is not None and meta.meeting.as_dict() == MEETING
    xml = metadata_xml(meeting_metadata()).decode("utf-8")
    for element in ("<会议>", "<会议名称>全市安全生产工作部署会</会议名称>", "<地点>思明区政府三楼第一会议室</地点>",
                    "<参会要求>请各区政府办公室派一名分管领导参加</参会要求>",
                    "<回执截止>2026-12-01T17:00:00+08:00</回执截止>"):  # fmt: skip
        assert element in xml
    # A 公文 has no 会议 element.
    assert "<会议>" not in metadata_xml(metadata()).decode("utf-8")
    assert verify_package(build(), resolve_key=resolve).metadata.meeting is None


@pytest.mark.parametrize(
    "changes, detail",
    [
        ({"name": ""}, "会议名称"),
        ({"requirements": ""}, "参会要求"),
        ({"location": ""}, "地点"),
        ({"start_at": "下周三上午"}, "开始时间"),
        ({"start_at": "2026-12-03T09:00:00"}, "时区"),
        ({"end_at": "2026-12-03T08:00:00+08:00"}, "结束时间应晚于开始时间"),
        ({"reply_by": "2026-12-03T10:00:00+08:00"}, "回执截止"),
        ({"agenda": "议" * 2001}, "议程"),
    ],
)
def test_signed_malformed_meeting_data_is_refused(changes, detail):
    data = build(meeting_metadata(**changes), contents=MEETING_CONTENTS)
    caught = refused(data)
    assert caught.code == PackageError.METADATA_INVALID and detail in caught.detail


def test_a_meeting_notice_without_its_meeting_or_a_document_with_one_is_refused():
    without = meeting_metadata()
    without.meeting = None
    caught = refused(build(without, contents=MEETING_CONTENTS))
    assert caught.code == PackageError.METADATA_INVALID and "缺少会议信息" in caught.detail
    with_meeting = meeting_metadata()
    with_meeting.kind = "document"
    caught = refused(build(with_meeting, contents=MEETING_CONTENTS))
    assert caught.code == PackageError.METADATA_INVALID and "只有会议通知" in caught.detail
