"""Issue 20 in Chromium at phone size (390 × 844).

1. Every route of the three hosts (console, unit admin, staff portal), enumerated from the Vue
   router of the built app (so a new route is covered the day it is added), is opened as a user
   allowed to see it. The check fails when the page scrolls sideways
   (document.documentElement.scrollWidth > viewport), when anything sticks out past the screen's
   right edge or scrolls sideways inside the page (tables scroll inside their own frame, that is
   allowed), or when a menu / tab / button label wraps inside itself (待/办). The drawer menus are
   opened and checked too. Screenshots: test-output/e2e/phone-*.png.
2. The issue's check flow: a staff member signs in on a phone, finds a to-do, approves it with an
   opinion, signs for an exchange delivery and opens a document's PDF, never scrolling sideways.

The world is 市政府办公厅 (xmgov) with a sealed 通知 sent to 集美区 through the hub (a real
Celery worker), built by the exchange e2e's own set-up; 集美区 receives it.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import SCREENSHOTS, console_api
from tests.e2e.test_exchange_flow import NEW_UNITS, TITLE, _forget_hub_traffic, _make_world, committed
from tests.e2e.test_foundation_flow import sign_in

expect.set_options(timeout=30_000)

pytestmark = pytest.mark.django_db

PHONE = {"width": 390, "height": 844}
TODO_TITLE = "关于开展2026年汛前安全检查的通知"
OPINION = "同意，请抓紧印发。"

# Labels that must stay on one line: navigation, menus, tabs, buttons, radio buttons.
LABELS = ", ".join(
    [
        "nav a:not(.tab-bar__item)",
        "nav button:not(.tab-bar__item)",
        ".top-nav",
        ".drawer-nav__label",
        ".tab-bar__label",
        ".el-menu-item",
        ".el-tabs__item",
        ".el-radio-button__inner",
        ".el-button > span",
        ".el-segmented__item-label",
        ".el-dropdown-menu__item",
        ".admin__bar-button",
        ".el-pagination",
    ]
)

# Frames that may scroll sideways inside the page: a table's own body, Element's scrollbars,
# the tabs' own nav (arrows) and a page's sub-navigation strip (.oa-subnav), the BPMN canvas.
SCROLLERS = (
    ".el-table, .el-scrollbar__wrap, .el-tabs__nav-wrap, .oa-subnav, .djs-container, .bjs-container,"
    " .el-select-dropdown"
)

CHECK_JS = """({labels, scrollers}) => {
  const vw = window.innerWidth
  const problems = []
  const doc = document.documentElement
  if (doc.scrollWidth > vw) problems.push(`the page is ${doc.scrollWidth}px wide (screen ${vw}px)`)
  const visible = (el) => {
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.height === 0) return false
    const s = getComputedStyle(el)
    return s.visibility !== 'hidden' && s.display !== 'none'
  }
  const describe = (el) => {
    const id = el.closest('[data-testid]')?.getAttribute('data-testid')
    const cls = typeof el.className === 'string' ? el.className.split(' ')[0] : el.tagName
    return `${el.tagName.toLowerCase()}.${cls}${id ? ` in [${id}]` : ''} "${(el.innerText || '').trim().slice(0, 30)}"`
  }
  // 1. Nothing sticks out past the right edge, nothing scrolls sideways except allowed frames.
  const out = []
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(scrollers)) continue
    if (!visible(el)) continue
    const r = el.getBoundingClientRect()
    if (r.right > vw + 1 && r.left < vw) {
      const s = getComputedStyle(el)
      if (s.position === 'fixed' && r.left >= vw) continue
      out.push(el)
    }
    const s = getComputedStyle(el)
    if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`)
    }
  }
  // Report the outermost elements only.
  for (const el of out) {
    if (!out.includes(el.parentElement)) problems.push(`${describe(el)} sticks out to ${Math.round(el.getBoundingClientRect().right)}px`)
  }
  // The page opened without an error (a refused or missing record is not "opened").
  for (const el of document.querySelectorAll('.el-message--error')) {
    if (visible(el)) problems.push(`shows an error: ${(el.innerText || '').trim()}`)
  }
  // 2. No label wraps inside itself.
  for (const el of document.querySelectorAll(labels)) {
    if (!visible(el) || !(el.innerText || '').trim()) continue
    const tops = new Set()
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
    let lineHeight = 0
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue
      const range = document.createRange()
      range.selectNodeContents(node)
      for (const rect of range.getClientRects()) {
        if (rect.width === 0) continue
        lineHeight = Math.max(lineHeight, rect.height)
        tops.add(Math.round(rect.top))
      }
    }
    const sorted = [...tops].sort((a, b) => a - b)
    if (sorted.length > 1 && sorted[sorted.length - 1] - sorted[0] > lineHeight / 2) {
      problems.push(`label ${describe(el)} wraps onto ${sorted.length} lines`)
    }
  }
  return [...new Set(problems)]
}"""

ROUTES_JS = """(samples) => {
  const router = document.querySelector('#app').__vue_app__.config.globalProperties.$router
  const found = []
  for (const record of router.getRoutes()) {
    if (!record.name || record.redirect || !record.components) continue
    const name = String(record.name)
    const keys = [...record.path.matchAll(/:(\\w+)/g)].map((m) => m[1])
    const sets = keys.length ? samples[name] : [{}]
    if (!sets) {
      found.push({ name, path: record.path, missing: keys })
      continue
    }
    for (const params of sets) {
      const resolved = router.resolve({ name, params })
      found.push({
        name,
        path: resolved.fullPath,
        host: resolved.meta.host || null,
        public: !!resolved.meta.public,
        permissions: resolved.matched.map((m) => m.meta.permissions || null).filter(Boolean),
      })
    }
  }
  return found
}"""


# A page whose designed answer for the sample is a message: the upgrade page of a template that
# is on the library's latest version says so (there is nothing newer to publish in this world).
EXPECTED_MESSAGES = {"admin-template-upgrade": "没有更新的版本可升级"}


def check_phone(page, what: str, route: str = "") -> list[str]:
    problems = page.evaluate(CHECK_JS, {"labels": LABELS, "scrollers": SCROLLERS})
    expected = EXPECTED_MESSAGES.get(route)
    return [
        f"{what}: {p}"
        for p in problems
        if not (expected and p.startswith("shows an error") and expected in p)
    ]


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"phone-{name}.png"
    page.wait_for_timeout(300)  # transitions
    page.screenshot(path=str(path))
    return path


def settle(page) -> None:
    page.wait_for_function("() => !!document.querySelector('#app')?.__vue_app__")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # A page that polls (交换 tracking) never goes idle; 10 s is enough for the rest.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=10_000)
    page.wait_for_timeout(400)


def slid_in(page, testid: str) -> None:
    """Let a drawer finish sliding in (mid-animation it is partly off-screen); one that never
    fits is reported by the check that follows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """(id) => {
              const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect()
              return r && r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1
            }""",
            arg=testid,
            timeout=5_000,
        )
    page.wait_for_timeout(300)


def current_route(page) -> str:
    return page.evaluate(
        "() => String(document.querySelector('#app').__vue_app__.config.globalProperties.$router.currentRoute.value.name)"
    )


def _phone_world(media_root: Path) -> dict:
    """On top of the exchange world: xmgov's `phone_all` (every role but the 三员's, plus 系统管理员),
    a sample task and template ids; in 集美区 (deleted afterwards) `mobile` (文书 + 办公室主任) with a 发文 waiting
    for 核稿."""
    from django.contrib.auth import get_user_model

    from oa.directory.actions import create_staff
    from oa.directory.models import Role
    from oa.directory.permissions import SEPARATED_ADMIN_ROLES, SYSADMIN
    from oa.documents import actions as documents
    from oa.templates.models import UnitTemplate
    from oa.workflow import actions as workflow
    from oa.workflow.models import HumanTask
    from templates_lib.models import Template

    world = _make_world(media_root)
    User = get_user_model()
    with schema_context("xmgov"), transaction.atomic():
        if not User.objects.filter(username="phone_all").exists():
            roles = [
                r for r in Role.objects.all() if r.code not in SEPARATED_ADMIN_ROLES or r.code == SYSADMIN
            ]
            create_staff(username="phone_all", display_name="全能测试员", password=PASSWORD, roles=roles)
        from oa.documents.models import Document

        document = Document.objects.get(pk=world["document"])
        draft_task = HumanTask.objects.get(instance_id=document.process_instance_id, element_id="Task_Draft")
        unit_template = UnitTemplate.objects.order_by("pk").first()
        world.update(task=draft_task.pk, unit_template=unit_template.pk)
        # Someone whose password was reset: the forced change page (/password) is theirs.
        from oa.core.models import Account

        if not User.objects.filter(username="phone_pw").exists():
            create_staff(username="phone_pw", display_name="待改密码", password=PASSWORD, roles=[])
        Account.objects.filter(user__username="phone_pw").update(must_change_password=True)
        # 档案: an archived 通知 and phone_all's request to borrow it (the loan page's sample).
        from oa.archive.actions import do_request_loan

        everyone = User.objects.get(username="phone_all")
        filed = documents.do_create_outgoing(
            acting_user=everyone,
            fields={"title": "关于手机端档案借阅的通知", "doc_type": "通知", "body_html": "<p>正文。</p>"},
        )
        Document.objects.filter(pk=filed.pk).update(
            state=Document.State.DONE,
            issued_date=datetime.date(2012, 3, 1),
            doc_number=f"厦府办〔2012〕{filed.pk}号",
        )
        filed.refresh_from_db()
        documents.do_archive_document(filed, acting_user=everyone, retention="D10")
        loan = do_request_loan(acting_user=everyone, documents=[filed.pk], purpose="手机端查阅", days=7)
        world["loan"] = loan.pk
        # 信息发布: a published 通知公告 (the detail, edit and receipts pages' sample).
        from oa.notices import actions as notices
        from oa.notices.models import Column

        column = Column.objects.order_by("pk").first()
        column.publishers.add(everyone)
        notice = notices.do_create_notice(
            column,
            acting_user=everyone,
            fields={"title": "关于手机端信息发布的通知", "body_html": "<p>正文。</p>", "audience_all": True},
        )
        notices.do_publish_notice(notice, acting_user=everyone)
        world["notice"] = notice.pk
    connection.set_schema_to_public()
    world["library_template"] = Template.objects.order_by("pk").first().pk
    with override_media(media_root), schema_context("jmqu"):
        with transaction.atomic():
            if not User.objects.filter(username="mobile").exists():
                create_staff(
                    username="mobile",
                    display_name="陈手机",
                    password=PASSWORD,
                    roles=list(Role.objects.filter(code__in=["clerk", "office_head"])),
                )
            if not User.objects.filter(username="jm_director").exists():
                # 核稿 sends the 发文 on to 签发: someone must be there to sign it off.
                create_staff(
                    username="jm_director",
                    display_name="集美主任",
                    password=PASSWORD,
                    roles=list(Role.objects.filter(code="director")),
                )
            clerk = User.objects.get(username="ex_clerk")
            todo = documents.do_create_outgoing(
                acting_user=clerk,
                fields={
                    "title": TODO_TITLE,
                    "doc_type": "通知",
                    "main_recipients": "各街道办事处",
                    "urgency": "normal",
                    "body_html": "<p>为切实做好汛前安全检查工作，现将有关事项通知如下。</p>",
                },
            )
        with transaction.atomic():
            task = HumanTask.objects.get(
                instance_id=todo.process_instance_id, element_id="Task_Draft", state="open"
            )
            workflow.do_complete_task(task, acting_user=clerk, outcome="approve", opinion="请核稿。")
        world["todo_document"] = todo.pk
    connection.set_schema_to_public()
    return world


def override_media(media_root: Path):
    from django.test import override_settings

    return override_settings(MEDIA_ROOT=media_root)


@pytest.fixture(scope="module")
def phone_world(live_platform, live_worker, platform_env, django_db_blocker):
    port = live_platform
    _port, _db, env = platform_env
    with django_db_blocker.unblock():
        data = committed(_phone_world, Path(env["OA_VAR_DIR"]) / "media")
    # xmgov's 文书 sends the sealed 通知 to 思明区 through the hub; the worker delivers it.
    sender = console_api(port, "clerk", PASSWORD, "xmgov")
    sent = sender(
        "POST",
        "/api/exchange/envelopes/",
        {"document": data["document"], "recipients": ["jmqu"], "groups": []},
    )
    data["envelope"] = sent["envelope"]["id"]
    receiver = console_api(port, "mobile", PASSWORD, "jmqu")
    deadline = time.time() + 60
    while not receiver("GET", "/api/exchange/inbox/")["results"]:
        assert time.time() < deadline, "the delivery did not reach 集美区"
        time.sleep(0.5)
    yield data
    with django_db_blocker.unblock():
        committed(_forget_hub_traffic)
    api = console_api(port, "provider", PASSWORD)
    for code, _name, _kind in NEW_UNITS:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    return context, context.new_page()


def test_every_route_fits_a_phone(browser, live_platform, phone_world):
    port = live_platform
    console = f"http://localhost:{port}"
    unit = f"http://xmgov.localhost:{port}"
    samples = {
        "console-template": [{"id": phone_world["library_template"]}],
        "admin-template": [{"id": phone_world["unit_template"]}],
        "admin-template-upgrade": [{"id": phone_world["unit_template"]}],
        "documents-detail": [{"id": phone_world["document"]}],
        "documents-register": [{"direction": "outgoing"}, {"direction": "incoming"}],
        "exchange-envelope": [{"id": phone_world["envelope"]}],
        "portal-task": [{"id": phone_world["task"]}],
        "archive-loan": [{"id": phone_world["loan"]}],
        "notices-detail": [{"id": phone_world["notice"]}],
        "notices-edit": [{"id": phone_world["notice"]}],
        "notices-receipts": [{"id": phone_world["notice"]}],
        "not-found": [{"pathMatch": ["no-such-page"]}],
    }
    # A task is seen by who handled it: 文书 drafted the 通知.
    openers = {"portal-task": "clerk", "password": "phone_pw"}
    # Who opens what: the first of these a route lets in (the 三员 are separate people).
    unit_people = ["phone_all", "clerk", "secadmin", "auditor"]
    problems: list[str] = []
    contexts = []

    def signed_in(base: str, username: str):
        context, page = phone_page(browser)
        contexts.append(context)
        sign_in(page, base, username, PASSWORD)
        return page

    try:
        anonymous_context, anonymous = phone_page(browser)
        contexts.append(anonymous_context)
        anonymous.goto(f"{unit}/login")
        settle(anonymous)
        routes = anonymous.evaluate(ROUTES_JS, samples)
        missing = [r for r in routes if "missing" in r]
        assert not missing, f"routes with parameters need a sample in this test: {missing}"
        names = {r["name"] for r in routes}
        # The enumeration really is the router's: the three hosts' pages are all there.
        assert {"console-units", "admin-staff", "portal-todo", "documents-detail", "login"} <= names

        # Signed out: the login page of both hosts.
        for base, label in ((console, "console"), (unit, "unit")):
            anonymous.goto(f"{base}/login")
            settle(anonymous)
            problems += check_phone(anonymous, f"{label} login")
            shoot(anonymous, f"{label}-login")

        pages: dict[str, object] = {}

        def page_for(base: str, username: str):
            key = f"{base}|{username}"
            if key not in pages:
                pages[key] = signed_in(base, username)
            return pages[key]

        opened = 0
        for route in routes:
            if route["name"] == "login":
                continue
            if route["host"] == "console":
                candidates = [(console, "provider")]
            else:
                first = openers.get(route["name"])
                candidates = [(unit, u) for u in ([first] if first else unit_people)]
            for base, username in candidates:
                page = page_for(base, username)
                page.goto(f"{base}{route['path']}")
                settle(page)
                landed = current_route(page)
                if landed == route["name"]:
                    break
            else:
                problems.append(f"{route['name']}: nobody in {candidates} may open it (landed on {landed})")
                continue
            opened += 1
            label = f"{route['name']}{'-' + route['path'].rsplit('/', 1)[-1] if route['name'] == 'documents-register' else ''}"
            problems += check_phone(page, f"{route['name']} {route['path']} as {username}", route["name"])
            shoot(page, label)
        unopened = [p for p in problems if "may open it" in p]
        assert opened >= len(routes) - 1, unopened or problems

        # The drawers: the portal's menu (from the tab bar's 更多), 单位管理's, the console's.
        portal = page_for(unit, "phone_all")
        portal.goto(f"{unit}/portal")
        settle(portal)
        portal.get_by_test_id("tab-more").click()
        expect(portal.get_by_test_id("phone-drawer")).to_be_visible()
        expect(portal.get_by_test_id("phone-drawer")).to_contain_text("通讯录")
        slid_in(portal, "phone-drawer")
        problems += check_phone(portal, "portal drawer")
        shoot(portal, "drawer-portal")
        portal.get_by_test_id("phone-drawer").get_by_test_id("nav-admin").click()
        expect(portal).to_have_url(re.compile(r"/admin/"))
        portal.get_by_test_id("admin-menu-button").click()
        expect(portal.get_by_test_id("admin-menu-drawer")).to_be_visible()
        portal.wait_for_timeout(400)  # slides up from the bottom
        problems += check_phone(portal, "admin drawer")
        shoot(portal, "drawer-admin")
        portal.get_by_test_id("admin-menu-drawer").get_by_test_id("nav-admin-roles").click()
        expect(portal).to_have_url(re.compile(r"/admin/roles$"))

        provider = page_for(console, "provider")
        provider.goto(f"{console}/console/units")
        settle(provider)
        provider.get_by_test_id("phone-menu-button").click()
        expect(provider.get_by_test_id("phone-drawer")).to_be_visible()
        slid_in(provider, "phone-drawer")
        problems += check_phone(provider, "console drawer")
        shoot(provider, "drawer-console")
        provider.get_by_test_id("phone-drawer").get_by_test_id("nav-console-accounts").click()
        expect(provider).to_have_url(re.compile(r"/console/accounts$"))
    finally:
        for context in contexts:
            context.close()
    assert not problems, "at 390 × 844:\n" + "\n".join(problems)


def test_a_staff_member_approves_signs_for_and_reads_on_a_phone(browser, live_platform, phone_world):
    port = live_platform
    base = f"http://jmqu.localhost:{port}"
    context, page = phone_page(browser)
    problems: list[str] = []
    try:
        sign_in(page, base, "mobile", PASSWORD)
        # The bottom tab bar has 待办 with its count; the unit's name is in the banner.
        expect(page.get_by_test_id("phone-tab-bar")).to_be_visible()
        expect(page.locator(".app-header__title")).to_have_text("集美区政府办公室")
        expect(page.get_by_test_id("tab-portal-todo")).to_contain_text("待办")
        # The user menu is one tap away: the name heads it, 退出登录 is in it.
        page.get_by_test_id("user-menu").click()
        expect(page.get_by_test_id("user-menu-name")).to_have_text("陈手机")
        expect(page.get_by_test_id("logout")).to_be_visible()
        problems += check_phone(page, "user menu")
        shoot(page, "flow-00-user-menu")
        page.locator(".app-header__title").click()
        expect(page.get_by_test_id("logout")).to_be_hidden()
        page.get_by_test_id("tab-portal-todo").click()
        cards = page.get_by_test_id("tasks-cards")
        expect(cards).to_contain_text(TODO_TITLE)
        settle(page)
        problems += check_phone(page, "待办")
        shoot(page, "flow-01-todo")

        # A 办文 step opens the document; its actions sit in a bar at the thumb.
        cards.get_by_text(TODO_TITLE).click()
        expect(page).to_have_url(re.compile(r"/portal/documents/\d+$"))
        approve = page.get_by_test_id("doc-action-approve")
        expect(approve).to_be_visible()
        box = approve.bounding_box()
        assert box["y"] > PHONE["height"] * 0.75, f"the approve button is not at the thumb: {box}"
        settle(page)
        problems += check_phone(page, "document page")
        shoot(page, "flow-02-document")
        approve.click()
        dialog = page.get_by_test_id("doc-action-dialog")
        expect(dialog).to_be_visible()
        # A full-screen sheet.
        sheet = page.locator(".el-dialog:visible").bounding_box()
        assert sheet["width"] >= PHONE["width"] - 1 and sheet["height"] >= PHONE["height"] - 1, sheet
        dialog.get_by_test_id("doc-opinion").fill(OPINION)
        problems += check_phone(page, "approve sheet")
        shoot(page, "flow-03-approve-sheet")
        dialog.get_by_test_id("doc-action-submit").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_test_id("doc-step")).not_to_contain_text("核稿")

        # 公文交换: the delivery from 市政府办公厅, signed for from its card.
        page.get_by_test_id("tab-exchange").click()
        inbox = page.get_by_test_id("inbox-cards")
        expect(inbox).to_contain_text(TITLE)
        settle(page)
        problems += check_phone(page, "交换 inbox")
        shoot(page, "flow-04-inbox")
        inbox.get_by_text(TITLE).click()
        drawer = page.get_by_test_id("inbox-drawer")
        expect(drawer.get_by_test_id("inbox-files")).to_contain_text("应急预案.pdf")
        slid_in(page, "inbox-drawer")
        problems += check_phone(page, "delivery sheet")
        shoot(page, "flow-05-delivery")
        drawer.get_by_test_id("inbox-sign").click()
        page.locator(".el-message-box__btns .el-button--primary").click()
        expect(drawer.get_by_test_id("inbox-drawer-state")).to_have_text("已签收")
        shoot(page, "flow-06-signed")
        drawer.get_by_test_id("inbox-open-document").click()
        expect(page.get_by_test_id("doc-page-title")).to_have_text(TITLE)

        # The document's PDF, as wide as the screen.
        page.goto(f"{base}/portal/documents/{phone_world['todo_document']}")
        page.get_by_role("tab", name="版式预览").click()
        pdf = page.get_by_test_id("doc-pdf")
        expect(pdf).to_be_visible()
        frame = pdf.bounding_box()
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= PHONE["width"], frame
        assert frame["width"] >= PHONE["width"] - 40, f"the PDF preview does not use the width: {frame}"
        settle(page)
        problems += check_phone(page, "PDF")
        shoot(page, "flow-07-pdf")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
