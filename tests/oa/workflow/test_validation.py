"""What a BPMN document must be before it is deployed; refusals name the element and line."""

import pytest

from oa.core.errors import ActionError
from oa.workflow import actions
from oa.workflow.models import ProcessDefinition
from oa.workflow.validation import validate_bpmn
from tests.oa.workflow.cast import BPMN_DIR, bpmn, deploy


def refusal(name: str) -> ActionError:
    with pytest.raises(ActionError) as refused:
        validate_bpmn(bpmn(f"invalid/{name}"))
    assert refused.value.code == "bpmn_invalid" and refused.value.field == "bpmn_xml"
    return refused.value


@pytest.mark.parametrize("name", sorted(p.name for p in BPMN_DIR.glob("*.bpmn")))
def test_the_test_flows_are_valid(name):
    parsed = validate_bpmn(bpmn(name))
    assert parsed.process_id


def test_malformed_xml_is_refused_with_its_line():
    error = refusal("malformed.bpmn")
    assert "XML" in error.detail and error.errors[0]["line"] == 5


def test_a_document_that_is_not_bpmn_is_refused():
    assert "不是 BPMN" in refusal("not_bpmn.xml").detail


def test_a_user_task_without_an_assignment_rule_is_refused():
    error = refusal("unassigned.bpmn")
    assert "candidateGroups" in error.detail and "审批" in error.detail
    assert error.errors[0]["element_id"] == "approve" and error.errors[0]["line"] == 6


def test_an_unreachable_element_is_refused():
    error = refusal("unreachable.bpmn")
    assert "无法到达" in error.detail
    assert [e["element_id"] for e in error.errors] == ["orphan"]
    assert error.errors[0]["element_name"] == "孤立步骤" and error.errors[0]["line"] == 8


def test_a_process_without_a_start_event_is_refused():
    error = refusal("no_start.bpmn")
    assert "没有开始事件" in error.detail and "没有开始" in error.detail


def test_script_tasks_are_refused():
    error = refusal("script.bpmn")
    assert error.errors[0]["element_id"] == "run" and "scriptTask" in error.detail


def test_a_condition_outside_the_safe_subset_is_refused():
    error = refusal("unsafe_condition.bpmn")
    assert error.errors[0]["element_id"] == "f3" and "不可用" in error.detail


@pytest.mark.parametrize(
    ("rules", "ok"),
    [
        ("role:leader, dept:秘书科，dept_head:starter, starter, user:lin", True),
        ("dept_head:office", True),
        ("boss:lin", False),
        ("role:", False),
        ("lin", False),
    ],
)
def test_assignment_rules_are_checked(rules, ok):
    xml = bpmn("invalid/unassigned.bpmn").replace(
        'name="审批"', f'name="审批" camunda:candidateGroups="{rules}"'
    )
    if ok:
        validate_bpmn(xml)
    else:
        with pytest.raises(ActionError) as refused:
            validate_bpmn(xml)
        assert "办理人规则" in refused.value.detail


def test_every_problem_is_listed():
    xml = bpmn("invalid/unreachable.bpmn").replace('camunda:candidateGroups="role:leader" ', "")
    with pytest.raises(ActionError) as refused:
        validate_bpmn(xml)
    assert {e["element_id"] for e in refused.value.errors} == {"approve", "orphan"}
    assert "另有 1 处问题" in refused.value.detail


def test_entities_are_not_expanded():
    xml = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + bpmn(
        "invalid/unassigned.bpmn"
    ).split("?>", 1)[1].replace('name="审批"', 'name="&x;"')
    with pytest.raises(ActionError) as refused:
        validate_bpmn(xml)
    assert "root:" not in refused.value.detail


def test_deploying_makes_versions_and_the_same_bpmn_twice_is_one_version(cast):
    first = deploy("approval.bpmn", key="outgoing")
    assert deploy("approval.bpmn", key="outgoing") == first
    changed = actions.do_deploy_process_definition(
        acting_user=None,
        key="outgoing",
        name="approval",
        bpmn_xml=bpmn("approval.bpmn").replace("核稿", "审核"),
    )
    assert (first.version, changed.version) == (1, 2)
    assert changed.process_id == "outgoing" and changed.module == ""
    assert ProcessDefinition.objects.filter(key="outgoing").count() == 2
