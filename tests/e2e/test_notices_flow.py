"""信息发布 in Chromium, as issue 14 checks it: 思明区's office publishes a 通知公告 to two
departments; a member of one sees the unread badge, reads it; the publisher sees 1 read and the
rest unread, and reminds them; a member of another department cannot see it; 市政府办公厅
publishes to every district office and a 思明区 staff member reads it in 上级来文 (a real Celery
worker fans out and files it). Screenshots in test-output/e2e/notices-*.png, the list and an
item also at a phone's width."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_exchange_flow import _forget_hub_traffic, committed
from tests.e2e.test_foundation_flow import sign_in

expect.set_options(timeout=30_000)

pytestmark = pytest.mark.django_db

TITLE = "关于报送2027年部门预算的通知"
CITY_TITLE = "关于做好岁末年初安全生产工作的通知"
CITY = (("xmgov", "市政府办公厅", "city_office"),)
PEOPLE = (
    # username, name, department
    ("nt_editor", "张编辑", "办公室"),
    ("nt_office", "李文员", "办公室"),
    ("nt_fin", "钱会计", "财务科"),
    ("nt_fin2", "孙出纳", "财务科"),
    ("nt_hr", "周人事", "人事科"),
)


def _make_world() -> dict:
    from django.contrib.auth import get_user_model

    from oa.directory.actions import create_staff
    from oa.directory.models import Department, Role
    from oa.notices.models import Column
    from tenants.actions import do_provision_unit

    for code, name, kind in CITY:
        do_provision_unit(
            acting_user=None, code=code, name=name, kind=kind, admin_password=PASSWORD, if_exists="skip"
        )
    User = get_user_model()
    departments = {}
    with schema_context("siming"), transaction.atomic():
        for order, name in enumerate(("办公室", "财务科", "人事科"), start=50):
            departments[name] = Department.objects.get_or_create(
                name=name, parent=None, defaults={"order": order}
            )[0]
        for username, display, department in PEOPLE:
            if not User.objects.filter(username=username).exists():
                create_staff(
                    username=username,
                    display_name=display,
                    password=PASSWORD,
                    department=departments[department],
                )
        Column.objects.get(name="通知公告").publishers.add(User.objects.get(username="nt_editor"))
        ids = {name: d.pk for name, d in departments.items()}
    with schema_context("xmgov"), transaction.atomic():
        if not User.objects.filter(username="xm_editor").exists():
            create_staff(
                username="xm_editor", display_name="市府编辑", password=PASSWORD,
                roles=list(Role.objects.filter(code="office_head")),
            )  # fmt: skip
        Column.objects.get(name="通知公告").publishers.add(User.objects.get(username="xm_editor"))
    connection.set_schema_to_public()
    return {"departments": ids}


@pytest.fixture
def world(live_platform, live_worker, platform_env, django_db_blocker):
    with django_db_blocker.unblock():
        data = committed(_make_world)
    yield data
    with django_db_blocker.unblock():
        committed(_forget_hub_traffic)
    api = console_api(live_platform, "provider", PASSWORD)
    for code, _name, _kind in CITY:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def _wait_until_filed(django_db_blocker) -> None:
    """Every district office has filed it (the teardown must not race the worker's fan-out)."""
    import time

    from exchange.models import Delivery

    with django_db_blocker.unblock():
        for _ in range(60):
            if not committed(lambda: Delivery.objects.exclude(state="signed_for").exists()):
                return
            time.sleep(1)


def _pick_department(page, name: str) -> None:
    picker = page.get_by_test_id("notice-departments").locator(".el-select__wrapper").first
    popper = page.locator(".el-select-dropdown:visible .el-tree")
    if not popper.count():
        picker.click()
    node = popper.locator(".el-tree-node__content", has=page.get_by_text(name, exact=True)).first
    node.locator(".el-checkbox__inner").click()


def _write(page, title: str, body: str) -> None:
    page.get_by_test_id("notice-title-input").fill(title)
    editor = page.get_by_test_id("notice-body-input").locator("[contenteditable]")
    editor.click()
    editor.type(body)


def test_publish_read_receipts_remind_and_publish_to_the_district_offices(
    live_platform, page, world, django_db_blocker
):
    port = live_platform
    url = lambda code: f"http://{code}.localhost:{port}"  # noqa: E731
    shot = Shots(page, "notices")

    # 1. 思明区's 张编辑 writes a 通知公告 for 财务科 and 人事科 and publishes it.
    sign_in(page, url("siming"), "nt_editor", PASSWORD)
    page.get_by_test_id("nav-notices").click()
    page.get_by_test_id("notices-new").click()
    expect(page.get_by_test_id("notice-editor")).to_be_visible()
    shot("new")
    _write(page, TITLE, "请各科室于本月25日前报送部门预算草案。")
    _pick_department(page, "财务科")
    _pick_department(page, "人事科")
    shot("departments")
    page.get_by_test_id("notice-title-input").click()  # close the tree
    shot("editor")
    # 钱会计 of 财务科 is signed in meanwhile, on the portal home: the bell is live.
    reader_context = page.context.browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    reader = reader_context.new_page()
    sign_in(reader, url("siming"), "nt_fin", PASSWORD)
    expect(reader.get_by_test_id("notification-bell")).to_have_attribute("data-live", "yes", timeout=15_000)
    page.get_by_test_id("notice-save-publish").click()
    expect(page).to_have_url(re.compile(r"/portal/notices/\d+$"))
    notice_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_test_id("notice-state")).to_have_text("已发布")
    expect(page.get_by_test_id("notice-audience")).to_have_text("财务科、人事科")
    expect(page.get_by_test_id("notice-counts")).to_have_text("已读 0 人，未读 3 人")
    shot("published")
    # Without a reload, the socket brings the notice to 钱会计's bell.
    expect(reader.locator(".oa-live-notification")).to_contain_text(TITLE, timeout=15_000)
    Shots(reader, "notices-reader")("bell-live")
    reader_context.close()

    # 2. 钱会计 of 财务科: the unread badge, the item, read; the badge goes.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "nt_fin", PASSWORD)
    expect(page.get_by_test_id("nav-notices-unread")).to_have_text("1")
    page.get_by_test_id("nav-notices").click()
    row = page.get_by_test_id(f"notice-row-{notice_id}")
    expect(row).to_contain_text(TITLE)
    expect(page.get_by_test_id(f"notice-unread-{notice_id}")).to_be_visible()
    shot("reader-list")
    row.click()
    expect(page.get_by_test_id("notice-title")).to_have_text(TITLE)
    expect(page.get_by_test_id("notice-body")).to_contain_text("部门预算草案")
    expect(page.get_by_test_id("notice-manage")).to_have_count(0)
    expect(page.get_by_test_id("nav-notices-unread")).to_have_count(0)
    shot("reader-detail")

    # 3. 李文员 of 办公室 (another department): not in the list, and the address tells nothing.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "nt_office", PASSWORD)
    page.get_by_test_id("nav-notices").click()
    expect(page.get_by_test_id("notices-list")).not_to_contain_text(TITLE)
    page.goto(f"{url('siming')}/portal/notices/{notice_id}")
    expect(page.get_by_test_id("notice-error")).to_contain_text("信息不存在")
    shot("outsider")

    # 4. 张编辑: 1 read, 2 unread; reminds the two.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "nt_editor", PASSWORD)
    page.goto(f"{url('siming')}/portal/notices/{notice_id}")
    expect(page.get_by_test_id("notice-counts")).to_have_text("已读 1 人，未读 2 人")
    page.get_by_test_id("notice-receipts").click()
    expect(page.get_by_test_id("receipts-read")).to_contain_text("1")
    expect(page.get_by_test_id("receipts-unread")).to_contain_text("2")
    table = page.get_by_test_id("receipts-table")
    expect(table).to_contain_text("孙出纳")
    expect(table).to_contain_text("周人事")
    page.get_by_test_id("receipts-remind").click()
    expect(page.locator(".el-message--success")).to_contain_text("已提醒 2 人")
    expect(table).to_contain_text("已提醒 1 次")
    shot("receipts")

    # 5. 市政府办公厅's 编辑 publishes to the whole unit, then to every district office.
    page.context.clear_cookies()
    sign_in(page, url("xmgov"), "xm_editor", PASSWORD)
    page.get_by_test_id("nav-notices").click()
    page.get_by_test_id("notices-new").click()
    _write(page, CITY_TITLE, "各区要压实安全生产责任，开展岁末年初隐患排查。")
    page.get_by_test_id("notice-audience-all").click()
    page.get_by_test_id("notice-save-publish").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("已发布")
    page.get_by_test_id("notice-send").click()
    dialog = page.get_by_test_id("exchange-send-dialog")
    dialog.get_by_test_id("exchange-group-district_offices").click()
    expect(page.get_by_test_id("exchange-send-chosen")).to_contain_text("思明区政府办公室")
    shot("send-to-districts")
    # Packaging prints the item as a PDF first: seconds on a loaded machine.
    with page.expect_response(lambda r: r.url.endswith("/send/"), timeout=120_000) as sent:
        page.get_by_test_id("exchange-send-submit").click()
    assert sent.value.status == 201
    page.wait_for_timeout(1500)
    shot("sent")
    expect(dialog).to_be_hidden()

    # 6. 思明区's 周人事 finds it in 上级来文 once the worker has filed it, and reads it.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "nt_hr", PASSWORD)
    page.get_by_test_id("nav-notices").click()
    page.get_by_test_id("notices-column-0").click()
    listing = page.get_by_test_id("notices-list")
    for _ in range(30):
        if CITY_TITLE in listing.inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(listing).to_contain_text(CITY_TITLE)
    expect(listing).to_contain_text("来自市政府办公厅")
    _wait_until_filed(django_db_blocker)
    page.set_viewport_size({"width": 390, "height": 844})
    shot("phone-list")
    listing.get_by_text(CITY_TITLE).click()
    expect(page.get_by_test_id("notice-title")).to_have_text(CITY_TITLE)
    expect(page.get_by_test_id("notice-body")).to_contain_text("隐患排查")
    shot("phone-detail")
