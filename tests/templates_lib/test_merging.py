"""Three-way merges and diffs, on the built-in leave flow and form."""

import copy
import json

from templates_lib.diffing import bpmn_diff, json_diff, unified_diff
from templates_lib.loading import BUILTIN_DIR
from templates_lib.merging import three_way_merge
from templates_lib.validation import clean_content
from templates_lib.xmldoc import BPMN, parse_xml, q, serialise

LEAVE_FLOW = (BUILTIN_DIR / "flows" / "leave.bpmn").read_text(encoding="utf-8")
LEAVE_FORM = json.loads((BUILTIN_DIR / "forms" / "leave.json").read_text(encoding="utf-8"))

RECORD = 'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk"'
END_FLOW = '<bpmn:sequenceFlow id="Flow_End" sourceRef="Task_Record" targetRef="EndEvent_Approved" />'


def unit_edits(flow: str) -> str:
    """The unit gives 备案 to the office head and adds a 通知本人 step before the end."""
    flow = flow.replace(RECORD, RECORD.replace("role:clerk", "role:office_head"))
    return flow.replace(
        END_FLOW,
        '<bpmn:sequenceFlow id="Flow_End" sourceRef="Task_Record" targetRef="Task_Notify" />\n'
        '    <bpmn:userTask id="Task_Notify" name="通知本人" camunda:candidateGroups="role:clerk" />\n'
        '    <bpmn:sequenceFlow id="Flow_Notify" sourceRef="Task_Notify" targetRef="EndEvent_Approved" />',
    )


def library_edits(flow: str) -> str:
    """The library gives the department head two days and renames the deputy's step."""
    flow = flow.replace(
        'candidateGroups="dept_head:starter" camunda:dueDate="P1D"',
        'candidateGroups="dept_head:starter" camunda:dueDate="P2D"',
    )
    return flow.replace('name="分管领导审批"', 'name="分管领导审核"')


def element(text: str, ident: str):
    return next(e for e in parse_xml(text).root.iter() if e.get("id") == ident)


def test_bpmn_edits_on_both_sides_merge_element_by_element():
    result = three_way_merge("flow", LEAVE_FLOW, unit_edits(LEAVE_FLOW), library_edits(LEAVE_FLOW))
    assert result.clean and result.conflicts == []
    merged = clean_content("flow", result.content)
    camunda = "{http://camunda.org/schema/1.0/bpmn}"
    assert element(merged, "Task_Record").get(camunda + "candidateGroups") == "role:office_head"
    assert element(merged, "Task_DeptHead").get(camunda + "dueDate") == "P2D"
    assert element(merged, "Task_Deputy").get("name") == "分管领导审核"
    assert element(merged, "Flow_Notify").get("targetRef") == "EndEvent_Approved"
    # bpmn:incoming / outgoing are written again from the flows.
    end = element(merged, "EndEvent_Approved")
    assert [c.text for c in end if c.tag == q(BPMN, "incoming")] == ["Flow_Notify"]


def test_changes_to_different_attributes_of_one_element_both_survive():
    ours = LEAVE_FLOW.replace(RECORD, RECORD.replace("role:clerk", "role:office_head"))
    theirs = LEAVE_FLOW.replace(RECORD, RECORD.replace("办公室备案", "人事备案"))
    result = three_way_merge("flow", LEAVE_FLOW, ours, theirs)
    record = element(result.content, "Task_Record")
    assert result.clean
    assert (record.get("name"), record.get("{http://camunda.org/schema/1.0/bpmn}candidateGroups")) == (
        "人事备案",
        "role:office_head",
    )


def test_the_same_attribute_changed_both_ways_is_a_conflict_the_admin_settles():
    ours = LEAVE_FLOW.replace(RECORD, RECORD.replace("role:clerk", "role:office_head"))
    theirs = LEAVE_FLOW.replace(RECORD, RECORD.replace("role:clerk", "role:deputy_leader"))
    result = three_way_merge("flow", LEAVE_FLOW, ours, theirs)
    assert result.unresolved == ["Task_Record@camunda:candidateGroups"]
    conflict = result.conflicts[0]
    assert (conflict.base, conflict.ours, conflict.theirs) == (
        "role:clerk",
        "role:office_head",
        "role:deputy_leader",
    )
    assert (conflict.element, conflict.name) == ("bpmn:userTask", "办公室备案")
    settled = three_way_merge(
        "flow", LEAVE_FLOW, ours, theirs, {"Task_Record@camunda:candidateGroups": "theirs"}
    )
    assert settled.clean and 'candidateGroups="role:deputy_leader"' in settled.content


def without(flow: str, *idents: str, retarget: tuple[str, str] | None = None) -> str:
    """The flow with these elements (and their diagram shapes and edges) taken out."""
    root = parse_xml(flow).root
    for parent in list(root.iter()):
        for child in list(parent):
            if child.get("id") in idents or child.get("bpmnElement") in idents:
                parent.remove(child)
    if retarget:
        flow_id, target = retarget
        next(e for e in root.iter() if e.get("id") == flow_id).set("targetRef", target)
    return serialise(root)


def no_deputy_step(flow: str) -> str:
    """The library drops the deputy's approval: long leave goes straight to 备案."""
    return without(
        flow,
        "Task_Deputy",
        "Gateway_Deputy",
        "Flow_DeputyDone",
        "Flow_DeputyApprove",
        "Flow_DeputyReject",
        retarget=("Flow_Long", "Task_Record"),
    )


