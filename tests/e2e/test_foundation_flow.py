"""The issue's walk-through in Chromium: the provider creates a unit from the console, its admin
builds a department and a staff member, the staff member signs in and sees the portal.
Screenshots of every step are saved in test-output/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots

# The browser's requests commit through the web process; the marker makes pytest-django set up
# (and point this process at) the test database.
pytestmark = pytest.mark.django_db

UNIT_PASSWORD = "Tongan@2026pass"
STAFF_PASSWORD = "Qingshui#2026"
OWN_PASSWORD = "Xiamen@2026mine"


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def confirm_prompt(page, text: str) -> None:
    box = page.locator(".el-message-box")
    expect(box).to_be_visible()
    box.locator("input").fill(text)
    box.locator(".el-message-box__btns .el-button--primary").click()
    expect(box).to_be_hidden()


@pytest.fixture
def cleanup_unit(live_platform):
    """Whatever happens in the test, the unit it creates is deleted from the shared test database."""
    yield
    from tests.e2e.conftest import console_api

    api = console_api(live_platform, "provider", PASSWORD)
    api("DELETE", "/api/units/tongan/", {"confirm": "tongan"}, ok=(204, 404))


def test_provider_creates_a_unit_whose_admin_builds_the_org_and_staff_sign_in(
    live_platform, page, cleanup_unit
):
    port = live_platform
    console = f"http://localhost:{port}"
    unit = f"http://tongan.localhost:{port}"
    shot = Shots(page, "foundation")

    # 1. The provider signs into the console and creates 同安区政府办公室 from the form.
    page.goto(f"{console}/login")
    expect(page.get_by_test_id("login-audience")).to_contain_text("平台")
    shot("console-login")
    sign_in(page, console, "provider", PASSWORD)
    expect(page.get_by_test_id("units-table")).to_contain_text("思明区政府办公室")
    page.get_by_test_id("units-create").click()
    page.get_by_test_id("unit-form-code").fill("tongan")
    page.get_by_test_id("unit-form-name").fill("同安区政府办公室")
    page.get_by_test_id("unit-form-kind").click()
    page.get_by_test_id("unit-form-kind-district_office").click()
    page.get_by_test_id("unit-form-admin-username").fill("admin")
    page.get_by_test_id("unit-form-admin-display-name").fill("同安管理员")
    page.get_by_test_id("unit-form-admin-password").fill(UNIT_PASSWORD)
    shot("console-create-unit-form")
    page.get_by_test_id("unit-form-submit").click()
    expect(page.get_by_test_id("unit-created-dialog")).to_be_visible()
    shot("console-unit-created")
    page.get_by_test_id("unit-created-close").click()
    page.get_by_test_id("units-search").fill("同安")
    page.get_by_test_id("units-search").press("Enter")
    expect(page.get_by_test_id("units-table")).to_contain_text("tongan")
    expect(page.get_by_test_id("units-table")).not_to_contain_text("思明区政府办公室")
    shot("console-units-search")

    # 2. A duplicate code is refused on the form with a clear message.
    page.get_by_test_id("units-create").click()
    page.get_by_test_id("unit-form-code").fill("tongan")
    page.get_by_test_id("unit-form-name").fill("重复的单位")
    page.get_by_test_id("unit-form-kind").click()
    page.get_by_test_id("unit-form-kind-district_office").click()
    page.get_by_test_id("unit-form-admin-username").fill("admin")
    page.get_by_test_id("unit-form-admin-display-name").fill("管理员")
    page.get_by_test_id("unit-form-submit").click()
    expect(page.locator(".el-form-item__error, .el-message").first).to_contain_text("tongan")
    shot("console-duplicate-code")
    page.keyboard.press("Escape")

    # 3. The unit's admin signs in on the unit's own host and builds a department and a staff member.
    unit_page = page.context.new_page()
    ushot = Shots(unit_page, "foundation-unit")
    unit_page.goto(f"{unit}/login")
    expect(unit_page.get_by_test_id("login-audience")).to_contain_text("同安区政府办公室")
    sign_in(unit_page, unit, "admin", UNIT_PASSWORD)
    unit_page.goto(f"{unit}/admin/departments")
    unit_page.get_by_test_id("dept-add-root").click()
    unit_page.get_by_test_id("dept-form-name").fill("办公室")
    unit_page.get_by_test_id("dept-form-submit").click()
    expect(unit_page.get_by_test_id("dept-tree")).to_contain_text("办公室")
    ushot("admin-departments")

    unit_page.goto(f"{unit}/admin/staff")
    unit_page.get_by_test_id("staff-create").click()
    unit_page.get_by_test_id("staff-form-username").fill("chenjing")
    unit_page.get_by_test_id("staff-form-display-name").fill("陈静")
    unit_page.get_by_test_id("staff-form-password").fill(STAFF_PASSWORD)
    unit_page.get_by_test_id("staff-form-department").click()
    # Exactly 办公室: the role picker's hidden options include 办公室主任 (the starter kit's roles).
    unit_page.locator(".el-tree-node__label, .el-select-dropdown__item").filter(
        has_text=re.compile(r"^\s*办公室\s*$")
    ).last.click()
    ushot("admin-staff-form")
    unit_page.get_by_test_id("staff-form-submit").click()
    expect(unit_page.get_by_test_id("staff-table")).to_contain_text("陈静")
    ushot("admin-staff-list")

    # 4. The staff member signs in and sees their name, department and the unit's modules.
    unit_page.get_by_test_id("user-menu").click()
    unit_page.get_by_test_id("logout").click()
    expect(unit_page).to_have_url(re.compile(r"/login"))
    sign_in(unit_page, unit, "chenjing", STAFF_PASSWORD)
    # The admin chose the password, so the portal first asks for a new one.
    unit_page.get_by_test_id("password-old").fill(STAFF_PASSWORD)
    unit_page.get_by_test_id("password-new").fill(OWN_PASSWORD)
    unit_page.get_by_test_id("password-confirm").fill(OWN_PASSWORD)
    ushot("portal-forced-password-change")
    unit_page.get_by_test_id("password-submit").click()
    expect(unit_page.get_by_test_id("password-submit")).to_be_hidden()
    expect(unit_page.get_by_test_id("home-greeting")).to_contain_text("陈静")
    expect(unit_page.get_by_test_id("home-department")).to_contain_text("办公室")
    expect(unit_page.get_by_test_id("module-card-documents")).to_be_visible()
    ushot("portal-home")

    # ...but not the admin area.
    unit_page.goto(f"{unit}/admin/departments")
    expect(unit_page.get_by_test_id("dept-add-root")).to_have_count(0)
    ushot("portal-admin-refused")

    # 5. Suspend from the console: the unit's host shows the suspended page; resume restores it.
    page.bring_to_front()
    page.get_by_test_id("unit-suspend-tongan").click()
    confirm_prompt(page, "演示停用")
    expect(page.get_by_test_id("units-table")).to_contain_text("已停用")
    unit_page.goto(f"{unit}/")
    expect(unit_page.locator("body")).to_contain_text("已停用")
    ushot("suspended")
    page.get_by_test_id("unit-resume-tongan").click()
    page.locator(".el-message-box .el-button--primary").click()
    expect(page.get_by_test_id("units-table")).to_contain_text("正常")

    # 6. An unknown host gets a clear page.
    unit_page.goto(f"http://nosuchunit.localhost:{port}/")
    expect(unit_page.locator("body")).to_contain_text("未找到该单位")
    ushot("unknown-host")

    # 7. Delete the unit, confirming with its code.
    page.get_by_test_id("unit-delete-tongan").click()
    confirm_prompt(page, "tongan")
    expect(page.get_by_test_id("units-table")).not_to_contain_text("tongan")
    shot("console-unit-deleted")
