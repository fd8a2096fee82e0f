"""移交: a year's archive as a package (DA/T 46 metadata, 版式文件, SHA-256 digests, a manifest),
verified on re-import; a changed package is caught and named."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from lxml import etree

from oa.archive import actions, transfer
from oa.archive.models import Transfer
from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from tests.oa.archive.conftest import filed
from tests.oa.documents.samples import pdf


def _rewrite(data: bytes, changes: dict[str, bytes], *, drop: set[str] = frozenset()) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in drop:
                target.writestr(name, changes.get(name, source.read(name)))
    return out.getvalue()


@pytest.fixture
def year_2012(people):
    first = filed(people, title="二〇一二年第一件", year=2012, files=[("附件.pdf", pdf(["移交附件"]))])
    second = filed(people, title="二〇一二年第二件", year=2012, retention="Y")
    filed(people, title="另一年度", year=2013)
    return [first, second]


def test_a_year_is_exported_and_its_package_verifies(people, year_2012):
    record, data = actions.do_export_transfer(acting_user=people["clerk2"], year=2012)
    assert record.item_count == 2 and record.package_sha256 == hashlib.sha256(data).hexdigest()
    assert set(record.documents.values_list("pk", flat=True)) == {d.pk for d in year_2012}
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"metadata.xml", "manifest.sha256", "files/0001/rendered.pdf", "files/0002/rendered.pdf"} <= names
    assert "files/0001/attachment-01.pdf" in names or "files/0002/attachment-01.pdf" in names
    for line in archive.read("manifest.sha256").decode().splitlines():
        digest, path = line.split("  ")
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest
    root = etree.fromstring(archive.read("metadata.xml"))
    ns = {"t": transfer.NAMESPACE}
    assert root.findtext("t:移交信息/t:年度", namespaces=ns) == "2012"
    codes = root.xpath("//t:件/t:档号/text()", namespaces=ns)
    assert sorted(codes) == sorted(d.archive_code for d in year_2012)
    assert root.xpath("//t:件[1]/t:计算机文件/t:数字摘要/@算法", namespaces=ns)[0] == "SHA-256"

    result, verified = actions.do_verify_transfer(acting_user=people["clerk2"], data=data)
    assert result.ok, result.problems
    assert verified.pk == record.pk and Transfer.objects.get(pk=record.pk).state == Transfer.State.VERIFIED
    assert AuditEvent.objects.filter(action="archive.transfer_verified", target_id=str(record.pk)).exists()


def test_a_changed_package_does_not_verify(people, year_2012):
    record, data = actions.do_export_transfer(acting_user=people["clerk2"], year=2012)
    tampered = _rewrite(data, {"files/0001/rendered.pdf": pdf(["换过的版式文件"])})
    result, _ = actions.do_verify_transfer(acting_user=people["clerk2"], data=tampered)
    assert not result.ok
    assert any("files/0001/rendered.pdf" in p for p in result.problems)
    assert any("与移交记录的 SHA-256 不符" in p for p in result.problems)
    assert Transfer.objects.get(pk=record.pk).state == Transfer.State.EXPORTED

    missing = _rewrite(data, {}, drop={"files/0002/rendered.pdf"})
    result, _ = actions.do_verify_transfer(acting_user=people["clerk2"], data=missing)
    assert not result.ok and any("不在移交包中" in p for p in result.problems)

    result, record = actions.do_verify_transfer(acting_user=people["clerk2"], data=b"not a zip")
    assert not result.ok and record is None
    assert AuditEvent.objects.filter(action="archive.transfer_verify_failed").count() == 3


def test_export_and_verify_are_the_archivists(people, year_2012):
    for attempt in (
        lambda: actions.do_export_transfer(acting_user=people["clerk"], year=2012),
        lambda: actions.do_verify_transfer(acting_user=people["auditor"], data=b"x"),
    ):
        with pytest.raises(ActionError) as refused:
            attempt()
        assert refused.value.status == 403
    with pytest.raises(ActionError) as refused:
        actions.do_export_transfer(acting_user=people["clerk2"], year=1999)
    assert refused.value.field == "year"
