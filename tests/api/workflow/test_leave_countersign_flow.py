"""Issue 3's acceptance scenario, through the API.

The unit admin forks the leave flow and adds a 会签 step for two department heads; a staff
member submits a leave request; both heads see it in their to-do list; one returns it to the
submitter with a reason; the trail shows every step. Then the provider publishes a new
version of the leave flow and the admin upgrades the fork, keeping the 会签 step.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from lxml import etree

from oa.templates.models import UnitTemplate
from oa.workflow.models import ProcessDefinition, ProcessInstance
from tests.conftest import SIMING, HostClient, user_in
from tests.oa.workflow.cast import make_cast

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
LEAVE = {
    "leave_type": "事假",
    "start_date": "2026-12-01",
    "end_date": "2026-12-02",
    "days": 2,
    "reason": "家中有事",
    "contact_phone": "13800000000",
}


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def add_countersign(bpmn_xml: str) -> str:
    """What the admin draws in bpmn-js: a parallel 会签 of the heads of 办公室 and 秘书科 after
    the department head approves, before the days gateway."""
    root = etree.fromstring(bpmn_xml.encode("utf-8"))
    process = root.find("bpmn:process", NS)
    approve = process.find("bpmn:sequenceFlow[@id='Flow_DeptApprove']", NS)
    approve.set("targetRef", "Task_Countersign")
    task = etree.SubElement(process, q("bpmn:userTask"))
    task.set("id", "Task_Countersign")
    task.set("name", "会签")
    task.set(q("camunda:candidateGroups"), "dept_head:office, dept_head:secretariat")
    task.set(q("camunda:dueDate"), "P1D")
    etree.SubElement(task, q("bpmn:incoming")).text = "Flow_DeptApprove"
    etree.SubElement(task, q("bpmn:outgoing")).text = "Flow_CountersignDone"
    loop = etree.SubElement(task, q("bpmn:multiInstanceLoopCharacteristics"))
    loop.set(q("camunda:collection"), "heads")
    loop.set(q("camunda:elementVariable"), "head")
    days = process.find("bpmn:exclusiveGateway[@id='Gateway_Days']", NS)
    incoming = days.find("bpmn:incoming", NS)
    incoming.text = "Flow_CountersignDone"
    flow = etree.SubElement(process, q("bpmn:sequenceFlow"))
    flow.set("id", "Flow_CountersignDone")
    flow.set("sourceRef", "Task_Countersign")
    flow.set("targetRef", "Gateway_Days")
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shape = etree.SubElement(plane, q("bpmndi:BPMNShape"))
    shape.set("id", "Task_Countersign_di")
    shape.set("bpmnElement", "Task_Countersign")
    bounds = etree.SubElement(shape, q("dc:Bounds"))
    for key, value in (("x", "520"), ("y", "20"), ("width", "100"), ("height", "80")):
        bounds.set(key, value)
    edge = etree.SubElement(plane, q("bpmndi:BPMNEdge"))
    edge.set("id", "Flow_CountersignDone_di")
    edge.set("bpmnElement", "Flow_CountersignDone")
    for x, y in (("620", "60"), ("620", "155")):
        point = etree.SubElement(edge, q("di:waypoint"))
        point.set("x", x)
        point.set("y", y)
    return etree.tostring(root, encoding="unicode")


@pytest.fixture
def cast(db):
    with schema_context(SIMING):
        made = make_cast()
    connection.set_schema_to_public()
    return made


def as_user(username: str) -> HostClient:
    return HostClient(SIMING).login_as(username)


def todo(username: str) -> list[dict]:
    response = as_user(username).get("/api/workflow/tasks/")
    assert response.status_code == 200
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_the_leave_flow_with_a_countersign_step(cast, siming_admin):
    # 1. The admin forks the leave flow and adds the 会签 step, saved through the templates API.
    with schema_context(SIMING):
        leave_pk = UnitTemplate.objects.get(kind="flow", code="leave").pk
    fork = siming_admin.post(
        f"/api/templates/{leave_pk}/fork/", {"code": "leave_cs", "name": "请假审批（会签）"}, format="json"
    )
    assert fork.status_code == 201, fork.content
    fork_pk = fork.json()["id"]
    content = siming_admin.get(f"/api/templates/{fork_pk}/").json()["content"]
    saved = siming_admin.patch(
        f"/api/templates/{fork_pk}/", {"content": add_countersign(content)}, format="json"
    )
    assert saved.status_code == 200, saved.content
    with schema_context(SIMING):
        deployed = ProcessDefinition.objects.filter(key="leave_cs").order_by("version")
        assert [d.version for d in deployed] == [1, 2]
        assert "Task_Countersign" in deployed.last().bpmn_xml and deployed.last().form_key == "leave"

    # 2. A staff member sees the flow with its form, and submits a leave request.
    clerk2 = as_user("clerk2")
    startable = {f["key"]: f for f in clerk2.get("/api/workflow/startable/").json()}
    assert startable["leave_cs"]["schema"]["properties"]["days"]["type"] == "number"
    assert startable["leave_cs"]["ui"]["order"][0] == "leave_type"
    bad = clerk2.post(
        "/api/workflow/instances/",
        {"key": "leave_cs", "title": "请假", "data": {**LEAVE, "days": "两天"}},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "data.days"
    missing = clerk2.post(
        "/api/workflow/instances/",
        {"key": "leave_cs", "title": "请假", "data": {k: v for k, v in LEAVE.items() if k != "reason"}},
        format="json",
    )
    assert missing.json()["field"] == "data.reason"
    started = clerk2.post(
        "/api/workflow/instances/", {"key": "leave_cs", "title": "李科员请假", "data": LEAVE}, format="json"
    )
    assert started.status_code == 201, started.content
    instance_id = started.json()["id"]
    assert started.json()["definition"]["version"] == 2

    # The department head (秘书科 科长) approves.
    [head_task] = [t for t in todo("secretary") if t["instance"] == instance_id]
    done = as_user("secretary").post(
        f"/api/workflow/tasks/{head_task['id']}/complete/",
        {"outcome": "approve", "opinion": "同意"},
        format="json",
    )
    assert done.status_code == 200, done.content

    # 3. Both heads see the 会签 in their to-do list.
    director_tasks = [t for t in todo("director") if t["instance"] == instance_id]
    secretary_tasks = [t for t in todo("secretary") if t["instance"] == instance_id]
    assert [t["name"] for t in director_tasks] == ["会签"]
    assert [t["name"] for t in secretary_tasks] == ["会签"]

    # 4. The director returns it to the submitter with a reason.
    page = as_user("director").get(f"/api/workflow/tasks/{director_tasks[0]['id']}/").json()
    assert "StartEvent_Apply" in [t["element_id"] for t in page["allowed"]["return_targets"]]
    returned = as_user("director").post(
        f"/api/workflow/tasks/{director_tasks[0]['id']}/return/",
        {"to_element": "StartEvent_Apply", "opinion": "年底工作紧，请调整请假日期。"},
        format="json",
    )
    assert returned.status_code == 200, returned.content
    assert not [t for t in todo("secretary") if t["instance"] == instance_id]
    [back] = [t for t in todo("clerk2") if t["instance"] == instance_id]
    assert back["name"] == "提交申请"

    # The trail shows every step.
    detail = clerk2.get(f"/api/workflow/instances/{instance_id}/").json()
    trail = [(e["action"], e["step"]) for e in detail["trail"]]
    assert trail[0] == ("start", "发起")
    assert ("complete", "部门负责人审批") in trail
    assert ("return", "会签") in trail
    returned_event = next(e for e in detail["trail"] if e["action"] == "return")
    assert returned_event["opinion"] == "年底工作紧，请调整请假日期。"

    # The submitter corrects the dates and resubmits: the flow starts over.
    wrong = clerk2.post(
        f"/api/workflow/tasks/{back['id']}/complete/",
        {"outcome": "submit", "data": {"start_date": "12月8日"}},
        format="json",
    )
    assert (wrong.status_code, wrong.json()["field"]) == (400, "data.start_date")
    resubmitted = clerk2.post(
        f"/api/workflow/tasks/{back['id']}/complete/",
        {
            "outcome": "submit",
            "opinion": "已调整",
            "data": {"start_date": "2026-12-08", "end_date": "2026-12-09"},
        },
        format="json",
    )
    assert resubmitted.status_code == 200, resubmitted.content
    again = [t for t in todo("secretary") if t["instance"] == instance_id]
    assert [t["name"] for t in again] == ["部门负责人审批"]

    # 5. The provider publishes a new version of the leave flow (a change elsewhere).
    provider = HostClient(None).login_as("provider")
    connection.set_schema_to_public()
    from templates_lib.models import Template

    library_pk = Template.objects.get(kind="flow", code="leave").pk
    current = provider.get(f"/api/templates/{library_pk}/versions/1/").json()["content"]
    changed = current.replace(
        'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk" camunda:dueDate="P1D"',
        'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk" camunda:dueDate="P2D"',
    )
    assert changed != current
    draft = provider.post(f"/api/templates/{library_pk}/versions/", {"content": changed}, format="json")
    assert draft.status_code == 201, draft.content
    published = provider.post(f"/api/templates/{library_pk}/versions/{draft.json()['number']}/publish/")
    assert published.status_code == 200, published.content

    # 6. The admin previews and upgrades the fork: the 会签 step stays, the change arrives.
    preview = siming_admin.post(f"/api/templates/{fork_pk}/upgrade/preview/", {}, format="json")
    assert preview.status_code == 200, preview.content
    assert preview.json()["clean"] is True
    assert "Task_Countersign" in preview.json()["content"]
    upgraded = siming_admin.post(f"/api/templates/{fork_pk}/upgrade/", {}, format="json")
    assert upgraded.status_code == 200, upgraded.content
    body = upgraded.json()
    assert body["parent_version"] == 2
    assert "Task_Countersign" in body["content"] and 'camunda:dueDate="P2D"' in body["content"]
    with schema_context(SIMING):
        latest = ProcessDefinition.objects.filter(key="leave_cs").order_by("-version").first()
        assert latest.version == 3 and latest.template_version == 2
        assert "Task_Countersign" in latest.bpmn_xml
        # The running request stays on the version it started on.
        assert ProcessInstance.objects.get(pk=instance_id).definition.version == 2
    assert user_in(SIMING, "clerk2") is not None
