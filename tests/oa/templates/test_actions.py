"""A unit's templates: edit, fork, upgrade with kept edits and with conflicts."""

import copy

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from oa.directory.models import Role
from oa.templates import actions
from oa.templates.models import UnitTemplate
from oa.templates.upgrades import plan_upgrade
from templates_lib import actions as library
from templates_lib.models import Template
from tests.conftest import SIMING, user_in

RECORD = 'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk"'


@pytest.fixture
def admin(db):
    return user_in(SIMING, "admin")


def publish(kind: str, code: str, change) -> int:
    """The provider publishes a new version of a library template; returns its number."""
    connection.set_schema_to_public()
    template = Template.objects.get(kind=kind, code=code)
    latest = template.versions.order_by("-number").first()
    content = change(copy.deepcopy(latest.content))
    provider = user_in(None, "provider")
    draft = library.do_add_draft_version(template, acting_user=provider, content=content)
    library.do_publish_version(draft, acting_user=provider)
    return draft.number


def unit_template(kind: str, code: str) -> UnitTemplate:
    return UnitTemplate.objects.get(kind=kind, code=code)


def longer_reason(form):
    form["schema"]["properties"]["reason"]["maxLength"] = 1000
    return form


def test_an_edit_is_validated_and_marks_the_copy_edited(admin):
    with schema_context(SIMING):
        leave = unit_template("form", "leave")
        form = copy.deepcopy(leave.content)
        form["ui"]["order"].append("nickname")
        with pytest.raises(ActionError) as caught:
            actions.do_edit_unit_template(leave, acting_user=admin, content=form)
        assert caught.value.errors[0]["where"] == "/ui/order/9"
        leave.refresh_from_db()
        assert not leave.edited
        form["ui"]["order"].pop()
        form["ui"]["submit_label"] = "提交请假"
        edited = actions.do_edit_unit_template(
            leave, acting_user=admin, content=form, name="请假申请（本单位）"
        )
        assert edited.edited and edited.name == "请假申请（本单位）"
        assert AuditEvent.objects.filter(action="templates.edited", target_id=str(leave.pk)).exists()


def test_a_fork_is_a_new_code_with_the_same_parent(admin):
    with schema_context(SIMING):
        leave = unit_template("flow", "leave")
        fork = actions.do_fork_unit_template(leave, acting_user=admin, code="sick_leave", name="病假审批")
        assert (fork.kind, fork.code, fork.forked, fork.parent_code, fork.parent_version) == (
            "flow",
            "sick_leave",
            True,
            "leave",
            1,
        )
        assert fork.content == leave.content
        with pytest.raises(ActionError) as caught:
            actions.do_fork_unit_template(leave, acting_user=admin, code="sick_leave", name="again")
        assert caught.value.status == 409


def test_an_upgrade_keeps_the_units_edits_and_takes_the_librarys(admin):
    with schema_context(SIMING):
        leave = unit_template("form", "leave")
        form = copy.deepcopy(leave.content)
        form["ui"]["submit_label"] = "提交请假"
        actions.do_edit_unit_template(leave, acting_user=admin, content=form)
    number = publish("form", "leave", longer_reason)
    with schema_context(SIMING):
        leave = unit_template("form", "leave")
        upgraded = actions.do_upgrade_unit_template(leave, acting_user=admin)
        assert upgraded.parent_version == number == 2
        assert upgraded.content["ui"]["submit_label"] == "提交请假"
        assert upgraded.content["schema"]["properties"]["reason"]["maxLength"] == 1000
        assert upgraded.edited  # the unit's edit survived
        event = AuditEvent.objects.get(action="templates.upgraded", target_id=str(leave.pk))
        assert (event.detail["from"], event.detail["to"]) == (1, 2)
        with pytest.raises(ActionError) as caught:
            actions.do_upgrade_unit_template(upgraded, acting_user=admin)
        assert caught.value.status == 409 and caught.value.field == "version"


