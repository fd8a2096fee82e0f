"""The 办文 acceptance scenario in Chromium.

发文: a clerk drafts a 通知 on the red-header sheet with two attachments (one a DOCX about the
雪松计划); the office head sends it to 会签 with two department heads; both countersign; the
director signs it off; the office head rechecks it; the clerk numbers it (思政办〔year〕N号);
the seal keeper seals it; the clerk dispatches it; its PDF previews; the office head finds it
in the 发文登记簿 and exports it; the archivist archives it; a search for 雪松计划 finds it
through the attachment, highlighted.

收文: the clerk registers an urgent letter (a classified one is refused under its field); the
office head accepts it and proposes; the director instructs (lead and helping departments, a
reader, the deadline an urgent document needs); the lead department handles it, the reader
reads it, the clerk closes it and the archivist archives it from the flow.

The unit is provisioned once for both tests with its people (committed: the browser's
requests go through the web process) and deleted afterwards. Screenshots go to
test-output/e2e/.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_foundation_flow import sign_in

CODE = "smzf"
UNIT_NAME = "思明区人民政府办公室"
TITLE = "关于做好2026年冬季安全生产工作的通知"
WORD = "雪松计划"

pytestmark = pytest.mark.django_db


def docx(paragraphs: list[str]) -> bytes:
    """A minimal Word document (the three parts a DOCX needs) holding the paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


@pytest.fixture(scope="module")
def documents_unit(live_platform, django_db_blocker):
    """The unit and its people, committed (module scope: before the test's own transaction).

    办公室: director 林建国 (主要领导: 签发), officehead 王主任 (办公室主任: 核稿, 复核)
    秘书科: clerk 张科员 (文书: 拟稿, 编号登记, 核发, 收文登记), keeper 李科员 (印章管理员, 档案管理员)
    财政科: finance 赵科长; 应急管理科: safety 孙科长 (the department heads who countersign)
    """
    from oa.directory.actions import create_staff
    from oa.directory.models import Department, Role
    from tenants.actions import do_provision_unit
    from tests.oa.documents.conftest import set_agency_abbr

    with django_db_blocker.unblock():
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
            secretariat = Department.objects.create(name="秘书科", code="msk", parent=office, order=2)
            finance = Department.objects.create(name="财政科", code="czk", order=3)
            safety = Department.objects.create(name="应急管理科", code="yjk", order=4)
            people = {}
            for username, display, department, roles in (
                ("director", "林建国", office, ["director"]),
                ("officehead", "王主任", office, ["office_head"]),
                ("clerk", "张科员", secretariat, ["clerk"]),
                ("keeper", "李科员", secretariat, ["seal_keeper", "archivist"]),
                ("finance", "赵科长", finance, []),
                ("safety", "孙科长", safety, []),
            ):
                people[username] = create_staff(
                    username=username,
                    display_name=display,
                    password=PASSWORD,
                    department=department,
                    roles=[role[code] for code in roles],
                ).user
            set_agency_abbr("思政办", acting_user=people["director"])
        connection.set_schema_to_public()
    yield f"http://{CODE}.localhost:{live_platform}"
    console_api(live_platform, "provider", PASSWORD)(
        "DELETE", f"/api/units/{CODE}/", {"confirm": CODE}, ok=(204, 404)
    )


@pytest.fixture
def person(browser):
    """Signs someone in, in a browser context of their own (their own session cookie)."""
    contexts = []

    def sign_in_as(base: str, username: str):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, base, username, PASSWORD)
        return page

    yield sign_in_as
    for context in contexts:
        context.close()


def sheet_shot(shot: Shots, name: str) -> None:
    """The page, then the whole document sheet (taller than the window, in a scrolling pane)."""
    path = shot(name)
    page, sheet = shot.page, shot.page.get_by_test_id("doc-sheet")
    # The layout scrolls inside its own pane: only a window tall enough paints the whole sheet.
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": int(sheet.bounding_box()["height"]) + 400})
    sheet.screenshot(path=str(path).replace(".png", "-sheet.png"))
    page.set_viewport_size(size)


def close_dropdown(dialog) -> None:
    """Close an open select's dropdown by clicking the dialog's title, and let it fade out."""
    dialog.locator(".el-dialog__title").click()
    dialog.page.wait_for_timeout(300)


def fetch(page, url: str) -> tuple[int, str, str]:
    """GET a URL from inside the page (its session; *.localhost resolves only in Chromium):
    status, content type and the first four bytes."""
    return tuple(
        page.evaluate(
            """async (url) => {
                const r = await fetch(url)
                const head = new Uint8Array(await r.arrayBuffer()).slice(0, 4)
                return [r.status, (r.headers.get('content-type') || '').split(';')[0], String.fromCharCode(...head)]
            }""",
            url,
        )
    )


