"""收文: registration (签收 + 登记 with the 收文编号), 初审 (or 退文 with a reason), 拟办, 批办
with a lead department, deadline and readers, 承办, 传阅, 办结, 归档."""

from __future__ import annotations

import pytest
from django.utils import timezone

from oa.core.errors import ActionError, ErrorCode
from oa.documents import actions
from oa.documents.models import Document
from oa.workflow.models import HumanTask
from tests.oa.documents.conftest import complete, open_task

RECEIVED = {
    "title": "关于开展冬季安全生产大检查的通知",
    "source_agency": "厦门市人民政府办公厅",
    "doc_number": "厦府办〔2026〕88号",
    "doc_type": "通知",
    "received_on": "2026-11-20",
}


def register(people, **changes) -> Document:
    return actions.do_register_incoming(acting_user=people["clerk"], fields={**RECEIVED, **changes})


def test_registering_signs_for_it_numbers_it_and_sends_it_to_first_check(people):
    document = register(people)
    assert document.direction == "incoming" and document.state == Document.State.ACTIVE
    assert actions.incoming_number(document).startswith("思政办收〔")
    assert document.step == "初审" and open_task(document).element_id == "Task_Check"
    done = HumanTask.objects.filter(instance_id=document.process_instance_id, state="completed")
    assert set(done.values_list("element_id", flat=True)) == {"Task_Acknowledge", "Task_Register"}


def test_it_is_handled_to_the_end_and_archived_by_its_last_step(people, cast):
    document = register(people, urgency="urgent")
    complete(document, "Task_Check", people)
    complete(document, "Task_Propose", people, opinion="拟请秘书科牵头办理。")
    with pytest.raises(ActionError) as refused:  # urgent: a deadline is required (条例第二十五条)
        complete(
            document,
            "Task_Instruct",
            people,
            data={"lead_department": cast.secretariat.pk, "readers": ["deputy"]},
        )
    assert refused.value.field == "deadline"
    complete(
        document,
        "Task_Instruct",
        people,
        opinion="请秘书科牵头落实。",
        data={
            "lead_department": cast.secretariat.pk,
            "deadline": "2026-12-05",
            "readers": ["deputy", "director"],
        },
    )
    assert document.lead_department == cast.secretariat and str(document.deadline) == "2026-12-05"
    handle = open_task(document, "Task_Handle")
    assert handle.candidate_departments == [cast.secretariat.pk]
    assert timezone.localtime(handle.due_at).date().isoformat() == "2026-12-05"  # the leader's deadline
    complete(document, "Task_Handle", people, user=people["clerk"], opinion="已部署检查。")
    complete(document, "Task_Circulate", people, user=people["deputy"], opinion="已阅")
    complete(document, "Task_Circulate", people, user=people["director"], opinion="已阅")
    complete(document, "Task_Close", people)
    complete(document, "Task_Archive", people, data={"retention": "D30"})
    assert document.state == Document.State.ARCHIVED and document.retention == "D30"
    assert document.archive_code.startswith("SIMING-WS·") and "-D30-SECRETARIAT-0001" in document.archive_code


def test_first_check_returns_it_to_the_sender_with_a_reason(people):
    document = register(people)
    with pytest.raises(ActionError) as refused:
        complete(document, "Task_Check", people, outcome="return", opinion=" ")
    assert refused.value.field == "opinion"
    complete(document, "Task_Check", people, outcome="return", opinion="来文不属于本单位职权范围。")
    complete(document, "Task_Return", people)
    assert document.state == Document.State.RETURNED
    returned = document.events.get(action="returned")
    assert returned.detail["reason"] == "来文不属于本单位职权范围。"


def test_instruct_refuses_an_unknown_department_or_reader(people):
    document = register(people)
    complete(document, "Task_Check", people)
    complete(document, "Task_Propose", people)
    for data, field in (
        ({"lead_department": 999999, "readers": ["deputy"]}, "lead_department"),
        ({"readers": ["deputy"]}, "lead_department"),
        ({"lead_department": "secretariat", "readers": ["nobody"]}, "readers"),
        ({"lead_department": "secretariat", "readers": []}, "readers"),
    ):
        with pytest.raises(ActionError) as refused:
            complete(document, "Task_Instruct", people, data=data)
        assert refused.value.field == field
    assert open_task(document).element_id == "Task_Instruct"


def test_registration_needs_the_receive_permission_and_the_required_fields(people):
    with pytest.raises(ActionError) as refused:
        actions.do_register_incoming(acting_user=people["auditor"], fields=RECEIVED)
    assert refused.value.status == 403
    with pytest.raises(ActionError) as refused:
        register(people, source_agency="")
    assert refused.value.field == "source_agency"
    with pytest.raises(ActionError) as refused:
        register(people, received_on="2026-13-01")
    assert refused.value.field == "received_on"
    with pytest.raises(ActionError) as refused:
        register(people, classification="confidential", secrecy_period="10年")
    assert refused.value.code == ErrorCode.CLASSIFICATION_TOO_HIGH
    assert not Document.objects.exists()
