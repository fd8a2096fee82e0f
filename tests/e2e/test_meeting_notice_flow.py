"""A 会议通知 in Chromium: 市政府办公厅's approved 会议申请 is announced on the 会议通知 tab of
交换发送 to the district offices, with the attendance requirements and a contact; 思明区 sees it
in 待签收 as 会议通知 with the meeting's time and place, signs for it, and the incoming document
shows the meeting. A real Celery worker fans out. Screenshots in test-output/e2e/meeting-*.png."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_exchange_flow import NEW_UNITS, _forget_hub_traffic, committed
from tests.e2e.test_foundation_flow import sign_in

expect.set_options(timeout=30_000)

pytestmark = pytest.mark.django_db

MEETING = "全市防汛防台风工作部署会"
NOTICE_TITLE = f"关于召开{MEETING}的通知"


def _make_world(media_root: Path) -> dict:
    """市政府办公厅 with its staff, a 文书 in 思明区, and a 会议申请 approved up to 会务安排."""
    from django.contrib.auth import get_user_model

    from oa.directory.actions import create_staff
    from oa.directory.models import Role, Staff
    from oa.templates import flows
    from oa.workflow import actions as workflow
    from oa.workflow.models import HumanTask
    from oa.workflow.queries import can_handle
    from tenants.actions import do_provision_unit
    from tenants.demo import _seed_directory, _seed_numbering

    for code, name, kind in NEW_UNITS:
        do_provision_unit(
            acting_user=None, code=code, name=name, kind=kind, admin_password=PASSWORD, if_exists="skip"
        )
    with schema_context("siming"), transaction.atomic():
        if not get_user_model().objects.filter(username="ex_clerk").exists():
            create_staff(
                username="ex_clerk",
                display_name="思明文书",
                password=PASSWORD,
                roles=list(Role.objects.filter(code="clerk")),
            )
    day = timezone.localdate() + timedelta(days=7)
    with override_settings(MEDIA_ROOT=media_root), schema_context("xmgov"):
        with transaction.atomic():
            _seed_directory(PASSWORD)
            _seed_numbering("厦府办")
            Staff.objects.get(user__username="clerk").roles.add(Role.objects.get(code="meeting_admin"))
        people = list(get_user_model().objects.filter(is_active=True))
        clerk = next(p for p in people if p.username == "clerk")
        with transaction.atomic():
            instance = flows.do_start_flow(
                acting_user=clerk,
                key="meeting",
                title=MEETING,
                data={
                    "title": MEETING,
                    "meeting_type": "工作部署会",
                    "start_at": f"{day.isoformat()}T09:00:00",
                    "end_at": f"{day.isoformat()}T11:30:00",
                    "room": "市政府大楼二楼第一会议室",
                    "attendee_count": 40,
                    "leaders": "林建国",
                    "external_units": "各区人民政府办公室",
                    "agenda": "一、通报今年汛期形势\n二、部署防汛防台风工作",
                },
            )
        for _ in range(6):
            task = HumanTask.objects.filter(instance=instance, state="open").order_by("pk").first()
            if task is None or task.element_id == "Task_Arrange":
                break
            handler = next(p for p in people if can_handle(task, p))
            with transaction.atomic():
                workflow.do_complete_task(task, acting_user=handler, outcome="approve", opinion="同意。")
        assert HumanTask.objects.filter(instance=instance, state="open", element_id="Task_Arrange").exists()
    connection.set_schema_to_public()
    return {"instance": instance.pk, "day": day}


@pytest.fixture
def world(live_platform, live_worker, platform_env, django_db_blocker):
    _port, _db, env = platform_env
    with django_db_blocker.unblock():
        data = committed(_make_world, Path(env["OA_VAR_DIR"]) / "media")
    yield data
    with django_db_blocker.unblock():
        committed(_forget_hub_traffic)
    api = console_api(live_platform, "provider", PASSWORD)
    for code, _name, _kind in NEW_UNITS:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def test_an_approved_meeting_is_announced_and_signed_for(live_platform, page, world, django_db_blocker):
    port = live_platform
    url = lambda code: f"http://{code}.localhost:{port}"  # noqa: E731
    shot = Shots(page, "meeting")
    day = world["day"]

    # 1. 市政府办公厅's 文书 opens the 会议通知 tab of 交换发送.
    sign_in(page, url("xmgov"), "clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    page.get_by_test_id("exchange-nav-exchange-send").click()
    page.get_by_role("tab", name="会议通知").click()
    table = page.get_by_test_id("sendable-meetings-table")
    expect(table).to_contain_text(MEETING)
    expect(table).to_contain_text("市政府大楼二楼第一会议室")
    expect(table).to_contain_text("会务安排中")
    expect(table).to_contain_text("未发送")
    shot("sendable-tab")

    # 2. The dialog: the notice's fields and the same directory and groups.
    page.get_by_test_id(f"sendable-meeting-send-{world['instance']}").click()
    dialog = page.get_by_test_id("exchange-send-dialog")
    expect(dialog).to_contain_text("发送会议通知")
    expect(dialog.get_by_test_id("exchange-send-meeting")).to_contain_text(MEETING)
    expect(page.get_by_test_id("exchange-send-submit")).to_be_disabled()
    dialog.get_by_test_id("exchange-group-district_offices").click()
    page.get_by_test_id("meeting-notice-requirements").fill(
        "请各区政府办公室派一名分管领导和防汛办负责同志参加"
    )
    page.get_by_test_id("meeting-notice-contact").fill("王晓红")
    page.get_by_test_id("meeting-notice-phone").fill("0592-2345678")
    reply = page.get_by_test_id("meeting-notice-reply-by").locator("input")
    reply.fill(f"{(day - timedelta(days=2)).isoformat()} 17:00")
    reply.press("Enter")
    expect(page.get_by_test_id("exchange-send-chosen")).to_contain_text("思明区政府办公室")
    shot("send-dialog")
    page.get_by_test_id("exchange-send-submit").click()
    expect(page).to_have_url(re.compile(r"/portal/exchange/sent/\d+"))
    expect(page.get_by_test_id("tracking-kind")).to_have_text("会议通知")

    expect(page.get_by_test_id("tracking-row-siming")).to_be_visible()
    expect(page.get_by_test_id("tracking-state-siming")).to_have_text("待签收")
    shot("tracking")

    # 3. 思明区's 文书: 会议通知 in 待签收, the meeting in the preview; signs for it.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "ex_clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    inbox = page.get_by_test_id("inbox-table")
    expect(inbox).to_contain_text(NOTICE_TITLE)
    expect(inbox).to_contain_text("会议通知")
    inbox.get_by_text(NOTICE_TITLE).click()
    drawer = page.get_by_test_id("inbox-drawer")
    meeting = drawer.get_by_test_id("inbox-meeting")
    expect(meeting).to_contain_text(f"{day.isoformat()} 09:00—11:30")
    expect(meeting).to_contain_text("市政府大楼二楼第一会议室")
    expect(meeting).to_contain_text("派一名分管领导")
    expect(meeting).to_contain_text("0592-2345678")
    expect(meeting).to_contain_text(f"{(day - timedelta(days=2)).isoformat()} 17:00")
    shot("inbox-drawer")
    drawer.get_by_test_id("inbox-sign").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(drawer.get_by_test_id("inbox-drawer-state")).to_have_text("已签收")
    drawer.get_by_test_id("inbox-open-document").click()
    expect(page.get_by_test_id("doc-page-title")).to_have_text(NOTICE_TITLE)
    expect(page.get_by_test_id("doc-meeting")).to_contain_text("市政府大楼二楼第一会议室")
    shot("incoming-document")
    with django_db_blocker.unblock(), schema_context("siming"):
        from oa.documents.models import Document

        incoming = Document.objects.get(title=NOTICE_TITLE, direction="incoming")
        assert incoming.step == "登记" and incoming.extra["meeting"]["name"] == MEETING
    connection.set_schema_to_public()

    # 4. Back on the sender's list: sent to the district offices.
    page.context.clear_cookies()
    sign_in(page, url("xmgov"), "clerk", PASSWORD)
    page.goto(f"{url('xmgov')}/portal/exchange/send?tab=meetings")
    expect(page.get_by_test_id(f"sendable-meeting-sent-{world['instance']}")).to_have_text("已发 3 家")
    shot("sendable-sent")
