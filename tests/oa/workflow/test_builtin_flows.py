"""Every flow the library ships runs: started in a unit from its starter-kit copy, with the
start form's data, and driven to its end through the actions (proves the built-in BPMN,
forms, role codes and `${var}` rules fit the engine)."""

from __future__ import annotations

import pytest

from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Role, Staff
from oa.templates import flows
from oa.workflow import actions, queries
from oa.workflow.assignment import expand_variables
from oa.workflow.models import HumanTask, ProcessDefinition, ProcessInstance

# Who holds the kit's flow roles in the cast (the district role set).
ROLE_HOLDERS = {
    "director": "director",
    "deputy_leader": "deputy",
    "office_head": "secretary",
    "clerk": "clerk",
    "seal_keeper": "clerk2",
    "vehicle_dispatcher": "clerk2",
    "meeting_admin": "clerk2",
    "archivist": "clerk2",
}


@pytest.fixture
def people(cast):
    for code, username in ROLE_HOLDERS.items():
        Staff.objects.get(user__username=username).roles.add(Role.objects.get(code=code))
    return {u.username: u for u in (cast.director, cast.deputy, cast.secretary, cast.clerk, cast.clerk2)}


def drive(instance: ProcessInstance, people: dict, decide: dict[str, str] | None = None, limit: int = 30):
    """Complete open steps until the instance ends: each by whoever may handle it, with the
    outcome `decide` names for its element (approve by default). Returns the elements in order."""
    decide = decide or {}
    done = []
    for _ in range(limit):
        instance.refresh_from_db()
        if instance.state != ProcessInstance.State.RUNNING:
            return done
        task = instance.tasks.filter(state=HumanTask.State.OPEN).order_by("pk").first()
        assert task is not None, f"stuck at {instance.trail.all() if hasattr(instance, 'trail') else ''}"
        handler = next(u for u in people.values() if queries.can_handle(task, u))
        outcomes = decide.get(task.element_id, "approve")
        actions.do_complete_task(task, acting_user=handler, outcome=outcomes, opinion="同意。")
        done.append(task.element_id)
    raise AssertionError(f"not finished after {limit} steps: {done}")


def test_a_starter_kit_flow_is_deployed_when_first_started(people):
    assert not ProcessDefinition.objects.filter(key="leave").exists()
    data = {
        "leave_type": "年休假",
        "start_date": "2026-12-01",
        "end_date": "2026-12-02",
        "days": 2,
        "reason": "探亲访友",
        "contact_phone": "13800000000",
    }
    instance = flows.do_start_flow(acting_user=people["clerk2"], key="leave", title="年休假", data=data)
    definition = ProcessDefinition.objects.get(key="leave")
    assert (definition.version, definition.form_key, definition.module) == (1, "leave", "affairs")
    assert instance.definition == definition
    again = flows.do_start_flow(acting_user=people["clerk2"], key="leave", title="年休假", data=data)
    assert again.definition == definition


def test_leave_short_goes_to_record_long_to_the_deputy(people):
    base = {
        "leave_type": "事假",
        "start_date": "2026-12-01",
        "end_date": "2026-12-01",
        "reason": "家中有事",
        "contact_phone": "13800000000",
    }
    short = flows.do_start_flow(
        acting_user=people["clerk2"], key="leave", title="事假", data={**base, "days": 1}
    )
    assert drive(short, people) == ["Task_DeptHead", "Task_Record"]
    long = flows.do_start_flow(
        acting_user=people["clerk2"], key="leave", title="病假", data={**base, "days": 5}
    )
    assert drive(long, people) == ["Task_DeptHead", "Task_Deputy", "Task_Record"]
    assert long.state == ProcessInstance.State.COMPLETED


def test_fawen_with_countersign(people):
    data = {
        "title": "关于做好年末安全生产工作的通知",
        "doc_type": "通知",
        "main_recipients": "各街道办事处，区直各部门",
        "body": "为做好年末安全生产工作……",
        "publicity": "主动公开",
        "countersigners": ["deputy", "secretary"],
    }
    instance = flows.do_start_flow(acting_user=people["clerk"], key="fawen", title=data["title"], data=data)
    steps = drive(instance, people, decide={"Task_Review": "countersign"})
    assert steps == [
        "Task_Draft",
        "Task_Review",
        "Task_Countersign",
        "Task_Countersign",
        "Task_SignOff",
        "Task_Recheck",
        "Task_Register",
        "Task_Seal",
        "Task_Dispatch",
    ]
    assert instance.state == ProcessInstance.State.COMPLETED


def test_shouwen_with_lead_department_and_readers(people, cast):
    data = {
        "source_agency": "市政府办公厅",
        "title": "关于开展安全生产大检查的通知",
        "received_on": "2026-11-20",
        "classification": "无",
        "urgency": "普通",
        "lead_department": "secretariat",
        "readers": ["director", "deputy"],
    }
    instance = flows.do_start_flow(acting_user=people["clerk"], key="shouwen", title=data["title"], data=data)
    steps = drive(instance, people)
    assert "Task_Handle" in steps and steps.count("Task_Circulate") == 2
    assert steps[-1] == "Task_Archive"
    handle = instance.tasks.get(element_id="Task_Handle")
    assert handle.candidate_departments == [cast.secretariat.pk]


