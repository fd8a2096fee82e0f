"""历史数据导入 in Chromium: a unit admin uploads a real Domino export (test_100docs.xml), reads
the dry run's report by form, starts the import, watches its progress bar (a real Celery
worker runs it), sees the result and finds an imported document by its text.

The import happens in a unit made for this test and deleted afterwards: imported documents are
archived, so nothing short of dropping the unit's schema removes them from the shared database.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_foundation_flow import sign_in
from tests.oa.importer.sources.dxl.builders import SAMPLES

pytestmark = pytest.mark.django_db
CODE = "legacye2e"


@pytest.fixture
def import_unit(live_platform):
    api = console_api(live_platform, "provider", PASSWORD)
    api("DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404))
    api(
        "POST",
        "/api/units/",
        {
            "code": CODE,
            "name": "集美区政府办公室",
            "kind": "district_office",
            "admin_username": "admin",
            "admin_display_name": "集美管理员",
            "admin_password": PASSWORD,
        },
    )
    yield f"http://{CODE}.localhost:{live_platform}"
    api("DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404))


def test_a_unit_admin_imports_a_domino_export_from_the_admin_page(
    live_platform, live_worker, page, import_unit
):
    export = SAMPLES / "test_100docs.xml"
    if not export.is_file():
        pytest.skip(f"the sample exports are not at {SAMPLES}")
    unit = import_unit
    shot = Shots(page, "domino-import")
    sign_in(page, unit, "admin", PASSWORD)

    # The menu of the admin area leads to the import page.
    page.goto(f"{unit}/admin")
    page.get_by_role("menuitem", name="历史数据导入").click()
    expect(page.get_by_test_id("importer-mapping")).to_contain_text("Domino 办公系统导入映射")
    shot("choose")

    # A malformed export is refused at once, with its line.
    page.get_by_test_id("importer-file").locator("input[type=file]").set_input_files(
        str(SAMPLES / "dxlDatabaseBadXML.xml")
    )
    page.get_by_test_id("importer-upload").click()
    expect(page.get_by_test_id("importer-refused")).to_contain_text("第 15 行")
    shot("refused")

    # Another file replaces the refused one; the real export's dry run reports the 100 documents by form and writes nothing.
    page.get_by_test_id("importer-file").locator("input[type=file]").set_input_files(str(export))
    page.get_by_test_id("importer-upload").click()
    report = page.get_by_test_id("importer-report")
    expect(report).to_contain_text("其他文档", timeout=60_000)
    expect(report).to_contain_text("60")  # notes with nothing like a title: 缺少标题
    expect(page.get_by_test_id("importer-state")).to_contain_text("已完成")
    shot("dry-run-report")

    # The import itself: progress, then the result.
    page.get_by_test_id("importer-start").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(page.get_by_test_id("importer-progress")).to_be_visible()
    shot("running")
    expect(page.get_by_test_id("importer-done")).to_contain_text("新建 40", timeout=120_000)
    expect(page.get_by_test_id("importer-progress")).to_contain_text("100 / 100")
    shot("done")

    # An imported document is found by the words of its rich-text body.
    page.get_by_test_id("importer-doc-search").fill("struuntur")
    # Wait for the search's own answer (the list loaded when the run finished may still be on
    # its way on a busy machine; the page keeps only the answer to the latest request).
    with page.expect_response(lambda r: "/documents/" in r.url and "q=struuntur" in r.url, timeout=30_000):
        page.get_by_test_id("importer-doc-search").press("Enter")
    documents = page.get_by_test_id("importer-docs")
    expect(documents).to_contain_text("billet")  # the ten billets: their rich text has the word
    expect(documents).not_to_contain_text("mon texte")  # the newest notes, listed before the search
    expect(documents).to_contain_text(f"{CODE.upper()}-WS·")
    expect(documents).to_contain_text("Eric BREHAULT")
    documents.scroll_into_view_if_needed()
    shot("found")

    # Its page in 办文 says where it came from and who wrote it there.
    documents.locator("a").first.click()
    origin = page.get_by_test_id("doc-legacy")
    expect(origin).to_contain_text("原系统信息")
    expect(origin).to_contain_text("Eric BREHAULT")
    expect(origin).to_contain_text("test_100docs.xml")
    expect(page.locator("body")).to_contain_text("struuntur")
    shot("document")
    page.go_back()

    # The history lists the dry run and the import.
    page.goto(f"{unit}/admin/legacy-import")
    expect(page.get_by_test_id("importer-history")).to_contain_text("试导入")
    expect(page.get_by_test_id("importer-history")).to_contain_text("正式导入")


def test_a_quarantined_record_is_fixed_and_retried_from_the_page(
    live_platform, live_worker, page, import_unit, tmp_path
):
    from tests.oa.importer.sources.dxl.builders import database, document, item, text

    export = tmp_path / "fawen.xml"
    export.write_bytes(
        database(
            document(
                item("Subject", text("关于做好防汛工作的通知")),
                item("DocNumber", text("集政办〔2012〕1号")),
                n=1,
            ),
            document(item("DocNumber", text("集政办〔2012〕2号")), n=2, form="FaWen"),
        )
    )
    unit = import_unit
    shot = Shots(page, "domino-import-fix")
    sign_in(page, unit, "admin", PASSWORD)
    page.goto(f"{unit}/admin/legacy-import")
    page.get_by_test_id("importer-file").locator("input[type=file]").set_input_files(str(export))
    page.get_by_test_id("importer-upload").click()
    expect(page.get_by_test_id("importer-report")).to_contain_text("缺少标题", timeout=60_000)
    page.get_by_test_id("importer-start").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(page.get_by_test_id("importer-done")).to_contain_text("隔离 1", timeout=60_000)
    page.get_by_test_id("importer-fix-2").click()
    dialog = page.get_by_test_id("importer-fix-dialog")
    expect(dialog).to_contain_text("集政办〔2012〕2号")  # the record as read
    page.get_by_test_id("importer-fix-title").fill("关于防汛值班安排的通知")
    shot("fix")
    page.get_by_test_id("importer-fix-retry").click()
    expect(page.get_by_test_id("importer-quarantine")).to_contain_text("已修正导入")
    expect(page.get_by_test_id("importer-docs")).to_contain_text("关于防汛值班安排的通知")
    shot("fixed")
