"""The 档案 acceptance scenario of issue 21, in Chromium, as a new user would try it.

The archivist opens 档案 from the portal card and prints the year's 归档文件目录; a staff member
borrows an item, the archivist approves it from 待办, the borrower views it and loses access when
the loan runs out (the beat task's sweep, with the clock moved past the end); the archivist sees
the view recorded; an item past its retention is proposed for destruction, the director approves,
the archivist destroys it and the register keeps its row; the year is exported and its package
verifies when re-imported. Screenshots go to test-output/e2e/.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import ROOT, SCREENSHOTS, Shots, console_api
from tests.e2e.test_documents_flow import fetch, pick
from tests.e2e.test_foundation_flow import sign_in

CODE = "dagl"
UNIT_NAME = "思明区档案示范办公室"
YEAR = 2012
LENT = "关于印发2012年档案工作要点的通知"
EXPIRED = "关于2012年度会议安排的通知"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive_unit(live_platform, platform_env, django_db_blocker):
    """The unit, its people and a filed year 2012 (定期10年: past its retention), committed.

    办公室: director 林建国 (主要领导: 鉴定审批); 秘书科: keeper 李科员 (档案管理员), clerk 张科员 (借阅人)
    """
    from oa.directory.actions import create_staff
    from oa.directory.models import Department, Role
    from oa.documents import actions as document_actions
    from oa.documents.models import Document
    from tenants.actions import do_provision_unit
    from tests.oa.documents.samples import pdf

    # The attachment goes to the web process's store (its own var/), where the package reads it.
    media = override_settings(MEDIA_ROOT=Path(platform_env[2]["OA_VAR_DIR"]) / "media")
    with django_db_blocker.unblock(), media:
        connection.set_schema_to_public()
        do_provision_unit(
            acting_user=None,
            code=CODE,
            name=UNIT_NAME,
            admin_username="admin",
            admin_display_name="系统管理员",
            admin_password=PASSWORD,
        )
        with schema_context(CODE):
            role = {r.code: r for r in Role.objects.all()}
            office = Department.objects.create(name="办公室", code="bgs", order=1)
            people = {}
            for username, display, roles in (
                ("director", "林建国", ["director"]),
                ("keeper", "李科员", ["archivist"]),
                ("clerk", "张科员", ["clerk"]),
            ):
                people[username] = create_staff(
                    username=username, display_name=display, password=PASSWORD, department=office,
                    roles=[role[code] for code in roles],
                ).user  # fmt: skip
            for n, title in enumerate((LENT, EXPIRED, "关于2012年档案移交的函"), start=1):
                document = document_actions.do_create_outgoing(
                    acting_user=people["clerk"],
                    fields={"title": title, "doc_type": "通知", "body_html": f"<p>{title}。</p>"},
                )
                if n == 1:
                    document_actions.do_add_files(
                        document, acting_user=people["clerk"], files=[("要点附件.pdf", pdf(["档案工作要点"]))]
                    )
                Document.objects.filter(pk=document.pk).update(
                    state="done",
                    issued_date=date(YEAR, n, 10),
                    agency_name=UNIT_NAME,
                    doc_number=f"思档办〔{YEAR}〕{n}号",
                )
                document.refresh_from_db()
                document_actions.do_archive_document(document, acting_user=people["keeper"], retention="D10")
        connection.set_schema_to_public()
    yield f"http://{CODE}.localhost:{live_platform}"
    console_api(live_platform, "provider", PASSWORD)(
        "DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404)
    )


@pytest.fixture
def person(browser):
    contexts = []

    def sign_in_as(base: str, username: str):
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, username, PASSWORD)
        return page

    yield sign_in_as
    for context in contexts:
        context.close()


def download(page, url: str) -> bytes:
    """GET a URL from inside the page (its session) and return the bytes."""
    encoded = page.evaluate(
        """async (url) => {
            const r = await fetch(url)
            const bytes = new Uint8Array(await r.arrayBuffer())
            let s = ''
            for (const b of bytes) s += String.fromCharCode(b)
            return btoa(s)
        }""",
        url,
    )
    return base64.b64decode(encoded)


def filter_year(page) -> None:
    page.get_by_test_id("archive-filter-year").click()
    pick(page, str(YEAR))
    page.get_by_test_id("archive-search").click()


def test_the_archive_is_printed_lent_appraised_and_transferred(archive_unit, person, platform_env):
    base = archive_unit

    # 1. The archivist: the portal card leads to the catalogue; the year's 归档文件目录 prints.
    keeper = person(base, "keeper")
    kshot = Shots(keeper, "archive-keeper")
    keeper.goto(f"{base}/portal")
    card = keeper.get_by_test_id("module-card-archive")
    expect(card).not_to_contain_text("即将上线")
    card.click()
    expect(keeper).to_have_url(re.compile(r"/portal/archive$"))
    filter_year(keeper)
    table = keeper.get_by_test_id("archive-catalogue")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text(f"{CODE.upper()}-WS·{YEAR}-D10-BGS-0001")
    kshot("catalogue")
    href = keeper.get_by_test_id("archive-directory-pdf").get_attribute("href")
    assert f"year={YEAR}" in href
    assert fetch(keeper, href) == (200, "application/pdf", "%PDF")
    xlsx = keeper.get_by_test_id("archive-directory-xlsx").get_attribute("href")
    status, _type, head = fetch(keeper, xlsx)
    assert (status, head) == (200, "PK\x03\x04")
    # Chromium's headless PDF viewer paints nothing: the printout's first page as a picture.
    from oa.documents.rendering.raster import render_page_png

    (SCREENSHOTS / "archive-directory-page1.png").write_bytes(
        render_page_png(download(keeper, href), 1, dpi=80)
    )

    # 2. A staff member borrows the first item for a day.
    clerk = person(base, "clerk")
    cshot = Shots(clerk, "archive-clerk")
    clerk.goto(f"{base}/portal/archive")
    filter_year(clerk)
    clerk.get_by_test_id("archive-catalogue").locator("tr", has_text=LENT).get_by_role(
        "button", name="借阅"
    ).click()
    dialog = clerk.get_by_test_id("archive-loan-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("loan-submit").click()
    expect(dialog).to_contain_text("请填写借阅用途")
    dialog.get_by_test_id("loan-purpose").fill("编写2012年大事记")
    cshot("loan-request")
    dialog.get_by_test_id("loan-submit").click()
    expect(clerk).to_have_url(re.compile(r"/portal/archive/loans/\d+$"))
    loan_url = clerk.url
    expect(clerk.get_by_test_id("loan-state-pending")).to_be_visible()

    # 3. The archivist approves it from 待办 (the library's 借阅 flow).
    keeper.goto(f"{base}/portal/todo")
    keeper.get_by_test_id("tasks-table").locator("tr", has_text=LENT).locator("a.title").click()
    keeper.get_by_test_id("task-outcome-approve").click()
    keeper.get_by_test_id("task-opinion").fill("同意借阅")
    keeper.get_by_test_id("task-dialog-submit").click()
    expect(keeper.get_by_test_id("task-state")).to_contain_text("已办")

    # 4. The borrower views it while the loan runs...
    clerk.goto(loan_url)
    expect(clerk.get_by_test_id("loan-state-approved")).to_be_visible()
    item_row = clerk.get_by_test_id("loan-items").locator("tr", has_text=LENT)
    item_row.get_by_role("button", name="查阅").click()
    # The item has no kept PDF: the server renders it (fonts on first use), allow for that.
    expect(clerk.get_by_test_id("loan-viewer")).to_be_visible(timeout=60_000)
    cshot("loan-viewing")
    clerk.keyboard.press("Escape")
    # ...and loses it when the loan runs out: its end is moved into the past and beat's sweep
    # runs, both committed in a process of their own as the platform's beat would run it.
    loan_id = int(loan_url.rstrip("/").rsplit("/", 1)[1])
    script = (
        "from datetime import timedelta; from django.utils import timezone; "
        "from django_tenants.utils import schema_context; from oa.archive.models import Loan; "
        "from oa.archive.tasks import expire_loans\n"
        f"with schema_context('{CODE}'):\n"
        f"    Loan.objects.filter(pk={loan_id}).update(expires_at=timezone.now() - timedelta(minutes=1))\n"
        "print(expire_loans())"
    )
    swept = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=platform_env[2], capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert "'expired': 1" in swept.stdout, swept.stdout + swept.stderr
    clerk.reload()
    expect(clerk.get_by_test_id("loan-state-expired")).to_be_visible()
    clerk.get_by_test_id("loan-items").locator("tr", has_text=LENT).get_by_role("button", name="查阅").click()
    expect(clerk.get_by_test_id("loan-view-error")).to_contain_text("借阅已到期")
    cshot("loan-expired")

    # 5. The archivist sees the view recorded.
    keeper.goto(f"{base}/portal/archive/records")
    keeper.get_by_role("tab", name="利用登记").click()
    records = keeper.get_by_test_id("archive-access-records")
    expect(records.locator("tbody tr", has_text="张科员")).to_have_count(1)
    expect(records).to_contain_text("查阅")
    kshot("access-records")

    # 6. 鉴定: the second item is past its retention; proposed for destruction, approved, destroyed.
    keeper.goto(f"{base}/portal/archive/appraisal")
    due = keeper.get_by_test_id("appraisal-due")
    row = due.locator("tr", has_text=EXPIRED)
    row.get_by_role("button", name="提出鉴定意见").click()
    appraisal = keeper.get_by_test_id("appraisal-dialog")
    appraisal.get_by_test_id("appraisal-reason").fill("会议已结束，无保存价值")
    appraisal.get_by_test_id("appraisal-submit").click()
    expect(row).to_contain_text("已提出，待审批")
    kshot("appraisal-proposed")

    director = person(base, "director")
    dshot = Shots(director, "archive-director")
    director.goto(f"{base}/portal/archive/appraisal")
    pending = director.get_by_test_id("appraisal-pending")
    expect(pending).to_contain_text(EXPIRED)
    dshot("appraisal-pending")
    pending.locator("tr", has_text=EXPIRED).get_by_role("button", name="批准", exact=True).click()
    expect(pending).not_to_contain_text(EXPIRED)

    keeper.reload()
    row = keeper.get_by_test_id("appraisal-due").locator("tr", has_text=EXPIRED)
    row.get_by_role("button", name="执行销毁").click()
    keeper.locator(".el-message-box .el-button--primary").click()
    register = keeper.get_by_test_id("destruction-register")
    expect(register).to_contain_text(EXPIRED)
    expect(register).to_contain_text("林建国")
    kshot("destruction-register")
    keeper.goto(f"{base}/portal/archive")
    filter_year(keeper)
    expect(keeper.get_by_test_id("archive-catalogue").locator("tbody tr")).to_have_count(2)

    # 7. 移交: the year is exported; the package, re-imported, verifies.
    keeper.goto(f"{base}/portal/archive/transfer")
    keeper.get_by_test_id("transfer-year").click()
    pick(keeper, str(YEAR))
    keeper.get_by_test_id("transfer-export").click()
    records = keeper.get_by_test_id("transfer-records")
    # Items without a kept PDF have their 版式文件 rendered into the package now.
    expect(records.locator("tbody tr")).to_have_count(1, timeout=90_000)
    expect(records).to_contain_text("已导出")
    package = download(keeper, records.get_by_role("link", name="下载").get_attribute("href"))
    assert package[:4] == b"PK\x03\x04"
    keeper.get_by_test_id("transfer-verify-file").set_input_files(
        {"name": f"移交包-{YEAR}.zip", "mimeType": "application/zip", "buffer": package}
    )
    result = keeper.get_by_test_id("transfer-result")
    expect(result).to_contain_text("校验通过：2 件档案", timeout=30_000)
    expect(records).to_contain_text("已校验")
    kshot("transfer-verified")
