"""The exchange API on unit hosts: send from the 核发 step, the 待签收 inbox, sign for / return,
the sender's tracking with recall and urge, and the package API for a unit's other systems."""

from __future__ import annotations

import pytest

from exchange.models import Delivery, Envelope, PackageRefusal
from tests.conftest import HULI, SIMING, HostClient
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submission


def send(client, eager, document, **body):
    with eager(execute=True):
        response = client.post("/api/exchange/envelopes/", {"document": document.pk, **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_issue_scenario_through_the_api(siming_clerk, client_in, clerks, sealed, eager):
    sent = send(siming_clerk, eager, sealed, groups=["district_offices"])
    envelope_id = sent["envelope"]["id"]
    assert sent["envelope"]["recipients"] == [HULI, JIMEI] and sent["skipped"] == []

    huli = client_in(HULI, "hl_clerk")
    (item,) = huli.get("/api/exchange/inbox/").json()["results"]
    assert (item["title"], item["sender"]["name"], item["state"]) == (
        sealed.title,
        "思明区政府办公室",
        "delivered",
    )
    detail = huli.get(f"/api/exchange/inbox/{item['id']}/").json()
    assert [f["name"] for f in detail["files"]] == [f"{sealed.doc_number}.pdf", "检查表.docx", "名单.pdf"]
    assert detail["metadata"]["main_recipients"] == sealed.main_recipients
    preview = huli.get(f"/api/exchange/inbox/{item['id']}/files/0/?inline=1")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert b"".join(preview.streaming_content if preview.streaming else [preview.content]).startswith(
        b"%PDF-"
    )

    signed = huli.post(f"/api/exchange/inbox/{item['id']}/sign/", format="json")
    assert signed.status_code == 201, signed.content
    document_id = signed.json()["document"]
    page = huli.get(f"/api/documents/{document_id}/").json()
    assert page["direction"] == "incoming" and page["title"] == sealed.title

    jimei = client_in(JIMEI, "jm_clerk")
    (item,) = jimei.get("/api/exchange/inbox/").json()["results"]
    refused = jimei.post(f"/api/exchange/inbox/{item['id']}/return/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    returned = jimei.post(
        f"/api/exchange/inbox/{item['id']}/return/", {"reason": "请改送市应急局"}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"

    tracking = siming_clerk.get(f"/api/exchange/envelopes/{envelope_id}/").json()
    by_code = {d["recipient"]["code"]: d for d in tracking["deliveries"]}
    assert (by_code[HULI]["state"], by_code[HULI]["signed_by_name"]) == ("signed_for", "湖里文书")
    assert by_code[HULI]["signed_at"] is not None
    assert (by_code[JIMEI]["state"], by_code[JIMEI]["return_reason"]) == ("returned", "请改送市应急局")
    assert tracking["counts"] == {
        "total": 2, "queued": 0, "delivered": 0, "signed_for": 1, "returned": 1, "recalled": 0
    }  # fmt: skip


def test_a_recipient_sees_only_its_own_deliveries(siming_clerk, client_in, clerks, sealed, eager):
    send(siming_clerk, eager, sealed, groups=["district_offices"])
    jimei_delivery = Delivery.objects.get(recipient__code=JIMEI)
    huli = client_in(HULI, "hl_clerk")
    listed = huli.get("/api/exchange/inbox/?state=all").json()["results"]
    assert [d["id"] for d in listed] == [Delivery.objects.get(recipient__code=HULI).pk]
    for method, path in (
        ("get", f"/api/exchange/inbox/{jimei_delivery.pk}/"),
        ("get", f"/api/exchange/inbox/{jimei_delivery.pk}/files/0/"),
        ("get", f"/api/exchange/inbox/{jimei_delivery.pk}/package/"),
        ("post", f"/api/exchange/inbox/{jimei_delivery.pk}/sign/"),
        ("post", f"/api/exchange/inbox/{jimei_delivery.pk}/return/"),
    ):
        response = getattr(huli, method)(path, {"reason": "不是我的"}, format="json")
        assert response.status_code == 404, (path, response.content)
    # Nor does a recipient see the sender's tracking of everyone.
    envelope = Envelope.objects.get()
    assert huli.get(f"/api/exchange/envelopes/{envelope.pk}/").status_code == 404
    assert huli.get("/api/exchange/envelopes/").json()["results"] == []
    jimei_delivery.refresh_from_db()
    assert jimei_delivery.state == "delivered"


def test_recall_before_signing_and_urge(siming_clerk, client_in, clerks, sealed, eager):
    envelope_id = send(siming_clerk, eager, sealed, groups=["district_offices"])["envelope"]["id"]
    huli_id = Delivery.objects.get(recipient__code=HULI).pk
    urged = siming_clerk.post(f"/api/exchange/envelopes/{envelope_id}/urge/", {}, format="json")
    assert urged.status_code == 200
    assert {d["urge_count"] for d in urged.json()["deliveries"]} == {1}
    again = siming_clerk.post(f"/api/exchange/envelopes/{envelope_id}/urge/", {}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "throttled"

    recalled = siming_clerk.post(
        f"/api/exchange/envelopes/{envelope_id}/recall/",
        {"deliveries": [huli_id], "reason": "文字有误"},
        format="json",
    )
    assert recalled.status_code == 200
    states = {d["recipient"]["code"]: d["state"] for d in recalled.json()["deliveries"]}
    assert states == {HULI: "recalled", JIMEI: "delivered"}
    huli = client_in(HULI, "hl_clerk")
    assert huli.get("/api/exchange/inbox/").json()["results"] == []
    (item,) = huli.get("/api/exchange/inbox/?state=recalled").json()["results"]
    assert item["recall_reason"] == "文字有误"
    assert huli.post(f"/api/exchange/inbox/{huli_id}/sign/", format="json").status_code == 409
    assert huli.get(f"/api/exchange/inbox/{huli_id}/files/0/").status_code == 409


def test_the_sent_list_is_filtered_by_document(siming_clerk, clerks, sealed, eager):
    send(siming_clerk, eager, sealed, recipients=[HULI])
    (row,) = siming_clerk.get(f"/api/exchange/envelopes/?document={sealed.pk}").json()["results"]
    assert row["source_document_id"] == sealed.pk and row["counts"]["delivered"] == 1
    assert siming_clerk.get("/api/exchange/envelopes/?document=999999").json()["results"] == []


def test_a_document_the_clerk_may_not_see_cannot_be_sent(client_in, clerks, sealed, eager, people):
    from django_tenants.utils import schema_context

    from oa.directory.models import Role, Staff

    with schema_context(SIMING):
        # A dispatcher who is no party to the document and holds no office-wide permission.
        Staff.objects.get(user__username="auditor").roles.add(
            Role.objects.create(code="sender", name="分发", permissions=["documents.dispatch"])
        )
    auditor = HostClient(SIMING).login_as("auditor")
    response = auditor.post(
        "/api/exchange/envelopes/", {"document": sealed.pk, "recipients": [HULI]}, format="json"
    )
    assert response.status_code == 404


def test_directory_and_groups_for_addressing(siming_clerk, clerks):
    entries = siming_clerk.get("/api/exchange/directory/").json()
    codes = {e["code"] for e in entries}
    assert {SIMING, HULI, JIMEI} <= codes and "public" not in codes
    groups = {g["code"]: g for g in siming_clerk.get("/api/exchange/directory/groups/").json()}
    assert {HULI, JIMEI, SIMING} <= set(groups["district_offices"]["effective"])
    assert groups["district_offices"]["name"] == "全市区政府办公室"


# --- a unit's other systems, with an API token ---------------------------------------------------


@pytest.fixture
def siming_token(siming_clerk):
    return siming_clerk.post("/api/auth/tokens/", {"name": "档案系统"}, format="json").json()["token"]


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("package.zip", data, content_type="application/zip")


def token_client(code, token) -> HostClient:
    client = HostClient(code)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_another_system_submits_a_package_and_the_recipient_system_fetches_it(
    siming_token, client_in, clerks, media, eager
):
    system = token_client(SIMING, siming_token)
    with eager(execute=True):
        response = system.post(
            "/api/exchange/packages/",
            {"package": upload(submission("关于报送年度统计数据的通知")), "recipients": [HULI]},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    assert response.json()["envelope"]["origin"] == "api"

    huli_token = (
        client_in(HULI, "hl_clerk")
        .post("/api/auth/tokens/", {"name": "OA接口"}, format="json")
        .json()["token"]
    )
    huli_system = token_client(HULI, huli_token)
    (item,) = huli_system.get("/api/exchange/inbox/?since=2020-01-01T00:00:00Z").json()["results"]
    assert item["title"] == "关于报送年度统计数据的通知"
    package = huli_system.get(f"/api/exchange/inbox/{item['id']}/package/")
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    from exchange.package import verify_package

    assert verify_package(package.content).metadata.title == "关于报送年度统计数据的通知"
    assert huli_system.post(f"/api/exchange/inbox/{item['id']}/sign/", format="json").status_code == 201


def test_a_malformed_submission_is_refused_and_recorded(siming_token, clerks, media):
    system = token_client(SIMING, siming_token)
    response = system.post(
        "/api/exchange/packages/",
        {"package": upload(b"PK\x03\x04" + b"junk" * 100), "recipients": [HULI]},
        format="multipart",
    )
    assert response.status_code == 422 and response.json()["code"] == "package_malformed"
    assert PackageRefusal.objects.get().stage == "submit"
    assert not Envelope.objects.exists()


def test_another_units_token_fetches_nothing(siming_token, clerks):
    stranger = token_client(HULI, siming_token)
    assert stranger.get("/api/exchange/inbox/").status_code == 401


def test_the_sendable_list_holds_sealed_documents_at_dispatch(siming_clerk, clerks, sealed, eager, people):
    from django_tenants.utils import schema_context

    from oa.documents.actions import do_create_outgoing
    from tests.exchange.conftest import NOTICE

    with schema_context(SIMING):
        draft = do_create_outgoing(acting_user=people["clerk"], fields={**NOTICE, "title": "尚未签发的通知"})
    (row,) = siming_clerk.get("/api/exchange/sendable/").json()["results"]
    assert (row["id"], row["doc_number"], row["sent_to"]) == (sealed.pk, sealed.doc_number, 0)
    assert draft.pk != row["id"]
    send(siming_clerk, eager, sealed, groups=["district_offices"])
    (row,) = siming_clerk.get("/api/exchange/sendable/").json()["results"]
    assert row["sent_to"] == 2


def test_tracking_lists_every_addressee_before_the_fan_out_reaches_them(siming_clerk, clerks, sealed):
    """The sender's page has a row per addressee from the moment of sending: those without a
    delivery yet are `pending` (待分发), counted as queued; once fanned out, none is pending."""
    from exchange import fanout

    response = siming_clerk.post(
        "/api/exchange/envelopes/", {"document": sealed.pk, "groups": ["district_offices"]}, format="json"
    )  # on_commit never runs here: the fan-out has not happened
    assert response.status_code == 201, response.content
    envelope_id = response.json()["envelope"]["id"]
    tracking = siming_clerk.get(f"/api/exchange/envelopes/{envelope_id}/").json()
    assert tracking["deliveries"] == []
    assert [p["code"] for p in tracking["pending"]] == sorted([HULI, JIMEI])
    assert tracking["counts"]["queued"] == 2 and tracking["counts"]["total"] == 2

    fanout.fan_out(envelope_id, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    tracking = siming_clerk.get(f"/api/exchange/envelopes/{envelope_id}/").json()
    assert tracking["pending"] == []
    assert {d["recipient"]["code"]: d["state"] for d in tracking["deliveries"]} == {
        HULI: "delivered",
        JIMEI: "delivered",
    }


def test_a_refused_envelope_has_no_pending_addressees(siming_clerk, clerks, sealed):
    response = siming_clerk.post(
        "/api/exchange/envelopes/", {"document": sealed.pk, "recipients": [HULI]}, format="json"
    )
    envelope_id = response.json()["envelope"]["id"]
    Envelope.objects.filter(pk=envelope_id).update(state=Envelope.State.REFUSED)
    assert siming_clerk.get(f"/api/exchange/envelopes/{envelope_id}/").json()["pending"] == []
