"""The 办文 endpoints as the document page uses them: draft, edit, handle steps through the
workflow task endpoints, files, registers and their export, search, archive."""

from __future__ import annotations

import io

from openpyxl import load_workbook

NOTICE = {
    "title": "关于做好2026年冬季安全生产工作的通知",
    "doc_type": "通知",
    "main_recipients": "各街道办事处，区直各部门",
    "body_html": "<p>为切实做好今冬消防安全工作，现通知如下。</p><img src=x onerror=alert(1)>",
}


def _step(client, document: dict, element: str, outcome="approve", opinion="同意。", data=None):
    task = next(t for t in document["current_tasks"] if t["element_id"] == element)
    response = client.post(
        f"/api/workflow/tasks/{task['id']}/complete/",
        {"outcome": outcome, "opinion": opinion, "data": data or {}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return client.get(f"/api/documents/{document['id']}/").json()


def test_a_clerk_drafts_and_the_office_handles_it_to_issue(client_for):
    clerk = client_for("clerk")
    response = clerk.post("/api/documents/outgoing/", NOTICE, format="json")
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["editable_step"] == "起草" and "onerror" not in document["body_html"]
    assert [t["element_id"] for t in document["current_tasks"]] == ["Task_Draft"]
    assert document["current_tasks"][0]["mine"] is True
    document = _step(clerk, document, "Task_Draft")
    assert document["editable_step"] == "" and document["step"] == "核稿"
    secretary, director = client_for("secretary"), client_for("director")
    document = _step(secretary, secretary.get(f"/api/documents/{document['id']}/").json(), "Task_Review")
    document = _step(director, document, "Task_SignOff", opinion="同意印发。")
    for who, element in (
        ("secretary", "Task_Recheck"),
        ("clerk", "Task_Register"),
        ("clerk2", "Task_Seal"),
        ("clerk", "Task_Dispatch"),
    ):
        client = client_for(who)
        document = _step(client, client.get(f"/api/documents/{document['id']}/").json(), element)
    assert document["state"] == "done" and document["doc_number"].startswith("思政办〔")
    assert document["signer_name"] == "林建国"
    trail = [(row["source"], row["action"]) for row in document["trail"]]
    assert (
        ("document", "signed") in trail
        and ("flow", "complete") in trail
        and ("document", "numbered") in trail
    )
    listed = clerk.get("/api/documents/?direction=outgoing").json()
    assert [d["id"] for d in listed["results"]] == [document["id"]]


def test_field_errors_name_the_field(client_for):
    clerk = client_for("clerk")
    response = clerk.post("/api/documents/outgoing/", {**NOTICE, "doc_type": "便条"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "doc_type"
    response = clerk.post("/api/documents/outgoing/", {**NOTICE, "title": ""}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "title"


def test_the_pdf_opens_inline_and_only_this_site_may_frame_it(client_for):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    response = clerk.get(f"/api/documents/{document['id']}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    # The document page's preview is an iframe on the same host; the site default is DENY.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert clerk.get(f"/api/documents/{document['id']}/")["X-Frame-Options"] == "DENY"


def test_a_colleague_who_is_no_party_cannot_see_or_edit(client_for):
    document = client_for("clerk").post("/api/documents/outgoing/", NOTICE, format="json").json()
    auditor = client_for("auditor")
    assert auditor.get(f"/api/documents/{document['id']}/").status_code == 404
    assert (
        auditor.patch(f"/api/documents/{document['id']}/", {"title": "改"}, format="json").status_code == 404
    )
    assert auditor.get("/api/documents/").json()["results"] == []
    assert auditor.get("/api/documents/registers/outgoing/").status_code == 403
    # The office head sees the unit's documents (the registers are theirs).
    assert client_for("secretary").get(f"/api/documents/{document['id']}/").status_code == 200


def test_registering_incoming_with_files_and_the_register_export(client_for):
    clerk = client_for("clerk")
    upload = io.BytesIO("检查方案：重点检查燃气管道。".encode())
    upload.name = "检查方案.txt"
    response = clerk.post(
        "/api/documents/incoming/",
        {
            "title": "关于开展燃气安全检查的通知",
            "source_agency": "厦门市应急管理局",
            "doc_number": "厦应急〔2026〕5号",
            "files": [upload],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["incoming_number"].startswith("思政办收〔") and document["step"] == "初审"
    assert [f["name"] for f in document["files"]] == ["检查方案.txt"]
    download = clerk.get(f"/api/documents/{document['id']}/files/{document['files'][0]['id']}/")
    assert (
        download.status_code == 200
        and b"".join(download.streaming_content).decode() == "检查方案：重点检查燃气管道。"
    )
    register = clerk.get("/api/documents/registers/incoming/").json()
    assert register["results"][0]["source_agency"] == "厦门市应急管理局"
    export = clerk.get("/api/documents/registers/incoming/export/")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "收文编号" and rows[1][2] == "厦门市应急管理局" and rows[1][3] == "厦应急〔2026〕5号"


def test_a_file_refused_by_content_leaves_nothing(client_for):
    clerk = client_for("clerk")
    fake = io.BytesIO(b"MZ\x90\x00 not really a pdf")
    fake.name = "通知.pdf"
    response = clerk.post(
        "/api/documents/incoming/",
        {"title": "带病毒的来文", "source_agency": "某单位", "files": [fake]},
        format="multipart",
    )
    assert response.status_code == 400
    assert clerk.get("/api/documents/registers/incoming/").json()["count"] == 0


def test_search_finds_words_in_attachments_with_highlights_and_only_visible_ones(client_for):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    upload = io.BytesIO("附件：雪松计划实施细则。".encode())
    upload.name = "细则.txt"
    response = clerk.post(
        f"/api/documents/{document['id']}/files/",
        {"role": "attachment", "files": [upload]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    found = clerk.get("/api/documents/search/?q=雪松计划").json()
    assert [r["id"] for r in found["results"]] == [document["id"]]
    assert "<mark>雪松</mark>" in found["results"][0]["hits"]["files"][0]["snippets"][0]
    by_body = clerk.get("/api/documents/search/?q=消防安全").json()
    assert by_body["results"][0]["hits"]["body"][0].count("<mark>") >= 1
    assert client_for("auditor").get("/api/documents/search/?q=雪松计划").json()["count"] == 0
    assert clerk.get("/api/documents/search/?q=").status_code == 400


def test_the_pdf_is_a_draft_until_sealed_then_the_kept_file(client_for, people):
    from oa.documents.rendering.raster import extract_text

    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    draft_pdf = clerk.get(f"/api/documents/{document['id']}/pdf/")
    assert draft_pdf.status_code == 200 and draft_pdf["Content-Type"] == "application/pdf"
    assert "草稿" in "".join(extract_text(draft_pdf.content)) and NOTICE["title"][:8] in "".join(
        extract_text(draft_pdf.content)
    )
    document = _step(clerk, document, "Task_Draft")
    for who, element in (
        ("secretary", "Task_Review"),
        ("director", "Task_SignOff"),
        ("secretary", "Task_Recheck"),
        ("clerk", "Task_Register"),
        ("clerk2", "Task_Seal"),
    ):
        client = client_for(who)
        document = _step(client, client.get(f"/api/documents/{document['id']}/").json(), element)
    sealed = b"".join(clerk.get(f"/api/documents/{document['id']}/pdf/").streaming_content)
    text = "".join(extract_text(sealed))
    assert document["doc_number"] in text and "草稿" not in text
    assert "sealed" in [row["action"] for row in document["trail"]]
    assert client_for("auditor").get(f"/api/documents/{document['id']}/pdf/").status_code == 404


def test_the_registering_clerk_corrects_an_incoming_record_but_not_an_outgoing_only_field(client_for):
    clerk, secretary = client_for("clerk"), client_for("secretary")
    document = clerk.post(
        "/api/documents/incoming/", {"title": "来文", "source_agency": "某局"}, format="multipart"
    ).json()
    # 初审 is the office head's step: they may correct what the clerk typed.
    response = secretary.patch(
        f"/api/documents/{document['id']}/",
        {"source_agency": "厦门市应急管理局", "doc_number": "厦应急〔2026〕5号", "copies": 2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["source_agency"], body["doc_number"], body["copies"]) == (
        "厦门市应急管理局",
        "厦应急〔2026〕5号",
        2,
    )
    refused = secretary.patch(f"/api/documents/{document['id']}/", {"signature_agency": "某"}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "signature_agency"