def test_an_untouched_copy_upgrades_to_exactly_the_new_version(admin):
    publish("form", "seal", lambda f: {**f, "ui": {**f["ui"], "submit_label": "申请用印"}})
    with schema_context(SIMING):
        seal = actions.do_upgrade_unit_template(unit_template("form", "seal"), acting_user=admin)
        assert seal.content["ui"]["submit_label"] == "申请用印" and not seal.edited


def test_a_bpmn_upgrade_with_a_conflict_waits_for_the_admins_choice(admin):
    with schema_context(SIMING):
        flow = unit_template("flow", "leave")
        ours = flow.content.replace(RECORD, RECORD.replace("role:clerk", "role:office_head"))
        ours = ours.replace('name="请假天数"', 'name="请假时长"')
        actions.do_edit_unit_template(flow, acting_user=admin, content=ours)

    def library_change(text):
        return text.replace(RECORD, RECORD.replace("role:clerk", "role:deputy_leader")).replace(
            'camunda:dueDate="P1D">\n      <bpmn:incoming>Flow_Start',
            'camunda:dueDate="P2D">\n      <bpmn:incoming>Flow_Start',
        )

    publish("flow", "leave", library_change)
    with schema_context(SIMING):
        flow = unit_template("flow", "leave")
        before = flow.content
        preview = plan_upgrade(flow).preview()
        assert not preview["clean"]
        assert [c["where"] for c in preview["conflicts"]] == ["Task_Record@camunda:candidateGroups"]
        assert {c["where"] for c in preview["library_changes"]} == {"Task_Record", "Task_DeptHead"}
        assert {c["where"] for c in preview["unit_changes"]} == {"Task_Record", "Gateway_Days"}
        flow.refresh_from_db()
        assert flow.content == before and flow.parent_version == 1  # the preview wrote nothing
        with pytest.raises(ActionError) as caught:
            actions.do_upgrade_unit_template(flow, acting_user=admin)
        error = caught.value
        assert (error.code, error.status) == ("merge_conflict", 409)
        assert error.errors[0]["where"] == "Task_Record@camunda:candidateGroups"
        assert (error.errors[0]["ours"], error.errors[0]["theirs"]) == (
            "role:office_head",
            "role:deputy_leader",
        )
        with pytest.raises(ActionError) as caught:
            actions.do_upgrade_unit_template(flow, acting_user=admin, resolutions={"Task_Nope": "ours"})
        assert caught.value.field == "resolutions"
        upgraded = actions.do_upgrade_unit_template(
            flow, acting_user=admin, resolutions={"Task_Record@camunda:candidateGroups": "theirs"}
        )
        assert 'candidateGroups="role:deputy_leader"' in upgraded.content
        assert 'name="请假时长"' in upgraded.content  # the unit's other edit is kept
        assert 'camunda:dueDate="P2D"' in upgraded.content  # and the library's
        assert upgraded.parent_version == 2 and upgraded.edited


def test_a_library_template_can_be_brought_in_with_its_roles(admin):
    connection.set_schema_to_public()
    provider = user_in(None, "provider")
    rolesets = Template.objects.get(kind="roleset", code="district")
    extra = library.do_create_template(
        acting_user=provider, kind="roleset", code="inspection", name="督查角色集"
    )
    draft = library.do_add_draft_version(
        extra,
        acting_user=provider,
        content={"roles": [{"code": "inspector", "name": "督查员", "permissions": ["supervision.manage"]}]},
    )
    library.do_publish_version(draft, acting_user=provider)
    with schema_context(SIMING):
        copy_ = actions.do_instantiate_template(acting_user=admin, kind="roleset", code="inspection")
        assert copy_.parent_version == 1
        assert Role.objects.get(code="inspector").permissions == ["supervision.manage"]
        with pytest.raises(ActionError) as caught:
            actions.do_instantiate_template(acting_user=admin, kind="roleset", code=rolesets.code)
        assert caught.value.status == 409
        with pytest.raises(ActionError) as caught:
            actions.do_instantiate_template(acting_user=admin, kind="form", code="nothing")
        assert caught.value.status == 404
