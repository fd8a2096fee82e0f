"""Issue 14's notification centre in Chromium: a 催办 on a task reaches its holder, and the
header bell changes without a reload (WebSocket push); with WebSocket unavailable the portal
still works and the badge catches up by HTTP. Screenshots go to test-output/e2e/.

The unit is provisioned for this module, with the workflow cast (tests/oa/workflow/cast.py):
the clerk 张科员 starts a 发文 and submits the draft, so 核稿 waits for the secretary 王科长.
It is deleted afterwards.
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

CODE = "haicang"
TITLE = "关于报送年度工作总结的通知"
SECOND = "关于做好节前安全检查的通知"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def review_task(live_platform, django_db_blocker):
    """(base URL, ids of two open 核稿 tasks held by the secretary), committed."""
    from oa.directory.actions import create_staff
    from oa.workflow import actions
    from tenants.actions import do_provision_unit
    from tests.oa.workflow.cast import deploy, make_cast

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        do_provision_unit(
            acting_user=None,
            code=CODE,
            name="海沧区政府办公室",
            admin_username="admin",
            admin_display_name="系统管理员",
            admin_password=PASSWORD,
        )
        with schema_context(CODE):
            for username, display in (("director", "林建国"), ("auditor", "刘审计")):
                create_staff(username=username, display_name=display, password=PASSWORD)
            cast = make_cast()
            definition = deploy("approval.bpmn")
            task_ids = []
            for title in (TITLE, SECOND):
                with transaction.atomic():
                    instance = actions.do_start_process(definition, acting_user=cast.clerk, title=title)
                    actions.do_complete_task(instance.tasks.get(), acting_user=cast.clerk, outcome="submit")
                task_ids.append(instance.tasks.get(state="open").pk)
        connection.set_schema_to_public()
    yield f"http://{CODE}.localhost:{live_platform}", task_ids
    console_api(live_platform, "provider", PASSWORD)(
        "DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404)
    )


@pytest.fixture
def person(browser):
    contexts = []

    def sign_in_as(base: str, username: str, *, websocket: bool = True):
        context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        if not websocket:
            # A proxy that does not pass WebSockets: the page sees no WebSocket at all.
            context.add_init_script("window.WebSocket = undefined")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, username, PASSWORD)
        return page

    yield sign_in_as
    for context in contexts:
        context.close()


def badge(page):
    return page.get_by_test_id("notification-badge").locator(".el-badge__content")


def urge(page, base: str, task_id: int) -> None:
    page.goto(f"{base}/portal/tasks/{task_id}")
    page.get_by_test_id("task-action-remind").click()
    page.locator(".el-message-box .el-button--primary").click()
    expect(page.locator(".el-message").last).to_contain_text("催办")


def test_an_urge_reaches_the_holder_and_the_bell_changes_without_a_reload(review_task, person):
    base, (task_id, _second) = review_task
    secretary = person(base, "secretary")
    shot = Shots(secretary, "notifications")
    # The new steps already told them: two unread, and the home page lists them.
    expect(secretary.get_by_test_id("home-greeting")).to_contain_text("王科长")
    expect(badge(secretary)).to_have_text("2", timeout=15_000)
    expect(secretary.get_by_test_id("home-section-todo")).to_contain_text(TITLE)
    expect(secretary.get_by_test_id("home-section-notifications")).to_contain_text("待办：" + TITLE)
    expect(secretary.get_by_test_id("notification-bell")).to_have_attribute(
        "data-live", "yes", timeout=15_000
    )
    shot("home-before")

    clerk = person(base, "clerk")
    urge(clerk, base, task_id)

    # No reload: the socket pushes the 催办; the badge, a toast and the home page follow.
    expect(secretary.locator(".oa-live-notification")).to_contain_text("催办：" + TITLE, timeout=15_000)
    expect(badge(secretary)).to_have_text("3")
    expect(secretary.get_by_test_id("home-section-notifications")).to_contain_text("催办：" + TITLE)
    shot("live-urge")

    secretary.get_by_test_id("notification-bell").click()
    expect(secretary.get_by_test_id("bell-list")).to_contain_text("催办：" + TITLE)
    shot("bell-open")
    secretary.get_by_test_id("bell-list").locator("li").filter(has_text="催办：").first.click()
    expect(secretary).to_have_url(re.compile(rf"/portal/tasks/{task_id}$"))
    expect(secretary.get_by_test_id("task-title")).to_contain_text(TITLE)
    expect(badge(secretary)).to_have_text("2")

    # The list page filters by kind and read state; 全部已读 clears the badge.
    secretary.goto(f"{base}/portal/notifications")
    secretary.get_by_test_id("notifications-read-filter").get_by_text("未读").click()
    expect(secretary.get_by_test_id("notifications-list")).to_contain_text("待办：" + TITLE)
    expect(secretary.get_by_test_id("notifications-list")).not_to_contain_text("催办：")
    shot("list-unread")
    secretary.get_by_test_id("notifications-read-all").click()
    expect(badge(secretary)).to_be_hidden()
    expect(secretary.get_by_test_id("notifications-list")).to_contain_text("暂无消息")


def test_without_websocket_the_portal_works_and_the_badge_catches_up(review_task, person):
    base, (_first, second) = review_task
    secretary = person(base, "secretary", websocket=False)
    shot = Shots(secretary, "notifications-no-websocket")
    expect(secretary.get_by_test_id("home-greeting")).to_contain_text("王科长")
    expect(secretary.get_by_test_id("home-section-todo")).to_contain_text(SECOND)
    expect(secretary.get_by_test_id("notification-bell")).to_have_attribute("data-live", "no")
    # The previous test read everything: nothing unread.
    expect(badge(secretary)).to_be_hidden()

    urge(person(base, "clerk"), base, second)

    # Moving around the portal (or the 30 s poll) asks for the count over HTTP.
    secretary.get_by_test_id("nav-portal-todo").click()
    expect(badge(secretary)).to_have_text("1")
    secretary.get_by_test_id("nav-portal-home").click()
    expect(secretary.get_by_test_id("home-section-notifications")).to_contain_text("催办：" + SECOND)
    shot("caught-up")


def test_the_home_page_fits_a_phone(review_task, browser):
    base, _tasks = review_task
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, base, "secretary", PASSWORD)
        expect(page.get_by_test_id("home-section-todo")).to_contain_text(TITLE)
        width = page.evaluate("document.documentElement.scrollWidth")
        Shots(page, "notifications-phone")("home")
        assert width <= 400, width
    finally:
        context.close()
