"""Issue 5's walk-through in Chromium: 市政府办公厅 sends a signed-off 通知 to the group of district
offices; 思明区 signs for it and it enters its 收文 flow with the same files; 湖里区 returns it with
a reason; the sender sees both and recalls the copy 集美区 has not signed for; the provider watches
the hub. A real Celery worker fans out. Screenshots in test-output/e2e/exchange-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_foundation_flow import sign_in

# The send goes through the hub and a worker: on a loaded 2-core machine that can take longer
# than the 5 s Playwright waits by default.
expect.set_options(timeout=30_000)

pytestmark = pytest.mark.django_db

TITLE = "关于做好2026年防汛防台风工作的通知"
NEW_UNITS = (("xmgov", "市政府办公厅", "city_office"), ("jmqu", "集美区政府办公室", "district_office"))


def _make_world(media_root: Path) -> dict:
    """市政府办公厅 with its staff and 机关代字, 集美区, a 文书 in each district office, and a 通知
    taken through 核稿, 签发, 复核, 编号 and 用印 to 核发."""
    from oa.directory.actions import create_staff
    from oa.directory.models import Role
    from oa.documents import actions as documents
    from oa.workflow import actions as workflow
    from oa.workflow.models import HumanTask
    from oa.workflow.queries import can_handle
    from tenants.actions import do_provision_unit
    from tenants.demo import _seed_directory, _seed_numbering
    from tests.oa.documents import samples

    for code, name, kind in NEW_UNITS:
        do_provision_unit(
            acting_user=None, code=code, name=name, kind=kind, admin_password=PASSWORD, if_exists="skip"
        )
    for code in ("siming", "huli", "jmqu"):
        with schema_context(code), transaction.atomic():
            from django.contrib.auth import get_user_model

            if not get_user_model().objects.filter(username="ex_clerk").exists():
                create_staff(
                    username="ex_clerk",
                    display_name={"siming": "思明文书", "huli": "湖里文书", "jmqu": "集美文书"}[code],
                    password=PASSWORD,
                    roles=list(Role.objects.filter(code="clerk")),
                )
    with override_settings(MEDIA_ROOT=media_root), schema_context("xmgov"):
        with transaction.atomic():
            _seed_directory(PASSWORD)
            _seed_numbering("厦府办")
        from django.contrib.auth import get_user_model

        people = list(
            get_user_model().objects.filter(username__in=["director", "secretary", "clerk", "sealer"])
        )
        clerk = next(p for p in people if p.username == "clerk")
        with transaction.atomic():
            document = documents.do_create_outgoing(
                acting_user=clerk,
                fields={
                    "title": TITLE,
                    "doc_type": "通知",
                    "main_recipients": "各区人民政府办公室",
                    "copy_to": "市应急管理局，市水利局",
                    "urgency": "urgent",
                    "body_html": "<p>为做好今年防汛防台风工作，确保人民群众生命财产安全，现将有关事项通知如下。</p>"
                    "<h2>一、压实防汛责任</h2><p>各区要落实属地责任。</p>",
                },
            )
            documents.do_add_files(
                document,
                acting_user=clerk,
                files=[
                    ("防汛责任人名单.xlsx", samples.xlsx([["区", "责任人"], ["思明区", "林建国"]])),
                    ("应急预案.pdf", samples.pdf(["防汛应急预案"])),
                ],
            )
        for element in (
            "Task_Draft",
            "Task_Review",
            "Task_SignOff",
            "Task_Recheck",
            "Task_Register",
            "Task_Seal",
        ):
            with transaction.atomic():
                task = HumanTask.objects.get(
                    instance_id=document.process_instance_id, element_id=element, state="open"
                )
                handler = next(p for p in people if can_handle(task, p))
                workflow.do_complete_task(task, acting_user=handler, outcome="approve", opinion="同意。")
        document.refresh_from_db()
        files = sorted(
            document.files.filter(role__in=["rendered", "attachment"]).values_list("sha256", flat=True)
        )
    connection.set_schema_to_public()
    return {"document": document.pk, "doc_number": document.doc_number, "files": files}


def committed(fn, *args):
    """Run `fn` on a connection of its own (a thread), so that what it writes is committed for
    the web process and the worker; the test's own connection is inside a rolled-back transaction."""
    import threading

    from django.db import connections

    result: dict = {}

    def run():
        try:
            result["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the test's thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _forget_hub_traffic() -> None:
    from exchange.models import Delivery, DeliveryEvent, Envelope, GatewayBundle, PackageRefusal

    PackageRefusal.objects.all().delete()
    DeliveryEvent.objects.all().delete()
    Delivery.objects.all().delete()
    Envelope.objects.all().delete()
    GatewayBundle.objects.all().delete()


@pytest.fixture
def world(live_platform, live_worker, platform_env, django_db_blocker):
    _port, _db, env = platform_env
    with django_db_blocker.unblock():
        data = committed(_make_world, Path(env["OA_VAR_DIR"]) / "media")
    yield data
    # The hub rows this test committed (public schema) would otherwise be seen by the hub's
    # own tests, which run later in the same database and expect an empty hub.
    with django_db_blocker.unblock():
        committed(_forget_hub_traffic)
    api = console_api(live_platform, "provider", PASSWORD)
    for code, _name, _kind in NEW_UNITS:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def test_a_notice_goes_to_the_district_offices_and_each_answers(
    live_platform, page, world, django_db_blocker
):
    port = live_platform
    url = lambda code: f"http://{code}.localhost:{port}"  # noqa: E731
    shot = Shots(page, "exchange")

    # 1. 市政府办公厅's 文书 picks the sealed 通知 on 交换发送 and sends it to 全市区政府办公室.
    sign_in(page, url("xmgov"), "clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    page.get_by_test_id("exchange-nav-exchange-send").click()
    expect(page.get_by_test_id("sendable-table")).to_contain_text(TITLE)
    shot("sendable")
    page.get_by_test_id(f"sendable-send-{world['document']}").click()
    dialog = page.get_by_test_id("exchange-send-dialog")
    expect(dialog).to_contain_text("全市区政府办公室")
    dialog.get_by_test_id("exchange-group-district_offices").click()
    expect(page.get_by_test_id("exchange-send-chosen")).to_contain_text("已选 3 个收文单位")
    expect(page.get_by_test_id("exchange-send-chosen")).to_contain_text("集美区政府办公室")
    shot("send-dialog")
    page.get_by_test_id("exchange-send-submit").click()
    expect(page).to_have_url(re.compile(r"/portal/exchange/sent/\d+"))

    # The worker fans out: every district office's copy arrives.
    # Every addressee has its row at once (待投递 until the fan-out reaches it); the page looks
    # again by itself while anything is in transit, so no reload is needed.
    expect(page.get_by_test_id("tracking-row-jmqu")).to_be_visible()
    expect(page.get_by_test_id("tracking-state-jmqu")).to_have_text("待签收")
    expect(page.get_by_test_id("tracking-summary")).to_contain_text("共 3 个单位")
    shot("tracking-delivered")

    # 2. 思明区's 文书 sees it in 待签收, reads the files and signs for it.
    page.context.clear_cookies()
    sign_in(page, url("siming"), "ex_clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    expect(page.get_by_test_id("inbox-table")).to_contain_text(TITLE)
    expect(page.get_by_test_id("inbox-table")).to_contain_text("加急")
    shot("siming-inbox")
    page.get_by_test_id("inbox-table").get_by_text(TITLE).click()
    drawer = page.get_by_test_id("inbox-drawer")
    expect(drawer.get_by_test_id("inbox-files")).to_contain_text("防汛责任人名单.xlsx")
    expect(drawer).to_contain_text("交换包已通过完整性和签名校验")
    shot("siming-drawer")
    drawer.get_by_test_id("inbox-sign").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(drawer.get_by_test_id("inbox-drawer-state")).to_have_text("已签收")
    shot("siming-signed")
    # It is in 思明区's 收文 flow, at 登记, with the files that were sent.
    drawer.get_by_test_id("inbox-open-document").click()
    expect(page.get_by_test_id("doc-page-title")).to_have_text(TITLE)
    shot("siming-incoming-document")
    page.goto(f"{url('siming')}/portal/todo")
    expect(page.locator("body")).to_contain_text(TITLE)
    shot("siming-todo")
    with django_db_blocker.unblock(), schema_context("siming"):
        from oa.documents.models import Document

        incoming = Document.objects.get(doc_number=world["doc_number"], direction="incoming")
        assert incoming.step == "登记"
        assert sorted(incoming.files.values_list("sha256", flat=True)) == world["files"]
    connection.set_schema_to_public()

    # 3. 湖里区 returns it: a reason is required.
    page.context.clear_cookies()
    sign_in(page, url("huli"), "ex_clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    page.get_by_test_id("inbox-table").get_by_text(TITLE).click()
    page.get_by_test_id("inbox-return").click()
    page.get_by_test_id("inbox-return-submit").click()
    expect(page.locator(".el-form-item__error")).to_be_visible()
    page.get_by_test_id("inbox-return-reason").fill("本区已于上周转发市防指通知，此件请改送区应急管理局。")
    shot("huli-return")
    page.get_by_test_id("inbox-return-submit").click()
    expect(page.get_by_test_id("inbox-drawer").get_by_test_id("inbox-drawer-state")).to_have_text("已退回")

    # 4. The sender sees both receipts, and recalls 集美区's unsigned copy.
    page.context.clear_cookies()
    sign_in(page, url("xmgov"), "clerk", PASSWORD)
    page.goto(f"{url('xmgov')}/portal/exchange/sent")
    page.get_by_test_id("sent-table").get_by_text(TITLE).click()
    expect(page.get_by_test_id("tracking-state-siming")).to_have_text("已签收")
    expect(page.get_by_test_id("tracking-detail-siming")).to_contain_text("思明文书")
    expect(page.get_by_test_id("tracking-state-huli")).to_have_text("已退回")
    expect(page.get_by_test_id("tracking-detail-huli")).to_contain_text("请改送区应急管理局")
    shot("tracking-receipts")
    page.get_by_test_id("tracking-recall-jmqu").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.get_by_test_id("tracking-recall-reason").fill("集美区另行发文部署")
    page.get_by_test_id("tracking-recall-submit").click()
    expect(page.get_by_test_id("tracking-state-jmqu")).to_have_text("已撤回")
    shot("tracking-recalled")
    # The document's own page shows where it went.
    page.goto(f"{url('xmgov')}/portal/documents/{world['document']}")
    expect(page.get_by_test_id("doc-exchange-panel")).to_contain_text("1/3")
    shot("document-exchange-panel")

    # 5. 集美区 no longer has it to sign for.
    page.context.clear_cookies()
    sign_in(page, url("jmqu"), "ex_clerk", PASSWORD)
    page.get_by_test_id("nav-exchange").click()
    expect(page.get_by_test_id("inbox-table")).not_to_contain_text(TITLE)
    page.get_by_test_id("inbox-tab-recalled").click()
    expect(page.get_by_test_id("inbox-table")).to_contain_text(TITLE)
    shot("jmqu-recalled")

    # 6. The provider's hub monitor and directory.
    page.context.clear_cookies()
    sign_in(page, f"http://localhost:{port}", "provider", PASSWORD)
    page.get_by_test_id("nav-console-exchange-monitor").click()
    expect(page.get_by_test_id("monitor-deliveries")).not_to_have_text("0")
    shot("console-monitor")
    # What waits for the gateway is worked on on the gateway page.
    page.get_by_test_id("monitor-gatewayWaiting").click()
    expect(page).to_have_url(re.compile(r"/exchange/gateway$"))
    page.get_by_test_id("nav-console-exchange-directory").click()
    expect(page.get_by_test_id("directory-table")).to_contain_text("市政府办公厅")
    page.get_by_role("tab", name=re.compile("单位组")).click()
    expect(page.get_by_test_id("groups-table")).to_contain_text("全市区政府办公室")
    shot("console-directory")
