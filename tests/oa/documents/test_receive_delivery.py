"""签收 from the exchange hub (do_receive_delivery): the incoming document made from a package's
files and metadata, its 收文 flow started past 签收; the existing registration is unchanged."""

from __future__ import annotations

import pytest

from oa.core.errors import ActionError, ErrorCode
from oa.documents import actions
from oa.documents.errors import FileRefused
from oa.documents.models import Document, DocumentFile
from oa.workflow.models import HumanTask
from tests.oa.documents import samples
from tests.oa.documents.conftest import open_task

FIELDS = {
    "identifier": "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d",
    "title": "关于开展冬季安全生产大检查的通知",
    "doc_type": "通知",
    "doc_number": "厦府办〔2026〕88号",
    "source_agency": "厦门市人民政府办公厅",
    "urgency": "urgent",
    "main_recipients": "各区人民政府办公室",
    "copy_to": "市应急管理局",
    "issued_date": "2026-11-18",
    "signer_name": "张市长",
}
SOURCE = {"delivery": 41, "envelope": 7, "package_sha256": "ab" * 32, "sender": "xmgov"}


def receive(people, **changes):
    return actions.do_receive_delivery(
        acting_user=people["clerk"],
        fields={**FIELDS, **changes.pop("fields", {})},
        rendered=("厦府办〔2026〕88号.pdf", samples.pdf(["关于开展冬季安全生产大检查的通知"])),
        attachments=changes.pop("attachments", [("检查表.docx", samples.docx(["检查表"]))]),
        source=SOURCE,
    )


def test_it_makes_the_incoming_document_and_waits_at_registration(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = receive(people)
    assert (document.direction, document.identifier, document.doc_number) == (
        "incoming",
        FIELDS["identifier"],
        "厦府办〔2026〕88号",
    )
    assert document.agency_name == "厦门市人民政府办公厅" and document.urgency == "urgent"
    assert str(document.issued_date) == "2026-11-18" and document.signer_name == "张市长"
    assert document.extra["exchange"] == SOURCE
    rendered = document.files.get(role=DocumentFile.Role.RENDERED)
    assert document.body_file == rendered and rendered.kind == "pdf"
    assert list(document.files.filter(role="attachment").values_list("name", flat=True)) == ["检查表.docx"]
    done = HumanTask.objects.filter(instance_id=document.process_instance_id, state="completed")
    assert list(done.values_list("element_id", flat=True)) == ["Task_Acknowledge"]
    assert open_task(document).element_id == "Task_Register" and document.step == "登记"


def test_the_same_document_cannot_be_signed_for_twice(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    receive(people)
    with pytest.raises(ActionError) as refused:
        receive(people)
    assert refused.value.code == ErrorCode.DUPLICATE
    assert Document.objects.filter(identifier=FIELDS["identifier"]).count() == 1


def test_it_needs_the_receive_permission(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ActionError) as refused:
        actions.do_receive_delivery(
            acting_user=people["auditor"],
            fields=FIELDS,
            rendered=("a.pdf", samples.pdf(["x"])),
            attachments=[],
            source=SOURCE,
        )
    assert refused.value.status == 403


def test_a_file_failing_intake_leaves_nothing_behind(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(FileRefused):
        receive(people, attachments=[("表.pdf", samples.pdf(["x"], javascript=True))])
    assert not Document.objects.filter(identifier=FIELDS["identifier"]).exists()


def test_a_classification_above_the_deployment_is_refused(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ActionError) as refused:
        receive(people, fields={"classification": "secret", "secrecy_period": "1年", "copy_number": "000001"})
    assert refused.value.code == ErrorCode.CLASSIFICATION_TOO_HIGH
