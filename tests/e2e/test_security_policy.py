"""The Content-Security-Policy in Chromium (issue 19 item 7): the Vue app with Element Plus on
the console and on a unit portal, and Swagger UI from our own static files, all work under the
policy with no violation reported (the `page` fixture fails a test on any)."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, SIMING
from tests.e2e.conftest import Shots
from tests.e2e.test_foundation_flow import sign_in

pytestmark = pytest.mark.django_db


def no_violations(page) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert page.csp_violations == []


def test_the_console_and_a_unit_portal_work_under_the_policy(live_platform, page):
    port = live_platform
    shot = Shots(page, "csp")
    console = f"http://localhost:{port}"
    sign_in(page, console, "provider", PASSWORD)
    for path, text in (("/console/units", "思明区政府办公室"), ("/console/accounts", "provider")):
        page.goto(f"{console}{path}")
        expect(page.locator(".el-table")).to_contain_text(text)
        no_violations(page)
    # An Element Plus dialog (teleported, positioned by inline styles) opens and closes.
    page.goto(f"{console}/console/units")
    page.get_by_role("button", name="新建单位").click()
    dialog = page.locator(".el-dialog").first
    expect(dialog).to_be_visible()
    shot("console-dialog")
    no_violations(page)

    # bpmn-js draws a flow template's diagram (SVG, its own styles) under the policy too.
    from tests.e2e.conftest import console_api

    templates = console_api(port, "provider", PASSWORD)("GET", "/api/templates/?kind=flow")
    rows = templates["results"] if isinstance(templates, dict) else templates
    flow = next(t for t in rows if t["kind"] == "flow")
    page.goto(f"{console}/console/templates/{flow['id']}")
    page.locator("[data-testid^=version-preview-]").first.click()
    expect(page.get_by_test_id("bpmn-viewer").locator("svg").first).to_be_visible(timeout=15_000)
    shot("console-bpmn")
    no_violations(page)

    unit = f"http://{SIMING}.localhost:{port}"
    sign_in(page, unit, "admin", PASSWORD)
    for path in ("/portal", "/admin/staff", "/admin/roles", "/exchange"):
        page.goto(f"{unit}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#app")).not_to_be_empty()
        no_violations(page)
    page.goto(f"{unit}/admin/staff")
    expect(page.locator(".el-table")).to_contain_text("吴安全")
    shot("portal-staff")
    no_violations(page)


@pytest.mark.parametrize("code", [None, SIMING])
def test_swagger_ui_renders_from_our_static_files_under_the_policy(live_platform, page, code):
    port = live_platform
    host = f"{code}.localhost:{port}" if code else f"localhost:{port}"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"http://{host}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("统一电子公文办公平台 API")
    expect(page.locator(".opblock").first).to_be_visible()
    Shots(page, f"csp-swagger-{code or 'console'}")("docs")
    no_violations(page)
    assert requested and all(url.startswith(f"http://{host}/") for url in requested), requested
    header = urllib.request.urlopen(
        urllib.request.Request(f"http://127.0.0.1:{port}/api/docs/", headers={"Host": host})
    ).headers["Content-Security-Policy"]
    assert "script-src 'self';" in header
