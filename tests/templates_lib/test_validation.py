"""Every validator refuses bad content and says where: a line for XML, a JSON pointer for JSON."""

import copy
import json
from pathlib import Path

import pytest

from oa.core.errors import ActionError
from templates_lib.loading import BUILTIN_DIR
from templates_lib.validation import clean_content
from templates_lib.validation.numbering import render_number

FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Review" name="核稿" camunda:candidateGroups="role:office_head" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
  </bpmn:process>
</bpmn:definitions>
"""


def builtin(relative: str):
    text = (BUILTIN_DIR / relative).read_text(encoding="utf-8")
    return text if relative.endswith(".bpmn") else json.loads(text)


def refusal(kind: str, content) -> tuple[str, list[dict]]:
    with pytest.raises(ActionError) as caught:
        clean_content(kind, content)
    error = caught.value
    assert error.code == "template_invalid"
    assert error.field == "content"
    return error.detail, error.errors


def wheres(errors: list[dict]) -> list[str]:
    return [e["where"] for e in errors]


# --- flows --------------------------------------------------------------------------------


def test_a_well_formed_flow_passes():
    assert clean_content("flow", FLOW) == FLOW


def test_every_builtin_file_passes_its_validator():
    catalogue = json.loads((BUILTIN_DIR / "catalogue.json").read_text(encoding="utf-8"))
    for entry in catalogue["templates"]:
        clean_content(entry["kind"], (BUILTIN_DIR / entry["file"]).read_bytes())


def test_malformed_xml_is_refused_with_its_line():
    broken = FLOW.replace('<bpmn:startEvent id="Start" />', '<bpmn:startEvent id="Start">')
    detail, errors = refusal("flow", broken)
    assert errors[0]["line"] == 8  # where the mismatched closing tag is
    assert detail.startswith("第 8 行") and "XML 格式错误" in detail


def test_a_doctype_is_refused_so_entity_expansion_cannot_happen():
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x>&a;</x>'
    detail, errors = refusal("flow", bomb)
    assert errors[0]["line"] == 2 and "DOCTYPE" in detail


def test_a_root_other_than_bpmn_definitions_is_refused():
    _detail, errors = refusal("flow", '<?xml version="1.0"?>\n<definitions id="x"/>')
    assert errors[0]["line"] == 2
    assert "bpmn:definitions" in errors[0]["detail"]


def test_exactly_one_executable_process_is_required():
    none = FLOW.replace('isExecutable="true"', 'isExecutable="false"')
    _detail, errors = refusal("flow", none)
    assert "现有 0 个" in errors[0]["detail"] and errors[0]["line"] == 2
    two = FLOW.replace(
        "</bpmn:definitions>", '  <bpmn:process id="P2" isExecutable="true" />\n</bpmn:definitions>'
    )
    _detail, errors = refusal("flow", two)
    assert "现有 2 个" in errors[0]["detail"] and errors[0]["line"] == 9


def test_a_user_task_without_candidate_groups_is_named_with_its_line():
    bare = FLOW.replace(' camunda:candidateGroups="role:office_head"', "")
    _detail, errors = refusal("flow", bare)
    assert errors[0]["line"] == 6
    assert "核稿" in errors[0]["detail"] and "id=Review" in errors[0]["detail"]
    blank = FLOW.replace('camunda:candidateGroups="role:office_head"', 'camunda:candidateGroups="  "')
    assert refusal("flow", blank)[1][0]["line"] == 6


def test_duplicate_ids_are_refused_because_merges_key_on_them():
    dup = FLOW.replace('<bpmn:sequenceFlow id="F1"', '<bpmn:sequenceFlow id="Review"')
    _detail, errors = refusal("flow", dup)
    assert errors[0]["line"] == 7 and "第 6 行已使用" in errors[0]["detail"]


def test_every_problem_is_listed_not_just_the_first():
    bad = FLOW.replace(' camunda:candidateGroups="role:office_head"', "").replace(
        'isExecutable="true"', 'isExecutable="false"'
    )
    detail, errors = refusal("flow", bad)
    assert wheres(errors) == ["第 2 行", "第 6 行"]
    assert "另有 1 处问题" in detail


# --- forms --------------------------------------------------------------------------------


def leave_form():
    return copy.deepcopy(builtin("forms/leave.json"))


def test_a_form_whose_schema_is_not_valid_json_schema_is_refused_at_the_pointer():
    form = leave_form()
    form["schema"]["properties"]["days"]["type"] = "decimal"
    form["schema"]["properties"]["reason"]["minLength"] = -1
    _detail, errors = refusal("form", form)
    assert wheres(errors) == ["/schema/properties/days/type", "/schema/properties/reason/minLength"]


def test_a_form_must_be_draft_2020_12():
    form = leave_form()
    form["schema"]["$schema"] = "http://json-schema.org/draft-07/schema#"
    assert wheres(refusal("form", form)[1]) == ["/schema/$schema"]


def test_form_hints_and_required_must_name_real_fields():
    form = leave_form()
    form["schema"]["required"].append("salary")
    form["ui"]["order"].insert(0, "salary")
    form["ui"]["fields"]["salary"] = {"width": 12}
    _detail, errors = refusal("form", form)
    assert wheres(errors) == ["/schema/required/6", "/ui/order/0", "/ui/fields/salary"]


def test_form_layout_hints_are_checked_against_their_own_schema():
    form = leave_form()
    form["ui"]["fields"]["reason"]["widget"] = "wysiwyg"
    form["ui"]["fields"]["days"]["width"] = 30
    assert wheres(refusal("form", form)[1]) == ["/ui/fields/days/width", "/ui/fields/reason/widget"]


def test_json_that_does_not_parse_is_refused_with_line_and_column():
    detail, _errors = refusal("form", '{\n  "schema": {,\n}')
    assert "第 2 行第 14 列" in detail


# --- layouts ------------------------------------------------------------------------------


def red_header():
    return copy.deepcopy(builtin("layouts/red_header.json"))


def test_a_layout_is_checked_against_the_layout_schema():
    layout = red_header()
    layout["header"]["agency_mark"]["color"] = "red"
    layout["body"]["text_font"]["size"] = "特大号"
    del layout["footer"]["copy_to"]
    _detail, errors = refusal("layout", layout)
    assert wheres(errors) == ["/body/text_font/size", "/footer", "/header/agency_mark/color"]


def test_layout_placeholders_must_be_known():
    layout = red_header()
    layout["footer"]["printing"]["agency"] = "{发文单位}办公室"
    _detail, errors = refusal("layout", layout)
    assert wheres(errors) == ["/footer/printing/agency"]
    assert "{发文单位}" in errors[0]["detail"]


def test_margins_that_leave_no_type_area_are_refused():
    layout = red_header()
    layout["paper"]["margins_mm"].update(left=60, right=60)
    _detail, errors = refusal("layout", layout)
    assert wheres(errors) == ["/paper/margins_mm"] and "156 × 225" in errors[0]["detail"]


# --- numbering ----------------------------------------------------------------------------


def rule(**changes):
    return {**builtin("numbering/outgoing.json"), **changes}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{机关代字}〔{年}〕{编号}号", "第 12 个字符：不认识的占位符“{编号}”"),
        ("{机关代字}〔{年}〕号", "须恰好含一个 {序号}"),
        ("{机关代字}〔{年}〕{序号}-{序号}号", "须恰好含一个 {序号}"),
        ("{机关代字}[{年}]{序号}号", "六角括号"),
        ("{机关代字}〔{年}〕第{序号}号", "不加“第”"),
        ("{机关代字〔{年}〕{序号}号", "第 1 个字符：花括号不成对"),
        ("〔{年}〕{序号}号", "须含 {机关代字}"),
    ],
)
def test_numbering_patterns_are_checked_placeholder_by_placeholder(pattern, message):
    _detail, errors = refusal("numbering", rule(pattern=pattern))
    assert errors[0]["where"] == "/pattern"
    assert any(message in e["detail"] for e in errors), errors


def test_a_yearly_rule_needs_the_year():
    _detail, errors = refusal("numbering", rule(purpose="incoming", pattern="收文{序号}号"))
    assert "按年重新编号" in errors[0]["detail"]
    assert clean_content("numbering", rule(purpose="incoming", pattern="收文{序号}号", reset="never"))


def test_numbering_fields_are_checked_by_schema():
    _detail, errors = refusal("numbering", rule(reset="monthly", start=0))
    assert wheres(errors) == ["/reset", "/start"]


def test_a_rule_renders_numbers_without_leading_zeros():
    assert render_number(rule(), year=2026, sequence=7, agency_abbr="思政办") == "思政办〔2026〕7号"


# --- role sets ----------------------------------------------------------------------------


def test_role_sets_name_every_bad_role_field():
    roleset = copy.deepcopy(builtin("rolesets/district.json"))
    roleset["roles"][0]["permissions"].append("documents.teleport")
    teleport = len(roleset["roles"][0]["permissions"]) - 1
    roleset["roles"][1]["code"] = "Deputy"
    roleset["roles"][2]["code"] = "sysadmin"
    roleset["roles"][3]["code"] = roleset["roles"][0]["code"]
    roleset["roles"][4]["name"] = "系统管理员"
    _detail, errors = refusal("roleset", roleset)
    assert wheres(errors) == [
        f"/roles/0/permissions/{teleport}",
        "/roles/1/code",
        "/roles/2/code",
        "/roles/3/code",
        "/roles/4/name",
    ]


def test_role_sets_may_grant_declared_module_permissions():
    roleset = {
        "roles": [
            {"code": "drafter", "name": "拟稿员", "permissions": ["documents.draft", "templates.manage"]}
        ]
    }
    assert clean_content("roleset", roleset) == roleset


def test_builtin_flows_carry_diagram_interchange_for_bpmn_js():
    from templates_lib.xmldoc import BPMN, BPMNDI, parse_xml, q

    for path in sorted(Path(BUILTIN_DIR / "flows").glob("*.bpmn")):
        root = parse_xml(path.read_text(encoding="utf-8")).root
        process = root.find(q(BPMN, "process"))
        drawable = {el.get("id") for el in process if el.get("id") and el.tag != q(BPMN, "documentation")}
        shapes = {s.get("bpmnElement") for s in root.iter(q(BPMNDI, "BPMNShape"))}
        edges = {e.get("bpmnElement") for e in root.iter(q(BPMNDI, "BPMNEdge"))}
        flows = {f.get("id") for f in process.iter(q(BPMN, "sequenceFlow"))}
        assert drawable - flows == shapes, path.name
        assert flows == edges, path.name