def pick(page, text: str) -> None:
    """Click an option of the open Element Plus dropdown (hidden ones of other selects stay)."""
    page.locator(".el-popper:visible .el-select-dropdown__item").filter(has_text=text).first.click()


def from_todo(page, base: str, title: str = TITLE) -> None:
    """Open the document from 待办: a 办文 step opens the document's page, not the task page."""
    page.goto(f"{base}/portal/todo")
    page.get_by_test_id("tasks-table").locator("tr", has_text=title).first.click()
    expect(page).to_have_url(re.compile(r"/portal/documents/\d+$"))
    expect(page.get_by_test_id("doc-panel")).to_be_visible()


def act(page, action: str, opinion: str = "") -> None:
    page.get_by_test_id(f"doc-action-{action}").click()
    dialog = page.get_by_test_id("doc-action-dialog")
    expect(dialog).to_be_visible()
    if opinion:
        dialog.get_by_test_id("doc-opinion").fill(opinion)
    dialog.get_by_test_id("doc-action-submit").click()
    # 用印 renders and keeps the PDF: that step takes a few seconds on a busy machine.
    expect(dialog).to_be_hidden(timeout=30_000)


def test_a_notice_is_drafted_countersigned_signed_numbered_sealed_issued_archived_and_found(
    documents_unit, person
):
    base = documents_unit
    year = date.today().year

    clerk = person(base, "clerk")
    shot = Shots(clerk, "documents")

    # 1. 拟稿: the clerk writes the notice on the sheet, saves, and attaches two files.
    clerk.get_by_test_id("nav-documents").click()
    clerk.get_by_test_id("docs-draft").click()
    expect(clerk.get_by_test_id("doc-sheet")).to_be_visible()
    expect(clerk.get_by_test_id("doc-number")).to_contain_text("编号登记时生成")
    clerk.get_by_test_id("doc-title").fill(TITLE)
    clerk.get_by_test_id("doc-recipients").fill("各街道办事处，区直各部门")
    editor = clerk.get_by_test_id("doc-body-editor")
    editor.click()
    clerk.keyboard.insert_text("为切实做好今冬安全生产工作，现将有关事项通知如下。")
    clerk.keyboard.press("Enter")
    clerk.keyboard.insert_text("一、各单位要高度重视，落实安全生产责任制。")
    clerk.keyboard.press("Enter")
    clerk.keyboard.insert_text("二、按附件要求开展隐患排查，于1月底前完成整改。")
    clerk.get_by_test_id("doc-copy-to").fill("区委办公室，区人大常委会办公室")
    clerk.get_by_test_id("doc-save").click()
    expect(clerk).to_have_url(re.compile(r"/portal/documents/\d+$"))
    document_url = clerk.url
    clerk.get_by_test_id("doc-upload-input").set_input_files(
        [
            {
                "name": f"{WORD}实施方案.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": docx([f"{WORD}实施方案", "一、排查范围：辖区内所有人员密集场所。"]),
            },
            {
                "name": "隐患排查记录表.txt",
                "mimeType": "text/plain",
                "buffer": "单位,场所,隐患,整改期限\n".encode(),
            },
        ]
    )
    note = clerk.get_by_test_id("doc-attachment-note")
    expect(note).to_contain_text(f"附件：1．{WORD}实施方案")
    expect(note).to_contain_text("2．隐患排查记录表")
    expect(clerk.get_by_test_id("doc-agency-mark")).to_have_attribute("placeholder", f"{UNIT_NAME}文件")
    sheet_shot(shot, "draft")
    act(clerk, "approve", "请审核。")
    expect(clerk.get_by_test_id("doc-step")).to_contain_text("核稿")
    # The drafter, now waiting, may 催办 the 核稿.
    clerk.locator("[data-testid^=doc-remind-]").click()
    clerk.locator(".el-message-box .el-button--primary").click()
    expect(clerk.locator(".el-message--success").last).to_contain_text("已催办")

    # 2. 核稿: the office head, from 待办, sends it to two department heads for 会签.
    head = person(base, "officehead")
    head_shot = Shots(head, "documents-head")
    from_todo(head, base)
    head.get_by_test_id("doc-action-countersign").click()
    dialog = head.get_by_test_id("doc-action-dialog")
    dialog.get_by_test_id("doc-countersigners").click()
    for name in ("赵科长", "孙科长"):
        pick(head, name)
    close_dropdown(dialog)
    dialog.get_by_test_id("doc-opinion").fill("涉及财政、应急职责，请会签。")
    head_shot("countersign-dialog")
    dialog.get_by_test_id("doc-action-submit").click()
    expect(dialog).to_be_hidden()
    expect(head.get_by_test_id("doc-step")).to_contain_text("会签")

    # 3. 会签: both department heads agree.
    for username, opinion in (("finance", "同意，经费从安全生产专项列支。"), ("safety", "同意。")):
        signer = person(base, username)
        from_todo(signer, base)
        expect(signer.get_by_test_id("doc-body")).to_contain_text("隐患排查")
        act(signer, "approve", opinion)

    # 4. 签发: the director signs it off; the 成文日期 appears.
    director = person(base, "director")
    from_todo(director, base)
    expect(director.get_by_test_id("doc-opinions-会签")).to_contain_text("经费从安全生产专项列支")
    act(director, "approve", "同意印发。")
    expect(director.get_by_test_id("doc-date")).to_contain_text(f"{year}年")
    sheet_shot(Shots(director, "documents-director"), "signed")

    # 5. 复核 by the office head, 编号登记 by the clerk: the number appears under the red mark.
    from_todo(head, base)
    act(head, "approve")
    from_todo(clerk, base)
    act(clerk, "approve")
    number = re.compile(rf"思政办〔{year}〕\d+号")
    expect(clerk.get_by_test_id("doc-number")).to_have_text(number)
    sheet_shot(shot, "numbered")

    # 6. 用印 by the seal keeper, 核发 by the clerk: issued.
    keeper = person(base, "keeper")
    from_todo(keeper, base)
    act(keeper, "approve")
    expect(keeper.get_by_test_id("doc-seal")).to_be_visible()
    from_todo(clerk, base)
    act(clerk, "approve")
    expect(clerk.get_by_test_id("doc-state")).to_have_text("已发文")
    expect(clerk.get_by_test_id("doc-no-steps")).to_be_visible()
    sheet_shot(shot, "issued")

    # 7. The PDF preview (GB/T 9704 layout) shows the document.
    clerk.get_by_role("tab", name="版式预览").click()
    frame = clerk.get_by_test_id("doc-pdf")
    expect(frame).to_be_visible()
    status, kind, head_bytes = fetch(clerk, frame.get_attribute("src").split("#")[0])
    assert (status, kind, head_bytes) == (200, "application/pdf", "%PDF")
    clerk.wait_for_timeout(1500)  # Chromium's viewer paints in its own process
    shot("pdf-preview")

    # 8. The office head sees it in the 发文登记簿, and its Excel export.
    head.get_by_test_id("nav-documents").click()
    head.get_by_test_id("docs-nav-outgoing").click()
    table = head.get_by_test_id("register-table")
    expect(table).to_contain_text(TITLE)
    expect(table).to_contain_text(number)
    status, kind, head_bytes = fetch(head, head.get_by_test_id("register-export").get_attribute("href"))
    assert (status, head_bytes[:2]) == (200, "PK") and "spreadsheetml" in kind
    head_shot("outgoing-register")

    # 9. 归档 by the archivist: a 档号, and the document is frozen.
    keeper.goto(document_url)
    keeper.get_by_test_id("doc-archive").click()
    keeper.get_by_test_id("doc-archive-submit").click()
    expect(keeper.get_by_test_id("doc-state")).to_have_text("已归档")
    expect(keeper.get_by_test_id("doc-archive-code")).to_contain_text(f"WS·{year}-D30")
    expect(keeper.get_by_test_id("doc-archive")).to_have_count(0)
    Shots(keeper, "documents-keeper")("archived")

    # 10. 全文检索: the attachment's word finds the notice, highlighted in the attachment's text.
    clerk.get_by_test_id("nav-documents").click()
    clerk.get_by_test_id("docs-nav-search").click()
    clerk.get_by_test_id("search-input").fill(WORD)
    clerk.get_by_test_id("search-submit").click()
    results = clerk.get_by_test_id("search-results")
    expect(results).to_contain_text(TITLE)
    # jieba splits it into 雪松 / 计划; the page joins the touching highlights.
    expect(results.locator("[data-testid^=search-file-hit] mark").first).to_have_text(WORD)
    shot("search")
    results.get_by_role("link", name=TITLE).click()
    expect(clerk).to_have_url(document_url)


