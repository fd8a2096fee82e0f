"""The upload limit (settings.OA_UPLOAD_MAX_BYTES, 10 MB) on document attachments, applied while
the body streams in (api.uploads; issue 19 item 4). The limit is lowered here so the tests stay
small; a 30 MB body was accepted whole before."""

from __future__ import annotations

import io

import pytest

from api import uploads

NOTICE = {"title": "关于开展防汛检查的通知", "doc_type": "通知", "main_recipients": "各街道办事处"}
LIMIT = 64 * 1024


@pytest.fixture
def small_limit(settings):
    settings.OA_UPLOAD_MAX_BYTES = LIMIT
    return LIMIT


def _file(size: int, name: str = "附件.txt") -> io.BytesIO:
    upload = io.BytesIO(b"attachment text\n" * (size // 16) + b"x" * (size % 16))
    upload.name = name
    return upload


def _too_large(response, field: str = "files") -> None:
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large" and response.json()["field"] == field


def test_an_attachment_past_the_limit_is_a_413_and_nothing_is_kept(client_for, small_limit):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    response = clerk.post(
        f"/api/documents/{document['id']}/files/", {"files": [_file(LIMIT + 1)]}, format="multipart"
    )
    _too_large(response)
    assert clerk.get(f"/api/documents/{document['id']}/").json()["files"] == []


def test_an_attachment_within_the_limit_is_accepted(client_for, small_limit):
    clerk = client_for("clerk")
    document = clerk.post("/api/documents/outgoing/", NOTICE, format="json").json()
    response = clerk.post(
        f"/api/documents/{document['id']}/files/", {"files": [_file(LIMIT)]}, format="multipart"
    )
    assert response.status_code == 201, response.json()


def test_incoming_registration_with_a_file_past_the_limit_is_a_413(client_for, small_limit):
    clerk = client_for("clerk")
    response = clerk.post(
        "/api/documents/incoming/",
        {
            "title": "来文",
            "source_agency": "厦门市应急管理局",
            "files": [_file(LIMIT, "a.txt"), _file(LIMIT * 3)],
        },
        format="multipart",
    )
    _too_large(response)
    assert clerk.get("/api/documents/registers/incoming/").json()["count"] == 0


def test_the_upload_stops_at_the_chunk_that_passes_the_limit(small_limit, rf):
    """Nothing past the limit is read: the handler refuses the first chunk beyond it."""
    handler = uploads.LimitedUploadHandler(rf.post("/api/documents/1/files/"))
    handler.new_file("files", "a.txt", "text/plain", None)
    handler.receive_data_chunk(b"x" * LIMIT, 0)
    with pytest.raises(Exception) as refused:
        handler.receive_data_chunk(b"x", LIMIT)
    assert refused.value.status == 413 and refused.value.field == "files"


def test_a_view_may_declare_a_larger_limit(small_limit):
    from api.exchange.views_gateway import GatewayImportView

    class Match:
        func = GatewayImportView.as_view()

    class Request:
        resolver_match = Match()

    assert uploads.upload_limit(Request()) > LIMIT


def test_control_characters_are_refused_in_a_document_title(client_for):
    clerk = client_for("clerk")
    response = clerk.post("/api/documents/outgoing/", {**NOTICE, "title": "关于\u202e的通知"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "title"
    assert "U+202E" in response.json()["detail"]