def test_vehicle(people):
    data = {
        "purpose": "赴市政府参加会议",
        "destination": "市政府",
        "depart_at": "2026-12-01T08:30:00+08:00",
        "return_at": "2026-12-01T12:00:00+08:00",
        "passengers": 3,
        "contact_phone": "13800000000",
    }
    instance = flows.do_start_flow(acting_user=people["clerk2"], key="vehicle", title="用车", data=data)
    steps = drive(instance, people)
    assert steps[0] == "Task_DeptHead" and instance.state == ProcessInstance.State.COMPLETED


def test_seal(people):
    data = {
        "seal_type": "单位公章",
        "document_title": "关于申请专项资金的请示",
        "copies": 2,
        "purpose": "报送区财政局",
        "attachments": ["请示.pdf"],
    }
    instance = flows.do_start_flow(acting_user=people["clerk2"], key="seal", title="用印", data=data)
    drive(instance, people)
    assert instance.state == ProcessInstance.State.COMPLETED


def test_meeting_large_goes_to_the_deputy(people):
    data = {
        "title": "全区安全生产工作部署会",
        "meeting_type": "工作部署会",
        "start_at": "2026-12-03T09:00:00+08:00",
        "end_at": "2026-12-03T11:00:00+08:00",
        "attendee_count": 80,
    }
    instance = flows.do_start_flow(
        acting_user=people["clerk2"], key="meeting", title=data["title"], data=data
    )
    steps = drive(instance, people)
    assert steps == ["Task_DeptHead", "Task_Office", "Task_Leader", "Task_Arrange"]
    assert instance.state == ProcessInstance.State.COMPLETED


def test_a_missing_variable_is_refused_naming_it_with_nothing_written(people):
    data = {
        "title": "关于调整办公时间的通知",
        "doc_type": "通知",
        "main_recipients": "区直各部门",
        "body": "……",
        "publicity": "主动公开",
    }
    instance = flows.do_start_flow(acting_user=people["clerk"], key="fawen", title=data["title"], data=data)
    draft = instance.tasks.get(state=HumanTask.State.OPEN)
    actions.do_complete_task(draft, acting_user=people["clerk"], outcome="approve")
    review = instance.tasks.get(state=HumanTask.State.OPEN)
    state_before = ProcessInstance.objects.get(pk=instance.pk).spiff_state
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(review, acting_user=people["secretary"], outcome="countersign")
    assert refused.value.code == ErrorCode.NO_ASSIGNEE and "countersigners" in refused.value.detail
    review.refresh_from_db()
    assert review.state == HumanTask.State.OPEN
    assert ProcessInstance.objects.get(pk=instance.pk).spiff_state == state_before


def test_a_list_variable_gives_one_rule_per_item(cast):
    rules = expand_variables(
        "dept:${depts}, user:${who}", {"depts": ["office", "secretariat"], "who": "clerk"}, step="承办"
    )
    assert rules == "dept:office, dept:secretariat, user:clerk"
    with pytest.raises(ActionError) as refused:
        expand_variables("dept:${lead_department}", {"lead_department": ""}, step="承办")
    assert refused.value.code == ErrorCode.NO_ASSIGNEE and refused.value.field == "lead_department"


def test_start_data_is_checked_against_the_form(people):
    with pytest.raises(ActionError) as refused:
        flows.do_start_flow(
            acting_user=people["clerk2"],
            key="vehicle",
            title="用车",
            data={"purpose": "开会", "passengers": 0},
        )
    fields = [e["field"] for e in refused.value.errors]
    assert "data.passengers" in fields and "data.destination" in fields
    assert not ProcessInstance.objects.exists()


def test_bringing_in_and_editing_a_flow_deploys_it(people):
    from oa.templates import actions as template_actions
    from oa.templates.models import UnitTemplate

    admin = people["director"]
    template = UnitTemplate.objects.get(kind="flow", code="seal")
    assert not ProcessDefinition.objects.filter(key="seal").exists()  # the kit's flows: on first start
    edited = template.content.replace('name="用印审批"', 'name="用印审批（本单位）"')
    template_actions.do_edit_unit_template(template, acting_user=admin, content=edited)
    template_actions.do_edit_unit_template(template, acting_user=admin, name="用印审批")  # nothing changed
    assert list(ProcessDefinition.objects.filter(key="seal").values_list("version", flat=True)) == [1]
    template_actions.do_edit_unit_template(template, acting_user=admin, name="用印申请")
    latest = ProcessDefinition.objects.filter(key="seal").first()
    assert (latest.version, latest.name, latest.form_key, latest.template_version) == (
        2,
        "用印申请",
        "seal",
        1,
    )
    form = UnitTemplate.objects.get(kind="form", code="seal")
    template_actions.do_edit_unit_template(form, acting_user=admin, name="用印申请表")
    assert not ProcessDefinition.objects.filter(key="seal", form_key="").exists()


def test_bringing_a_flow_in_from_the_library_deploys_it(people):
    from oa.templates import actions as template_actions
    from oa.templates.models import UnitTemplate

    UnitTemplate.objects.filter(kind="flow", code="meeting").delete()
    template_actions.do_instantiate_template(acting_user=people["director"], kind="flow", code="meeting")
    definition = ProcessDefinition.objects.get(key="meeting")
    assert (definition.version, definition.template_code, definition.template_version) == (1, "meeting", 1)
    assert (definition.form_key, definition.module) == ("meeting", "meetings")