def test_an_element_the_library_removed_but_the_unit_changed_is_a_conflict():
    deputy_task = 'id="Task_Deputy" name="分管领导审批" camunda:candidateGroups="role:deputy_leader"'
    ours = LEAVE_FLOW.replace(deputy_task, deputy_task.replace("role:deputy_leader", "role:director"))
    theirs = no_deputy_step(LEAVE_FLOW)
    result = three_way_merge("flow", LEAVE_FLOW, ours, theirs)
    assert [c.where for c in result.conflicts] == ["Task_Deputy"]
    assert result.conflicts[0].theirs is None and "role:director" in result.conflicts[0].ours
    # Taking the library's side drops the task.
    dropped = three_way_merge("flow", LEAVE_FLOW, ours, theirs, {"Task_Deputy": "theirs"})
    assert dropped.clean and 'id="Task_Deputy"' not in dropped.content
    clean_content("flow", dropped.content)
    # Keeping the unit's keeps the task, drawn where the unit had it.
    kept = three_way_merge("flow", LEAVE_FLOW, ours, theirs, {"Task_Deputy": "ours"})
    assert kept.clean and 'id="Task_Deputy"' in kept.content
    assert 'bpmnElement="Task_Deputy"' in kept.content


def test_a_flow_left_dangling_by_the_merge_is_reported():
    # The unit points a new flow at Task_Deputy; the library deletes Task_Deputy.
    ours = LEAVE_FLOW.replace(
        END_FLOW,
        END_FLOW
        + '\n    <bpmn:sequenceFlow id="Flow_Extra" sourceRef="Task_Record" targetRef="Task_Deputy" />',
    )
    result = three_way_merge("flow", LEAVE_FLOW, ours, no_deputy_step(LEAVE_FLOW))
    assert not result.clean
    assert any("Flow_Extra" in p.detail for p in result.problems)


def test_an_untouched_copy_takes_the_new_version_verbatim():
    theirs = library_edits(LEAVE_FLOW)
    assert three_way_merge("flow", LEAVE_FLOW, LEAVE_FLOW, theirs).content == theirs


def test_json_edits_merge_per_pointer_and_unit_edits_are_kept():
    ours = copy.deepcopy(LEAVE_FORM)
    ours["schema"]["properties"]["reason"]["maxLength"] = 200
    ours["ui"]["fields"]["reason"]["rows"] = 5
    theirs = copy.deepcopy(LEAVE_FORM)
    theirs["schema"]["properties"]["days"]["maximum"] = 365
    theirs["schema"]["properties"]["substitute_phone"] = {"type": "string", "title": "代理人电话"}
    result = three_way_merge("form", LEAVE_FORM, ours, theirs)
    assert result.clean
    properties = result.content["schema"]["properties"]
    assert properties["reason"]["maxLength"] == 200
    assert properties["days"]["maximum"] == 365
    assert "substitute_phone" in properties
    assert result.content["ui"]["fields"]["reason"]["rows"] == 5


def test_json_conflicts_are_listed_with_base_ours_and_theirs():
    ours = copy.deepcopy(LEAVE_FORM)
    ours["ui"]["order"].append("handover")
    ours["ui"]["order"].remove("handover")
    ours["ui"]["order"].insert(0, "reason")
    ours["ui"]["order"] = list(dict.fromkeys(ours["ui"]["order"]))
    theirs = copy.deepcopy(LEAVE_FORM)
    theirs["ui"]["order"] = list(reversed(LEAVE_FORM["ui"]["order"]))
    del theirs["schema"]["properties"]["destination"]
    ours["schema"]["properties"]["destination"]["maxLength"] = 50
    result = three_way_merge("form", LEAVE_FORM, ours, theirs)
    assert sorted(result.unresolved) == ["/schema/properties/destination", "/ui/order"]
    removed = next(c for c in result.conflicts if c.where == "/schema/properties/destination")
    assert removed.theirs is None and removed.ours["maxLength"] == 50 and "删除" in removed.detail
    settled = three_way_merge(
        "form", LEAVE_FORM, ours, theirs, {"/ui/order": "ours", "/schema/properties/destination": "theirs"}
    )
    assert settled.clean
    assert settled.content["ui"]["order"][0] == "reason"
    assert "destination" not in settled.content["schema"]["properties"]


def test_structural_diffs_name_elements_and_pointers():
    changes = {c["where"]: c for c in bpmn_diff(LEAVE_FLOW, unit_edits(LEAVE_FLOW))}
    assert changes["Task_Notify"]["change"] == "added"
    assert changes["Task_Record"]["attributes"] == {
        "camunda:candidateGroups": ["role:clerk", "role:office_head"]
    }
    assert changes["Flow_End"]["attributes"] == {"targetRef": ["EndEvent_Approved", "Task_Notify"]}
    theirs = copy.deepcopy(LEAVE_FORM)
    theirs["schema"]["properties"]["days"]["maximum"] = 365
    assert json_diff(LEAVE_FORM, theirs) == [
        {"where": "/schema/properties/days/maximum", "change": "changed", "before": 180, "after": 365}
    ]
    text = unified_diff("form", LEAVE_FORM, theirs, old_label="v1", new_label="v2")
    assert text.startswith("--- v1\n+++ v2\n") and '-        "maximum": 180,' in text
