"""Issue 3's acceptance scenario in Chromium (tests/api/workflow/test_leave_countersign_flow.py
walks the same through the API).

A unit admin forks the leave flow, adds a 会签 step for two department heads in the bpmn-js
editor and saves (a save with the step unassigned is refused, naming it); a staff member
starts a leave request from 发起; both heads see it in 待办; one returns it with a reason; the
submitter gets it back with the reason; the trail shows every step. The provider then uploads
and publishes a new version of the leave flow from the console, and the admin upgrades the
fork, keeping the added step. Screenshots of each step go to test-output/e2e/.

The unit is provisioned for this test (with the workflow cast of tests/oa/workflow/cast.py)
and deleted afterwards; the library version the provider publishes is removed again, so the
shared test database is as it was for the tests that follow.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_foundation_flow import sign_in

CODE = "xiangan"
UNIT_NAME = "翔安区政府办公室"
STEP = "部门会签"
REASON = "年底工作紧，请调整请假日期。"

# The marker makes pytest-django create (and point this process at) the test database; the
# browser's requests commit through the web process.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leave_unit(live_platform, django_db_blocker):
    """A unit with the workflow cast (办公室: director 主任; 秘书科: secretary 科长, clerk2 科员),
    committed so the web process sees it (module scope: set up before the test's own
    transaction begins). Yields the library leave template's id."""
    from oa.directory.actions import create_staff
    from templates_lib.models import StarterKit, Template
    from tenants.actions import do_provision_unit
    from tests.oa.workflow.cast import make_cast

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        leave = Template.objects.get(kind="flow", code="leave")
        versions_before = leave.versions.count()
        # Publishing moves the starter kits to the new version; they are put back afterwards.
        kits_before = {
            kit: list(kit.versions.filter(template=leave))
            for kit in StarterKit.objects.filter(versions__template=leave).distinct()
        }
        do_provision_unit(
            acting_user=None,
            code=CODE,
            name=UNIT_NAME,
            admin_username="admin",
            admin_display_name="系统管理员",
            admin_password=PASSWORD,
        )
        with schema_context(CODE):
            for username, display in (("director", "林建国"), ("auditor", "刘审计")):
                create_staff(username=username, display_name=display, password=PASSWORD)
            make_cast()
        connection.set_schema_to_public()
    yield leave.pk
    console_api(live_platform, "provider", PASSWORD)(
        "DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404)
    )
    # Published versions are immutable (a trigger refuses DELETE) except in maintenance mode,
    # set for this transaction only.
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with transaction.atomic(), connection.cursor() as cursor:
            for kit, versions in kits_before.items():
                kit.versions.remove(*kit.versions.filter(template=leave))
                kit.versions.add(*versions)
            cursor.execute("SET LOCAL oa.templates_maintenance = 'on'")
            cursor.execute(
                "DELETE FROM templates_lib_templateversion WHERE template_id = %s AND number > %s",
                [leave.pk, versions_before],
            )


@pytest.fixture
def person(browser):
    """Signs someone in, in a browser context of their own (their own session cookie)."""
    contexts = []

    def sign_in_as(base: str, username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, username, PASSWORD)
        return page

    yield sign_in_as
    for context in contexts:
        context.close()


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box, locator
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def pick_option(page, text: str) -> None:
    """Click an option of the open Element Plus dropdown (the hidden ones of other selects stay)."""
    page.locator(".el-popper:visible").locator(".el-select-dropdown__item, .el-tree-node__label").filter(
        has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")
    ).first.click()


def open_todo(page, base: str, title: str, step: str):
    page.goto(f"{base}/portal/todo")
    row = page.get_by_test_id("tasks-table").locator("tr", has_text=title).filter(has_text=step)
    expect(row).to_have_count(1)
    return row


