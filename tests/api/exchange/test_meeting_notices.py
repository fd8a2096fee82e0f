"""会议通知 through the API: the 会议通知 tab's list of approved 会议申请, the send with the
notice's fields, the recipient's inbox preview with the meeting, and the incoming document
keeping it; another unit's user and a colleague without 核发 are refused."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from exchange.models import Envelope
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import NOTICE_FIELDS, apply_meeting


def post_notice(client, eager, instance, **body):
    with eager(execute=True):
        return client.post(
            "/api/exchange/meeting-notices/",
            {"instance": instance.pk, **NOTICE_FIELDS, **body},
            format="json",
        )


def test_a_meeting_notice_from_the_list_to_the_recipients_document(
    siming_clerk, client_in, clerks, people, media, eager
):
    meeting = apply_meeting(people)
    pending = apply_meeting(people, until="Task_Office", title="全区信访工作座谈会")
    (row,) = siming_clerk.get("/api/exchange/sendable/meetings/").json()["results"]
    assert row["id"] == meeting.pk and pending.pk != row["id"]
    assert (row["title"], row["room"], row["applicant"], row["state"], row["sent_to"], row["begun"]) == (
        "全市安全生产工作部署会", "区政府三楼第一会议室", "李科员", "arranging", 0, False,
    )  # fmt: skip
    assert row["start_at"].endswith("T09:00:00") and row["attendee_count"] == 30

    day = timezone.localdate() + timedelta(days=8)
    response = post_notice(siming_clerk, eager, meeting, groups=["district_offices"], reply_by=f"{day}T17:00")
    assert response.status_code == 201, response.content
    envelope = response.json()["envelope"]
    assert envelope["kind"] == "meeting_notice" and envelope["recipients"] == [HULI, JIMEI]
    assert envelope["title"] == "关于召开全市安全生产工作部署会的通知"
    (row,) = siming_clerk.get("/api/exchange/sendable/meetings/").json()["results"]
    assert row["sent_to"] == 2
    tracking = siming_clerk.get(f"/api/exchange/envelopes/{envelope['id']}/").json()
    assert tracking["kind"] == "meeting_notice" and len(tracking["deliveries"]) == 2

    huli = client_in(HULI, "hl_clerk")
    (item,) = huli.get("/api/exchange/inbox/").json()["results"]
    assert (item["kind"], item["title"], item["doc_type"]) == (
        "meeting_notice", "关于召开全市安全生产工作部署会的通知", "通知",
    )  # fmt: skip
    detail = huli.get(f"/api/exchange/inbox/{item['id']}/").json()
    shown = detail["meeting"]
    assert (shown["name"], shown["location"], shown["requirements"]) == (
        "全市安全生产工作部署会", "区政府三楼第一会议室", NOTICE_FIELDS["requirements"],
    )  # fmt: skip
    assert shown["start_at"].startswith(f"{timezone.localdate() + timedelta(days=10)}T09:00:00")
    assert shown["reply_by"].startswith(f"{day}T17:00")
    assert [f["name"] for f in detail["files"]] == ["关于召开全市安全生产工作部署会的通知.pdf"]

    signed = huli.post(f"/api/exchange/inbox/{item['id']}/sign/", format="json")
    assert signed.status_code == 201, signed.content
    page = huli.get(f"/api/documents/{signed.json()['document']}/").json()
    assert page["direction"] == "incoming" and page["meeting"]["name"] == "全市安全生产工作部署会"
    assert page["meeting"]["contact"] == "张科员"
    # A 发文 received the usual way has none.
    from tests.exchange.conftest import submit

    with eager(execute=True):
        submit(people["clerk"], recipients=[HULI])
    (plain,) = [i for i in huli.get("/api/exchange/inbox/").json()["results"] if i["kind"] == "document"]
    assert huli.get(f"/api/exchange/inbox/{plain['id']}/").json()["meeting"] is None

    (jimei_item,) = client_in(JIMEI, "jm_clerk").get("/api/exchange/inbox/").json()["results"]
    assert jimei_item["kind"] == "meeting_notice"


def test_refusals_name_the_field_and_send_nothing(siming_clerk, clerks, people, media, eager):
    meeting = apply_meeting(people)
    missing = post_notice(siming_clerk, eager, meeting, recipients=[HULI], requirements="")
    assert missing.status_code == 400 and missing.json()["field"] == "requirements"
    late = post_notice(
        siming_clerk,
        eager,
        meeting,
        recipients=[HULI],
        reply_by=f"{timezone.localdate() + timedelta(days=11)}T09:00",
    )
    assert late.status_code == 400 and late.json()["field"] == "reply_by"
    nobody = post_notice(siming_clerk, eager, meeting)
    assert nobody.status_code == 400 and nobody.json()["field"] == "recipients"
    unknown = siming_clerk.post(
        "/api/exchange/meeting-notices/",
        {"instance": 999999, **NOTICE_FIELDS, "recipients": [HULI]},
        format="json",
    )
    assert unknown.status_code == 404
    pending = apply_meeting(people, until="Task_DeptHead")
    refused = post_notice(siming_clerk, eager, pending, recipients=[HULI])
    assert refused.status_code == 409 and "尚在审批中" in refused.json()["detail"]
    assert not Envelope.objects.exists()


def test_a_colleague_without_dispatch_and_another_units_clerk_are_refused(
    client_in, clerks, people, media, eager
):
    meeting = apply_meeting(people)
    auditor = client_in(SIMING, "auditor")
    assert auditor.get("/api/exchange/sendable/meetings/").status_code == 403
    assert post_notice(auditor, eager, meeting, recipients=[HULI]).status_code == 403
    # huli's clerk, on its own host: siming's application is not there to be found or sent.
    huli = client_in(HULI, "hl_clerk")
    assert huli.get("/api/exchange/sendable/meetings/").json()["results"] == []
    response = post_notice(huli, eager, meeting, recipients=[JIMEI])
    assert response.status_code == 404 and response.json()["field"] == "instance"
    # On siming's host, huli's clerk is nobody.
    huli.defaults["HTTP_HOST"] = f"{SIMING}.localhost"
    assert huli.get("/api/exchange/sendable/meetings/").status_code == 401
    assert post_notice(huli, eager, meeting, recipients=[JIMEI]).status_code == 401
    assert not Envelope.objects.exists()
