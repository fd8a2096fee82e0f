"""会议通知 through the hub: an approved 会议申请 announced to other units, packaged with its
meeting, signed for as an incoming document that keeps the meeting details."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import actions, meetings, storage
from exchange.models import Envelope
from exchange.package import verify_package
from oa.core.audit import AuditEvent
from oa.core.errors import ActionError, ErrorCode
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import NOTICE_FIELDS, apply_meeting
from tests.exchange.test_actions import delivery_to, fan_out_now


def send(people, instance, *, user="clerk", recipients=(), groups=(), **notice):
    with schema_context(SIMING):
        result = actions.do_send_meeting_notice(
            instance,
            acting_user=people[user],
            recipients=list(recipients),
            groups=list(groups),
            notice={**NOTICE_FIELDS, **notice},
        )
    connection.set_schema_to_public()
    return result


def refusal(people, instance, **kwargs) -> ActionError:
    with pytest.raises(ActionError) as caught:
        send(people, instance, **kwargs)
    connection.set_schema_to_public()
    return caught.value


def test_an_approved_application_is_sent_as_a_signed_meeting_notice(people, clerks, meeting):
    from oa.documents.rendering import extract_text

    result = send(people, meeting, groups=["district_offices"], reply_by=_before_meeting(days=2))
    envelope = result.envelope
    assert envelope.kind == Envelope.Kind.MEETING_NOTICE and envelope.recipients == [HULI, JIMEI]
    assert envelope.title == "关于召开全市安全生产工作部署会的通知" and envelope.doc_type == "通知"
    assert envelope.identifier == meetings.notice_identifier(SIMING, meeting.pk)
    assert envelope.source_document_id is None and result.skipped == []
    package = verify_package(storage.read_package(envelope.package_sha256), expected_sender=SIMING)
    meta = package.metadata
    assert meta.kind == "meeting_notice" and meta.agency_name == "思明区政府办公室"
    assert meta.main_recipients == "全市区政府办公室"
    info = meta.meeting
    day = timezone.localdate() + timedelta(days=10)
    assert (info.name, info.meeting_type, info.location, info.leaders) == (
        "全市安全生产工作部署会", "工作部署会", "区政府三楼第一会议室", "林建国",
    )  # fmt: skip
    assert datetime.fromisoformat(info.start_at) == timezone.make_aware(
        datetime(day.year, day.month, day.day, 9)
    )
    assert (info.requirements, info.contact, info.phone) == (
        "请各区政府办公室派一名分管领导参加", "张科员", "0592-1234567",
    )  # fmt: skip
    assert info.reply_by and datetime.fromisoformat(info.reply_by) < datetime.fromisoformat(info.start_at)
    # The printed notice: the 标题, the opening sentence, the numbered sections.
    text = re.sub(r"\s", "", "".join(extract_text(package.file_bytes(meta.rendered))))
    for words in (
        "关于召开全市安全生产工作部署会的通知",
        f"定于{day.year}年{day.month}月{day.day}日",
        "在区政府三楼第一会议室召开全市安全生产工作部署会",
        "一、会议时间", "二、会议地点", "三、参会人员", "四、会议议程", "五、其他事项",
        "请各区政府办公室派一名分管领导参加", "联系人：张科员", "0592-1234567",
    ):  # fmt: skip
        assert words in text, words
    with schema_context(SIMING):
        event = AuditEvent.objects.get(action="exchange.meeting_notice_sent")
        assert event.target_id == str(meeting.pk) and event.detail["recipients"] == [HULI, JIMEI]


def _before_meeting(*, days: int) -> str:
    day = timezone.localdate() + timedelta(days=10 - days)
    return f"{day.isoformat()}T17:00"


def test_signing_for_it_creates_the_incoming_document_with_the_meeting(people, clerks, meeting):
    from oa.documents.models import DocumentFile

    envelope = send(people, meeting, recipients=[HULI], location="思明区政府（湖滨北路1号）三楼").envelope
    fan_out_now(envelope)
    with schema_context(HULI):
        _delivery, document = actions.do_sign_for_delivery(
            delivery_to(envelope, HULI).pk, acting_user=clerks["hl_clerk"]
        )
        assert document.direction == "incoming" and document.doc_type == "通知"
        assert document.title == "关于召开全市安全生产工作部署会的通知"
        assert document.source_agency == "思明区政府办公室" and document.doc_number == ""
        assert document.identifier == envelope.identifier
        assert document.body_file.role == DocumentFile.Role.RENDERED
        stored = document.extra["meeting"]
        assert stored["name"] == "全市安全生产工作部署会"
        assert stored["location"] == "思明区政府（湖滨北路1号）三楼"
        assert stored["requirements"] == NOTICE_FIELDS["requirements"]
        assert document.extra["exchange"]["envelope"] == envelope.pk
        assert document.step == "登记"  # the 收文 flow has started, 签收 done


def test_it_can_be_sent_once_arranging_is_done(people, clerks, media):
    instance = apply_meeting(people, until=None)
    assert instance.state == "completed"
    assert send(people, instance, recipients=[JIMEI]).envelope.recipients == [JIMEI]


def test_sending_again_skips_the_units_that_hold_a_live_copy(people, clerks, meeting):
    first = send(people, meeting, recipients=[HULI]).envelope
    fan_out_now(first)
    second = send(people, meeting, groups=["district_offices"])
    assert second.skipped == [HULI] and second.envelope.recipients == [JIMEI]
    assert second.envelope.identifier == first.identifier
    error = refusal(people, meeting, recipients=[HULI, JIMEI])
    assert error.code == ErrorCode.DUPLICATE and error.field == "recipients"
    # After a return the unit may be sent it again.
    with schema_context(HULI):
        actions.do_return_delivery(
            delivery_to(first, HULI).pk, acting_user=clerks["hl_clerk"], reason="非本单位事项"
        )
    assert send(people, meeting, recipients=[HULI]).envelope.recipients == [HULI]


def test_sending_needs_the_dispatch_permission(people, clerks, meeting):
    error = refusal(people, meeting, user="auditor", recipients=[HULI])
    assert error.status == 403 and error.code == ErrorCode.PERMISSION_DENIED
    assert not Envelope.objects.exists()


def test_a_pending_application_is_refused(people, clerks, media):
    instance = apply_meeting(people, until="Task_Office")
    error = refusal(people, instance, recipients=[HULI])
    assert error.code == ErrorCode.STATE and "尚在审批中" in error.detail and "办公室审核" in error.detail


def test_a_large_meeting_waits_for_the_deputy(people, clerks, media):
    instance = apply_meeting(people, until="Task_Leader", attendee_count=80)
    assert "分管领导审批" in refusal(people, instance, recipients=[HULI]).detail


def test_a_rejected_or_terminated_application_is_refused(people, clerks, media):
    from oa.workflow import actions as workflow_actions

    rejected = apply_meeting(people, until=None, decide={"Task_Office": "reject"})
    assert rejected.state == "completed"
    assert refusal(people, rejected, recipients=[HULI]).detail == "会议申请未获批准，不能发送会议通知。"
    pending = apply_meeting(people, until="Task_Office")
    with schema_context(SIMING):
        workflow_actions.do_cancel_process(pending, acting_user=people["clerk2"], reason="会议取消")
    connection.set_schema_to_public()
    assert refusal(people, pending, recipients=[HULI]).detail == "会议申请已终止，不能发送会议通知。"
    assert not Envelope.objects.exists()


def test_a_flow_of_another_module_is_refused(people, clerks, media):
    from oa.templates import flows

    with schema_context(SIMING):
        leave = flows.do_start_flow(
            acting_user=people["clerk2"], key="leave", title="年休假",
            data={"leave_type": "年休假", "start_date": "2026-12-01", "end_date": "2026-12-02", "days": 2,
                  "reason": "探亲", "contact_phone": "13800000000"},
        )  # fmt: skip
    connection.set_schema_to_public()
    error = refusal(people, leave, recipients=[HULI])
    assert error.code == ErrorCode.STATE and error.detail == "只有会议申请可以发送会议通知。"


@pytest.mark.parametrize(
    "notice, field",
    [
        ({"requirements": "  "}, "requirements"),
        ({"requirements": "要" * 501}, "requirements"),
        ({"contact": "人" * 61}, "contact"),
        ({"phone": "请打电话"}, "phone"),
        ({"reply_by": "下周一"}, "reply_by"),
        ({"location": "地" * 101}, "location"),
        ({"agenda": "不是通知的字段"}, "agenda"),
    ],
)
def test_bad_notice_fields_are_refused_naming_the_field(people, clerks, meeting, notice, field):
    error = refusal(people, meeting, recipients=[HULI], **notice)
    assert error.field == field and error.status == 400
    assert not Envelope.objects.exists()


def test_the_reply_deadline_must_come_before_the_meeting_and_after_now(people, clerks, meeting):
    day = timezone.localdate() + timedelta(days=10)
    for reply_by in (f"{day.isoformat()}T09:00", f"{day.isoformat()}T10:00", "2020-01-01T12:00"):
        error = refusal(people, meeting, recipients=[HULI], reply_by=reply_by)
        assert error.field == "reply_by", reply_by
    assert "早于会议开始时间" in refusal(people, meeting, recipients=[HULI], reply_by=f"{day}T10:00").detail


def test_without_a_room_the_sender_names_the_place(people, clerks, media):
    instance = apply_meeting(people, room="")
    error = refusal(people, instance, recipients=[HULI])
    assert error.code == ErrorCode.REQUIRED and error.field == "location"
    envelope = send(people, instance, recipients=[HULI], location="市民中心A区二楼报告厅").envelope
    package = verify_package(storage.read_package(envelope.package_sha256))
    assert package.metadata.meeting.location == "市民中心A区二楼报告厅"


def test_a_meeting_already_begun_is_not_announced(people, clerks, media):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    instance = apply_meeting(people, start_at=f"{yesterday}T09:00:00", end_at=f"{yesterday}T11:00:00")
    assert refusal(people, instance, recipients=[HULI]).code == ErrorCode.STATE


def test_recipients_are_checked_like_any_send(people, clerks, meeting):
    for recipients, groups in (([SIMING], []), (["nowhere"], []), ([], ["no_such_group"]), ([], [])):
        error = refusal(people, meeting, recipients=recipients, groups=groups)
        assert error.field in ("recipients", "groups")
    assert not Envelope.objects.exists()


def test_the_notice_text_is_written_from_the_fields():
    info = meetings.MeetingInfo(
        name="全市安全生产工作部署会",
        start_at="2026-12-03T09:00:00+08:00",
        end_at="2026-12-03T11:30:00+08:00",
        location="区政府三楼第一会议室",
        requirements="请各区政府办公室派一名分管领导参加",
        leaders="林建国",
        agenda="一、通报形势\n2. 部署工作",
        contact="张科员",
        phone="0592-1234567",
        reply_by="2026-12-01T17:00:00+08:00",
    )
    assert meetings.body_paragraphs(info) == [
        "定于2026年12月3日（星期四）9:00在区政府三楼第一会议室召开全市安全生产工作部署会。现将有关事项通知如下：",
        "一、会议时间", "2026年12月3日（星期四）9:00—11:30",
        "二、会议地点", "区政府三楼第一会议室",
        "三、参会人员", "请各区政府办公室派一名分管领导参加。", "出席领导：林建国。",
        "四、会议议程", "（一）通报形势", "（二）部署工作",
        "五、其他事项", "请于2026年12月1日（星期二）17:00前将参会人员名单（回执）报送我单位。",
        "联系人：张科员，联系电话：0592-1234567。",
    ]  # fmt: skip
    # Without an agenda or contact details the sections close up.
    bare = meetings.MeetingInfo(
        **{**info.as_dict(), "agenda": "", "contact": "", "phone": "", "reply_by": "", "leaders": ""}
    )
    assert [p for p in meetings.body_paragraphs(bare) if p[1:2] == "、"] == [
        "一、会议时间",
        "二、会议地点",
        "三、参会人员",
    ]
    # A single agenda item is a plain line, its own numbering dropped.
    single = meetings.MeetingInfo(**{**info.as_dict(), "agenda": "1、通报形势"})
    paragraphs = meetings.body_paragraphs(single)
    assert paragraphs[paragraphs.index("四、会议议程") + 1] == "通报形势"