def test_a_unit_admin_adds_a_countersign_step_that_runs_and_survives_an_upgrade(
    live_platform, person, leave_unit, tmp_path
):
    port = live_platform
    unit = f"http://{CODE}.localhost:{port}"
    console = f"http://localhost:{port}"

    # 1. The admin forks 请假审批 from 模板管理.
    admin = person(unit, "admin")
    shot = Shots(admin, "countersign-admin")
    admin.goto(f"{unit}/admin/templates")
    admin.get_by_test_id("unit-template-fork-flow-leave").click()
    admin.get_by_test_id("fork-code").fill("leave_cs")
    admin.get_by_test_id("fork-name").fill("请假审批（会签）")
    shot("fork-dialog")
    admin.get_by_test_id("fork-submit").click()
    expect(admin).to_have_url(re.compile(r"/admin/templates/\d+$"))
    fork_id = int(admin.url.rsplit("/", 1)[1])
    canvas = admin.get_by_test_id("bpmn-modeler")
    expect(canvas.locator('[data-element-id="Gateway_Days"]')).to_be_visible()

    # 2. In the modeler: make room after 部门意见 with the space tool, drop a task on the
    #    同意 flow (bpmn-js splits the flow around it) and name it.
    gate = canvas.locator('.djs-element[data-element-id="Gateway_DeptHead"]')
    days = canvas.locator('.djs-element[data-element-id="Gateway_Days"]')
    gx, gy = centre(gate)
    dx, _ = centre(days)
    canvas.locator(".djs-palette .entry.bpmn-icon-space-tool").click()
    admin.mouse.move((gx + dx) / 2, gy - 70)
    admin.mouse.down()
    admin.mouse.move((gx + dx) / 2 + 60, gy - 70, steps=4)
    admin.mouse.move((gx + dx) / 2 + 130, gy - 70, steps=4)
    admin.mouse.up()
    admin.keyboard.press("Escape")  # the space tool stays armed after use
    assert centre(days)[0] - gx > dx - gx + 60, "the space tool made no room"
    # Drop it on the flow's right part: its label (同意) sits over the middle.
    flow = canvas.locator('.djs-element[data-element-id="Flow_DeptApprove"]').bounding_box()
    fx, fy = flow["x"] + flow["width"] * 0.75, flow["y"] + flow["height"] / 2
    tx, ty = centre(canvas.locator(".djs-palette .entry.bpmn-icon-task"))
    admin.mouse.move(tx, ty)
    admin.mouse.down()
    admin.mouse.move(tx + 40, ty, steps=3)
    admin.mouse.move(fx - 20, fy, steps=5)
    admin.mouse.move(fx, fy, steps=3)
    admin.mouse.up()
    admin.keyboard.type(STEP)  # bpmn-js opens the label editor on the new task
    admin.keyboard.press("Enter")
    panel = admin.get_by_test_id("bpmn-panel")
    # The palette makes a plain task; the panel turns it into a user task.
    panel.get_by_test_id("bpmn-make-user-task").click()
    expect(panel.get_by_test_id("bpmn-prop-name")).to_have_value(STEP)
    task_id = panel.locator("code").first.inner_text()
    assert task_id.startswith("Activity_"), task_id

    # 3. Saving with the new step unassigned: the server refuses, naming the step.
    admin.get_by_test_id("unit-template-save").click()
    problem = admin.locator(".el-alert--error").first
    expect(problem).to_contain_text(STEP)
    expect(problem).to_contain_text("无人可以办理")
    shot("save-refused-unassigned")

    # 4. 会签 by the heads of 办公室 and 秘书科, picked in the panel; saved.
    panel.get_by_test_id("bpmn-sign-mode-countersign").click()
    expect(panel.get_by_test_id("bpmn-signers-hint")).to_contain_text("签署人")
    panel.get_by_test_id("bpmn-rule-kind").click()
    admin.get_by_test_id("bpmn-rule-kind-dept_head").click()
    for dept in ("办公室", "秘书科"):
        panel.get_by_test_id("bpmn-rule-dept").locator(".el-select").click()
        pick_option(admin, dept)
        panel.get_by_test_id("bpmn-rule-add").click()
    rules = panel.get_by_test_id("bpmn-rules")
    expect(rules).to_contain_text("部门负责人：办公室")
    expect(rules).to_contain_text("部门负责人：秘书科")
    expect(panel.get_by_test_id("bpmn-prop-candidate-groups")).to_have_value(
        "dept_head:office, dept_head:secretariat"
    )
    expect(panel.get_by_test_id("bpmn-signers-hint")).to_have_count(0)
    # bpmn-js draws the parallel multi-instance marker (three bars) on the task.
    marker = canvas.locator(f'.djs-element[data-element-id="{task_id}"] [data-marker="parallel"]')
    expect(marker).to_have_count(1)
    shot("countersign-panel")
    admin.get_by_test_id("unit-template-save").click()
    expect(admin.locator(".el-message--success")).to_contain_text("已保存")
    expect(admin.locator(".el-alert--error")).to_have_count(0)
    shot("saved")
    saved = console_api(port, "admin", PASSWORD, CODE)("GET", f"/api/templates/{fork_id}/")["content"]
    assert (
        f'<bpmn:userTask id="{task_id}" name="{STEP}" camunda:candidateGroups="dept_head:office, dept_head:secretariat">'
        in saved
    )
    assert re.search(
        rf'<bpmn:multiInstanceLoopCharacteristics camunda:collection="{task_id}_signers" '
        rf'camunda:elementVariable="{task_id}_signer" />',
        saved,
    ), saved
    assert 'sourceRef="Gateway_DeptHead" targetRef="' + task_id in saved

    # 5. 李科员 starts a leave request from 发起.
    clerk = person(unit, "clerk2")
    cshot = Shots(clerk, "countersign-clerk")
    clerk.goto(f"{unit}/portal/start")
    clerk.get_by_test_id("start-flow-leave_cs").click()
    clerk.get_by_test_id("start-title").fill("李科员请假")
    clerk.get_by_test_id("schema-field-leave_type").click()
    pick_option(clerk, "事假")
    for field, value in (("start_date", "2026-12-01"), ("end_date", "2026-12-02")):
        box = clerk.get_by_test_id(f"schema-field-{field}").locator("input")
        box.fill(value)
        box.press("Enter")
    clerk.get_by_test_id("schema-field-days").locator("input").fill("2")
    clerk.get_by_test_id("schema-field-reason").fill("家中有事")
    clerk.get_by_test_id("schema-field-contact_phone").fill("13800000000")
    cshot("start-form")
    clerk.get_by_test_id("start-submit").click()
    expect(clerk).to_have_url(re.compile(r"/portal/todo"))

    # 6. 王科长 approves as the department head; then both heads have the 会签 in 待办.
    secretary = person(unit, "secretary")
    sshot = Shots(secretary, "countersign-secretary")
    open_todo(secretary, unit, "李科员请假", "部门负责人审批").locator("a.title").click()
    secretary.get_by_test_id("task-outcome-approve").click()
    secretary.get_by_test_id("task-opinion").fill("同意")
    secretary.get_by_test_id("task-dialog-submit").click()
    expect(secretary.get_by_test_id("task-state")).to_contain_text("已办")
    open_todo(secretary, unit, "李科员请假", STEP)
    sshot("todo-countersign")
    director = person(unit, "director")
    dshot = Shots(director, "countersign-director")
    open_todo(director, unit, "李科员请假", STEP)
    dshot("todo-countersign")

    # 7. 林主任 returns it to the submitter with a reason.
    open_todo(director, unit, "李科员请假", STEP).locator("a.title").click()
    expect(director.get_by_test_id("task-title")).to_contain_text("李科员请假")
    director.get_by_test_id("task-action-return").click()
    director.get_by_test_id("task-return-target").click()
    pick_option(director, "提交申请")
    director.get_by_test_id("task-opinion").fill(REASON)
    dshot("return-dialog")
    director.get_by_test_id("task-dialog-submit").click()
    expect(director.get_by_test_id("task-state")).to_contain_text("已退回")
    secretary.goto(f"{unit}/portal/todo")
    expect(secretary.get_by_test_id("tasks-table")).not_to_contain_text("李科员请假")

    # 8. 李科员 has it back in 待办; the task page shows the reason and the whole trail.
    open_todo(clerk, unit, "李科员请假", "提交申请")
    cshot("todo-returned")
    open_todo(clerk, unit, "李科员请假", "提交申请").locator("a.title").click()
    expect(clerk.get_by_test_id("task-returned")).to_contain_text(REASON)
    expect(clerk.get_by_test_id("task-returned")).to_contain_text("林建国")
    trail = clerk.get_by_test_id("task-trail")
    expect(trail).to_contain_text("李科员")
    expect(trail).to_contain_text("发起")
    expect(trail).to_contain_text("王科长")
    expect(trail).to_contain_text("部门负责人审批")
    expect(trail).to_contain_text(STEP)
    expect(trail).to_contain_text(REASON)
    cshot("task-returned-trail")

    # 9. The provider uploads a new version of 请假审批 in the console and publishes it.
    provider_api = console_api(port, "provider", PASSWORD)
    current = provider_api("GET", f"/api/templates/{leave_unit}/versions/1/")["content"]
    changed = current.replace(
        'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk" camunda:dueDate="P1D"',
        'id="Task_Record" name="办公室备案" camunda:candidateGroups="role:clerk" camunda:dueDate="P2D"',
    )
    assert changed != current
    upload = tmp_path / "leave-v2.bpmn"
    upload.write_text(changed, encoding="utf-8")
    provider = person(console, "provider")
    pshot = Shots(provider, "countersign-console")
    provider.goto(f"{console}/console/templates/{leave_unit}")
    provider.get_by_test_id("template-upload").click()
    provider.get_by_test_id("upload-file").locator("input[type=file]").set_input_files(str(upload))
    provider.get_by_test_id("upload-notes").fill("办公室备案期限改为 2 天")
    provider.get_by_test_id("upload-submit").click()
    provider.get_by_test_id("version-publish-2").click()
    provider.locator(".el-message-box .el-button--primary").click()
    expect(provider.get_by_test_id("versions-table")).to_contain_text("已发布")
    expect(provider.get_by_test_id("version-publish-2")).to_have_count(0)
    pshot("published-v2")

    # 10. The admin sees 可升级, previews the merge and upgrades: the 会签 step stays.
    admin.goto(f"{unit}/admin/templates")
    expect(admin.get_by_test_id("unit-template-upgradable-flow-leave_cs")).to_be_visible()
    admin.get_by_test_id("unit-template-upgrade-flow-leave_cs").click()
    expect(admin.get_by_test_id("upgrade-summary")).to_contain_text("从第 1 版升级到第 2 版")
    expect(admin.locator("body")).to_contain_text("没有冲突")
    expect(admin.locator("body")).to_contain_text("P2D")
    shot("upgrade-preview")
    admin.get_by_test_id("upgrade-confirm").click()
    admin.locator(".el-message-box .el-button--primary").click()
    expect(admin).to_have_url(re.compile(r"/admin/templates$"))
    expect(admin.get_by_test_id("unit-template-upgradable-flow-leave_cs")).to_have_count(0)
    admin.get_by_test_id("unit-template-edit-flow-leave_cs").click()
    expect(admin.get_by_test_id("bpmn-modeler").locator(f'[data-element-id="{task_id}"]')).to_be_visible()
    shot("upgraded-diagram")
    admin.get_by_test_id("unit-template-tabs").get_by_text("XML", exact=True).click()
    xml = admin.get_by_test_id("unit-template-editor")
    expect(xml).to_have_value(re.compile(rf'id="{task_id}" name="{STEP}"'))
    expect(xml).to_have_value(re.compile(r"multiInstanceLoopCharacteristics"))
    expect(xml).to_have_value(re.compile(r'id="Task_Record"[^>]*camunda:dueDate="P2D"'))
    upgraded = console_api(port, "admin", PASSWORD, CODE)("GET", f"/api/templates/{fork_id}/")
    assert upgraded["parent_version"] == 2
    assert f'camunda:collection="{task_id}_signers"' in upgraded["content"]