INCOMING = "关于报送2025年度安全生产工作总结的函"


def test_an_urgent_letter_is_registered_checked_instructed_handled_read_closed_and_archived(
    documents_unit, person
):
    base = documents_unit

    # 1. 收文登记: the server refuses a classified document (this network handles none) under
    #    its field; unclassified and urgent, it is registered and waits for 初审.
    clerk = person(base, "clerk")
    shot = Shots(clerk, "incoming")
    clerk.get_by_test_id("nav-documents").click()
    clerk.get_by_test_id("docs-receive").click()
    dialog = clerk.get_by_test_id("incoming-dialog")
    dialog.get_by_test_id("incoming-title").fill(INCOMING)
    dialog.get_by_test_id("incoming-source").fill("厦门市应急管理局")
    dialog.get_by_test_id("incoming-number").fill("厦应急函〔2026〕3号")
    dialog.get_by_test_id("incoming-type").click()
    pick(clerk, "函")
    dialog.get_by_test_id("incoming-urgency").click()
    pick(clerk, "加急")
    dialog.get_by_test_id("incoming-classification").click()
    pick(clerk, "秘密")
    dialog.get_by_test_id("incoming-secrecy-period").fill("1年")
    dialog.get_by_test_id("incoming-files-input").set_input_files(
        [{"name": "来文.txt", "mimeType": "text/plain", "buffer": "请于1月20日前报送。".encode()}]
    )
    dialog.get_by_test_id("incoming-submit").click()
    expect(dialog.locator(".el-form-item__error")).to_contain_text("涉密")
    shot("refused-field")
    dialog.get_by_test_id("incoming-classification").click()
    pick(clerk, "无密级")
    dialog.get_by_test_id("incoming-submit").click()
    expect(clerk).to_have_url(re.compile(r"/portal/documents/\d+$"))
    expect(clerk.get_by_test_id("doc-source")).to_have_text("厦门市应急管理局")
    expect(clerk.get_by_test_id("doc-step")).to_contain_text("初审")

    # 2. 初审 and 拟办 by the office head.
    head = person(base, "officehead")
    from_todo(head, base, INCOMING)
    act(head, "approve", "符合规定，受理。")
    from_todo(head, base, INCOMING)
    act(head, "approve", "建议由应急管理科牵头，财政科配合。")

    # 3. 批办: lead and helping departments, a reader, and (urgent) a deadline.
    director = person(base, "director")
    from_todo(director, base, INCOMING)
    director.get_by_test_id("doc-action-approve").click()
    dialog = director.get_by_test_id("doc-action-dialog")
    dialog.get_by_test_id("doc-lead-department").click()
    director.locator(".el-popper:visible").locator(".el-tree-node__label, .el-select-dropdown__item").filter(
        has_text="应急管理科"
    ).first.click()
    close_dropdown(dialog)
    dialog.get_by_test_id("doc-helper-departments").click()
    pick(director, "财政科")
    close_dropdown(dialog)
    dialog.get_by_test_id("doc-readers").click()
    pick(director, "赵科长")
    close_dropdown(dialog)
    dialog.get_by_test_id("doc-opinion").fill("请应急管理科牵头办理。")
    dialog.get_by_test_id("doc-action-submit").click()
    expect(
        dialog.get_by_test_id("doc-deadline").locator("xpath=ancestor::*[contains(@class,'el-form-item')][1]")
    ).to_contain_text("紧急公文须明确办理时限")
    Shots(director, "incoming-director")("instruct-needs-deadline")
    deadline = dialog.get_by_test_id("doc-deadline").locator("input")
    deadline.fill(f"{date.today().year + 1}-01-20")
    deadline.press("Enter")
    close_dropdown(dialog)
    dialog.get_by_test_id("doc-action-submit").click()
    expect(dialog).to_be_hidden(timeout=30_000)

    # 4. 承办 by the lead department, 传阅 by the reader, 办结 by the clerk.
    safety = person(base, "safety")
    from_todo(safety, base, INCOMING)
    act(safety, "approve", "已按要求报送。")
    finance = person(base, "finance")
    from_todo(finance, base, INCOMING)
    act(finance, "approve")
    from_todo(clerk, base, INCOMING)
    act(clerk, "approve", "已办结。")

    # 5. 归档 by the archivist, with its 保管期限; the 处理笺 carries every step's words.
    keeper = person(base, "keeper")
    from_todo(keeper, base, INCOMING)
    keeper.get_by_test_id("doc-action-approve").click()
    keeper.get_by_test_id("doc-retention").get_by_text("永久").click()
    keeper.get_by_test_id("doc-action-submit").click()
    expect(keeper.get_by_test_id("doc-state")).to_have_text("已归档", timeout=30_000)
    expect(keeper.get_by_test_id("doc-archive-code")).to_contain_text("-Y-")
    expect(keeper.get_by_test_id("doc-opinion-instruct")).to_contain_text("请应急管理科牵头办理。")
    expect(keeper.get_by_test_id("doc-opinion-handle")).to_contain_text("已按要求报送。")
    expect(keeper.get_by_test_id("doc-opinion-circulate")).to_contain_text("赵科长")
    sheet_shot(Shots(keeper, "incoming-keeper"), "archived")
