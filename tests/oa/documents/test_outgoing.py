"""发文: a draft goes through 核稿, 会签, 签发, 复核, 编号, 用印, 核发 on the kit's fawen flow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from oa.core.errors import ActionError, ErrorCode
from oa.documents import actions
from oa.documents.models import Document, DocumentEvent
from oa.templates import actions as template_actions
from oa.templates.models import UnitTemplate
from oa.workflow.models import HumanTask
from tests.oa.documents.conftest import complete, open_task, set_agency_abbr

NOTICE = {
    "title": "关于做好2026年冬季安全生产工作的通知",
    "doc_type": "通知",
    "main_recipients": "各街道办事处，区直各部门",
    "copy_to": "区委办公室",
    "body_html": "<p>为切实做好今冬安全生产工作，现将有关事项通知如下。</p><h2>一、提高思想认识</h2><p>各单位要高度重视。</p>",
}


def draft(people, **changes) -> Document:
    return actions.do_create_outgoing(acting_user=people["clerk"], fields={**NOTICE, **changes})


def test_a_draft_starts_its_flow_at_drafting_for_the_drafter(people):
    document = draft(people)
    assert document.state == Document.State.ACTIVE and document.step == "起草"
    task = open_task(document)
    assert (task.element_id, task.assignee_id) == ("Task_Draft", people["clerk"].pk)
    assert document.agency_name == "思明区政府办公室" and document.number_rule == "outgoing"
    assert document.body_versions.count() == 1
    assert "<h2>一、提高思想认识</h2>" in document.body_html


def test_it_issues_a_notice_through_countersign_sign_off_and_numbering(people):
    document = draft(people)
    complete(document, "Task_Draft", people)
    complete(
        document,
        "Task_Review",
        people,
        outcome="countersign",
        data={"countersigners": ["deputy", "secretary"]},
    )
    assert document.step == "会签"
    signers = set(
        HumanTask.objects.filter(instance_id=document.process_instance_id, state="open").values_list(
            "assignee__username", flat=True
        )
    )
    assert signers == {"deputy", "secretary"}
    complete(document, "Task_Countersign", people, user=people["deputy"], opinion="同意，建议增加消防内容。")
    complete(document, "Task_Countersign", people, user=people["secretary"])
    complete(document, "Task_SignOff", people, opinion="同意印发。")
    assert document.signer == people["director"] and document.signer_name == "林建国"
    assert document.issued_date is not None and document.sign_opinion == "同意印发。"
    complete(document, "Task_Recheck", people)
    complete(document, "Task_Register", people)
    assert document.doc_number == f"思政办〔{document.number_year}〕1号" and document.number_seq == 1
    complete(document, "Task_Seal", people)
    assert document.sealed_by == people["clerk2"]
    complete(document, "Task_Dispatch", people)
    assert document.state == Document.State.DONE and document.step == ""
    actions_seen = list(document.events.values_list("action", flat=True))
    for action in ("created", "signed", "numbered", "sealed", "distributed"):
        assert action in actions_seen


def test_the_next_notice_takes_the_next_number_and_a_letter_has_its_own_series(people):
    numbers = []
    for changes in ({}, {"title": "第二份通知"}, {"title": "关于商请协助的函", "doc_type": "函"}):
        document = draft(people, **changes)
        for step in ("Task_Draft", "Task_Review", "Task_SignOff", "Task_Recheck", "Task_Register"):
            complete(document, step, people)
        numbers.append(document.doc_number)
    year = document.number_year
    assert numbers == [f"思政办〔{year}〕1号", f"思政办〔{year}〕2号", f"思政办函〔{year}〕1号"]


def test_sign_off_is_refused_while_an_element_is_missing(people):
    document = draft(people, main_recipients="")
    complete(document, "Task_Draft", people)
    complete(document, "Task_Review", people)
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_SignOff", people)
    assert refused.value.code == ErrorCode.MISSING_ELEMENT and refused.value.field == "main_recipients"
    document.refresh_from_db()
    assert document.signer is None and document.step == "签发"
    assert not document.events.filter(action=DocumentEvent.Action.SIGNED).exists()


def test_the_director_may_fix_the_element_at_sign_off_and_then_sign(people):
    document = draft(people, main_recipients="")
    complete(document, "Task_Draft", people)
    complete(document, "Task_Review", people)
    actions.do_update_document(
        document, acting_user=people["director"], changes={"main_recipients": "各街道办事处"}
    )
    complete(document, "Task_SignOff", people)
    assert document.signer == people["director"]


def test_drafting_without_a_body_cannot_be_sent_for_review(people):
    document = draft(people, body_html="")
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_Draft", people)
    assert refused.value.field == "body"
    assert open_task(document).element_id == "Task_Draft"


def test_review_returns_to_the_drafter_with_a_reason(people):
    document = draft(people)
    complete(document, "Task_Draft", people)
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_Review", people, outcome="return", opinion="")
    assert refused.value.field == "opinion"
    complete(document, "Task_Review", people, outcome="return", opinion="请补充具体措施。")
    assert document.step == "起草" and open_task(document).assignee_id == people["clerk"].pk


def test_only_the_handler_of_an_editable_step_may_change_the_draft(people):
    document = draft(people)
    with pytest.raises(ActionError) as refused:
        actions.do_update_document(document, acting_user=people["auditor"], changes={"title": "改"})
    assert refused.value.status == 403
    complete(document, "Task_Draft", people)
    with pytest.raises(ActionError):  # sent on: the drafter no longer holds it
        actions.do_update_document(document, acting_user=people["clerk"], changes={"title": "改"})
    updated = actions.do_update_document(
        document,
        acting_user=people["secretary"],
        changes={"body_html": "<p>核稿后的正文。</p><script>alert(1)</script>"},
    )
    assert "<script>" not in updated.body_html and updated.body_versions.count() == 2
    assert updated.body_versions.order_by("-number").first().step == "核稿"


def test_unknown_fields_and_bad_values_are_refused_by_name(people):
    for fields, field in (
        ({**NOTICE, "doc_type": "便条"}, "doc_type"),
        ({**NOTICE, "title": ""}, "title"),
        ({**NOTICE, "signer_name": "我"}, "signer_name"),
        ({**NOTICE, "copy_number": "12"}, "copy_number"),
    ):
        with pytest.raises(ActionError) as refused:
            actions.do_create_outgoing(acting_user=people["clerk"], fields=fields)
        assert refused.value.field == field
    assert not Document.objects.exists()


def test_drafting_needs_the_draft_permission(people):
    with pytest.raises(ActionError) as refused:
        actions.do_create_outgoing(acting_user=people["auditor"], fields=NOTICE)
    assert refused.value.status == 403


def test_a_classification_above_the_deployment_is_refused(people):
    with pytest.raises(ActionError) as refused:
        draft(people, classification="secret", secrecy_period="1年", copy_number="000001")
    assert (refused.value.code, refused.value.field) == (ErrorCode.CLASSIFICATION_TOO_HIGH, "classification")
    assert not Document.objects.exists()


def test_a_classified_document_needs_period_and_copy_number_at_sign_off(people, classified_ok):
    document = draft(people, classification="secret")
    complete(document, "Task_Draft", people)
    complete(document, "Task_Review", people)
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_SignOff", people)
    assert {e["field"] for e in refused.value.errors} == {"secrecy_period", "copy_number"}
    with pytest.raises(ActionError) as refused:
        draft(people, classification="top_secret")
    assert refused.value.code == ErrorCode.CLASSIFICATION_TOO_HIGH


def test_numbering_without_an_agency_abbreviation_is_refused_and_keeps_the_step(people):
    set_agency_abbr("", acting_user=people["director"], codes=("outgoing",))
    document = draft(people)
    for step in ("Task_Draft", "Task_Review", "Task_SignOff", "Task_Recheck"):
        complete(document, step, people)
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_Register", people)
    assert refused.value.code == ErrorCode.NUMBERING_INCOMPLETE
    document.refresh_from_db()
    assert document.doc_number == "" and document.step == "编号登记"


def test_a_rule_that_would_print_the_same_numbers_as_another_is_refused_at_save(people):
    letter = UnitTemplate.objects.get(kind="numbering", code="letter")
    with pytest.raises(ActionError) as refused:
        template_actions.do_edit_unit_template(
            letter,
            acting_user=people["director"],
            content={**letter.content_json, "pattern": "{机关代字}〔{年}〕{序号}号"},
        )
    assert (refused.value.code, refused.value.field) == (ErrorCode.TEMPLATE_INVALID, "content")
    letter.refresh_from_db()
    assert letter.content_json["pattern"] == "{机关代字}函〔{年}〕{序号}号"


def test_a_number_already_held_by_another_document_is_refused_at_allocation(people):
    # e.g. a register imported from the old system already holds 思政办〔year〕1号.
    document = draft(people)
    for step in ("Task_Draft", "Task_Review", "Task_SignOff", "Task_Recheck"):
        complete(document, step, people)
    year = timezone.localdate().year
    Document.objects.create(
        direction="outgoing", doc_type="通知", title="旧系统导入的公文", doc_number=f"思政办〔{year}〕1号",
        drafter=people["clerk"],
    )  # fmt: skip
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_Register", people)
    assert refused.value.code == ErrorCode.NUMBER_COLLISION
    document.refresh_from_db()
    assert document.doc_number == "" and document.step == "编号登记"


def test_a_body_drafted_in_word_is_uploaded_and_printed(people):
    from oa.documents.pdf import render
    from oa.documents.rendering.raster import extract_text
    from tests.oa.documents.samples import docx

    document = draft(people, body_html="")
    actions.do_add_files(
        document,
        acting_user=people["clerk"],
        files=[("正文.docx", docx(["一、总体要求", "请各单位认真落实雪松计划。"]))],
        role="body",
    )
    document.refresh_from_db()
    assert document.body_file.name == "正文.docx" and document.body_versions.count() == 1
    complete(document, "Task_Draft", people)  # a body file is a body
    assert "雪松计划" in "".join(extract_text(render(document)))


def test_a_drafter_may_sign_with_another_agency_name(people):
    document = draft(people, signature_agency="思明区人民政府办公室")
    assert document.signature_agency == "思明区人民政府办公室"
    assert draft(people, signature_agency="").signature_agency == "思明区政府办公室"
