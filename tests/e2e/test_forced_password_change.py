"""Issue 19 in Chromium: the provider appoints a unit's 安全管理员 (the two-person rule's other
side), who resets a colleague's password; the colleague gets a one-time password that the
portal makes them change on the /password page before anything else."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api

pytestmark = pytest.mark.django_db

CODE = "pwdtest"
ADMIN_PASSWORD = "Pwdtest@2026adm"
FIRST = "Chushi#2026pw"
SECADMIN_OWN = "Anquan@2026own"
STAFF_OWN = "Xiaowang@2026own"


@pytest.fixture
def unit(live_platform):
    port = live_platform
    provider = console_api(port, "provider", PASSWORD)
    provider("DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404))
    provider(
        "POST",
        "/api/units/",
        {
            "code": CODE,
            "name": "密码测试办公室",
            "kind": "district_office",
            "admin_username": "admin",
            "admin_display_name": "系统管理员",
            "admin_password": ADMIN_PASSWORD,
        },
    )
    admin = console_api(port, "admin", ADMIN_PASSWORD, CODE)
    for username, name in (("anquan", "吴安全"), ("xiaowang", "王小明")):
        admin(
            "POST", "/api/directory/staff/", {"username": username, "display_name": name, "password": FIRST}
        )
    # The admin cannot make anyone an officer; the provider appoints the unit's first 安全管理员.
    provider(
        "POST", f"/api/units/{CODE}/admins/", {"username": "anquan", "role": "secadmin", "action": "grant"}
    )
    secadmin = console_api(port, "anquan", FIRST, CODE)
    secadmin("POST", "/api/auth/password/", {"old_password": FIRST, "new_password": SECADMIN_OWN})
    yield f"http://{CODE}.localhost:{port}"
    provider("DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404))


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_a_reset_password_is_one_time_and_must_be_changed_first(unit, page, browser):
    shot = Shots(page, "forced-password")

    # 1. The 安全管理员 resets 王小明's password: no password to type, a generated one is shown once.
    sign_in(page, unit, "anquan", SECADMIN_OWN)
    page.goto(f"{unit}/admin/staff")
    page.get_by_test_id("staff-reset-xiaowang").click()
    box = page.locator(".el-message-box")
    expect(box).to_contain_text("一次性密码")
    expect(box.locator("input:visible")).to_have_count(0)
    shot("reset-confirm")
    box.locator(".el-message-box__btns .el-button--primary").click()
    one_time = page.get_by_test_id("reset-result-password")
    expect(one_time).to_be_visible()
    password = one_time.inner_text().strip()
    assert len(password) >= 12
    shot("one-time-password")
    page.get_by_test_id("reset-result-close").click()

    # 2. 王小明 signs in with it and lands on the forced change page; other pages send him back.
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    staff = context.new_page()
    sshot = Shots(staff, "forced-password-staff")
    sign_in(staff, unit, "xiaowang", password)
    expect(staff).to_have_url(re.compile(r"/password"))
    expect(staff.get_by_test_id("force-password-page")).to_contain_text("修改初始密码")
    sshot("password-page")
    staff.goto(f"{unit}/portal/directory")
    expect(staff).to_have_url(re.compile(r"/password\?redirect="))

    # 3. A wrong current password is named on its field; the right one lets him in.
    staff.get_by_test_id("password-old").fill("Wrong#2026pw")
    staff.get_by_test_id("password-new").fill(STAFF_OWN)
    staff.get_by_test_id("password-confirm").fill(STAFF_OWN)
    staff.get_by_test_id("password-submit").click()
    expect(staff.locator(".el-form-item__error").first).to_contain_text("原密码不正确")
    sshot("wrong-old-password")
    staff.get_by_test_id("password-old").fill(password)
    staff.get_by_test_id("password-submit").click()
    expect(staff).to_have_url(re.compile(r"/portal/directory"))
    sshot("after-change")
    context.close()

    # 4. The one-time password is gone: it no longer signs in.
    api_refused = False
    try:
        console_api(int(unit.rsplit(":", 1)[1]), "xiaowang", password, CODE)
    except AssertionError:
        api_refused = True
    assert api_refused


def test_the_security_officer_asks_and_the_provider_approves_an_officer_role(unit, page, browser):
    port = int(unit.rsplit(":", 1)[1])
    shot = Shots(page, "admin-role-request")

    # 1. The 安全管理员 asks for 王小明 to become 审计管理员; nothing changes yet.
    sign_in(page, unit, "anquan", SECADMIN_OWN)
    page.goto(f"{unit}/admin/admin-role-requests")
    page.get_by_test_id("admin-request-add").click()
    page.get_by_test_id("admin-request-staff").click()
    page.get_by_test_id("admin-request-staff-xiaowang").click()
    page.get_by_test_id("admin-request-role-auditadmin").click()
    page.get_by_test_id("admin-request-reason").fill("原审计管理员调离")
    shot("request-form")
    page.get_by_test_id("admin-request-submit").click()
    expect(page.get_by_test_id("admin-request-table")).to_contain_text("待审批")
    shot("request-pending")
    staff = console_api(port, "xiaowang", FIRST, CODE)
    staff("POST", "/api/auth/password/", {"old_password": FIRST, "new_password": STAFF_OWN})
    staff("GET", "/api/audit-events/", ok=(403,))

    # 2. The provider approves it on the console.
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    console = context.new_page()
    cshot = Shots(console, "admin-role-request-console")
    sign_in(console, f"http://localhost:{port}", "provider", PASSWORD)
    console.get_by_test_id("units-search").fill(CODE)
    console.get_by_test_id("units-search").press("Enter")
    console.get_by_test_id(f"unit-admins-{CODE}").click()
    dialog = console.get_by_test_id("unit-admins-dialog")
    expect(dialog.get_by_test_id("unit-admins-pending")).to_contain_text("王小明")
    expect(dialog.get_by_test_id("unit-admins-table")).to_contain_text("吴安全")
    cshot("officers-dialog")
    dialog.locator("[data-testid^=unit-admins-approve-]").first.click()
    box = console.locator(".el-message-box")
    box.locator("input").fill("同意")
    box.locator(".el-message-box__btns .el-button--primary").click()
    expect(dialog.get_by_test_id("unit-admins-table")).to_contain_text("王小明")
    cshot("approved")
    context.close()

    # 3. Now, and only now, 王小明 reads the audit log; the request shows who approved it.
    staff("GET", "/api/audit-events/")
    page.reload()
    expect(page.get_by_test_id("admin-request-table")).to_contain_text("已批准")
    shot("request-approved")
