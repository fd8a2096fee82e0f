"""会议通知 through the hub: an approved 会议申请 (the template library's meeting flow, module
`meetings`) becomes a notice the unit sends to other units, like a 发文.

An application may be announced once it is approved: it has reached 会务安排 (Task_Arrange) or
has ended there (EndEvent_Done, 已安排). The sender adds what the application does not say
(参会要求, 联系人, 联系电话, 回执截止, and the address when the room alone would not do); the
notice's text is written from those fields and printed in the unit's GB/T 9704 layout. The
package carries the meeting in metadata.xml's 会议 element (exchange/package.py), so the
receiving unit keeps the meeting details with the incoming document.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from exchange.package import MeetingInfo
from oa.core.errors import ActionError, ErrorCode

MODULE = "meetings"
FORM_KEY = "meeting"  # the 会议申请表 the flow's start event names
ARRANGE_STEP = "Task_Arrange"  # 会务安排: reached only once every approval said yes
NOTICE_FIELDS = ("requirements", "contact", "phone", "reply_by", "location")
# A fixed namespace: the identifier of a unit's notice for an application never changes.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "govoa:exchange:meeting_notice")
_PHONE = re.compile(r"[0-9０-９+()（）\- 转]{5,40}")
_WEEKDAYS = "一二三四五六日"
_NUMERALS = "一二三四五六七八九十"
# How an applicant may have numbered an agenda item: 一、 （一） 1. 1、 (1) ①.
_ITEM_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．)](?!\d)|[①-⑳])\s*"
)


def notice_identifier(unit_code: str, instance_pk: int) -> str:
    """The notice's 公文标识: the same for every send of one unit's application, so a unit that
    already holds a live copy is skipped, as for a 发文."""
    return uuid.uuid5(_NAMESPACE, f"{unit_code}:{instance_pk}").hex


def is_meeting_application(instance) -> bool:
    return instance.module == MODULE and instance.definition.form_key == FORM_KEY


def approved_applications() -> QuerySet:
    """This unit's approved 会议申请 (at 会务安排, or ended after it: the rule of
    `approval_refusal`), the most recent application first."""
    from oa.workflow.models import HumanTask, ProcessInstance

    arrange = HumanTask.objects.filter(instance_id=OuterRef("pk"), element_id=ARRANGE_STEP)
    State = ProcessInstance.State
    return (
        ProcessInstance.objects.filter(module=MODULE, definition__form_key=FORM_KEY)
        .filter(
            Q(Exists(arrange.filter(state=HumanTask.State.OPEN)), state=State.RUNNING)
            | Q(Exists(arrange.filter(state=HumanTask.State.COMPLETED)), state=State.COMPLETED)
        )
        .select_related("starter__account", "definition")
        .order_by("-started_at", "-id")
    )


def approval_refusal(instance) -> str | None:
    """Why a notice cannot be sent for this application yet (None: it is approved)."""
    from oa.workflow.models import HumanTask, ProcessInstance

    tasks = HumanTask.objects.filter(instance_id=instance.pk)
    if instance.state == ProcessInstance.State.CANCELLED:
        return "会议申请已终止，不能发送会议通知。"
    if instance.state == ProcessInstance.State.RUNNING:
        if tasks.filter(element_id=ARRANGE_STEP, state=HumanTask.State.OPEN).exists():
            return None
        steps = "、".join(
            sorted(set(tasks.filter(state=HumanTask.State.OPEN).values_list("name", flat=True)))
        )
        where = f"（当前：{steps}）" if steps else ""
        return f"会议申请尚在审批中{where}，批准后才能发送会议通知。"
    if tasks.filter(element_id=ARRANGE_STEP, state=HumanTask.State.COMPLETED).exists():
        return None
    return "会议申请未获批准，不能发送会议通知。"


# --- the fields ----------------------------------------------------------------------------------


def _aware(value, *, field: str, label: str) -> datetime:
    """An ISO 8601 time; one without an offset is this deployment's local time (the form's
    date-time picker sends none)."""
    if not isinstance(value, str) or not value.strip():
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ActionError(
            ErrorCode.INVALID, f"{label}应为日期时间（如 2026-12-03T09:00）。", field=field
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment)


def _text(value, *, field: str, label: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ActionError(ErrorCode.INVALID, f"{label}应为文本。", field=field)
    text = value.strip()
    if required and not text:
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if len(text) > limit:
        raise ActionError(ErrorCode.INVALID, f"{label}不能超过{limit}个字。", field=field)
    return text


def has_begun(instance, *, now: datetime) -> bool:
    """The application's meeting has started (an unreadable time is left to the send to name)."""
    try:
        return _aware((instance.data or {}).get("start_at"), field="start_at", label="") <= now
    except ActionError:
        return False


def meeting_info(instance, notice: dict, *, now: datetime) -> MeetingInfo:
    """The meeting as the notice announces it: the application's data plus the sender's
    fields, each checked (errors name the field)."""
    if not isinstance(notice, dict):
        raise ActionError(ErrorCode.INVALID, "通知内容须为键值对象。", field="notice")
    unknown = sorted(set(notice) - set(NOTICE_FIELDS))
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"会议通知没有“{unknown[0]}”这一项。", field=unknown[0])
    data = instance.data or {}
    name = _text(data.get("title"), field="title", label="会议名称", limit=100, required=True)
    start = _aware(data.get("start_at"), field="start_at", label="会议开始时间")
    end = _aware(data.get("end_at"), field="end_at", label="会议结束时间")
    if end <= start:
        raise ActionError(ErrorCode.INVALID, "会议申请的结束时间早于开始时间。", field="end_at")
    if start <= now:
        raise ActionError(ErrorCode.STATE, "会议已经开始或结束，不能再发送会议通知。", status=409)
    requirements = _text(
        notice.get("requirements"), field="requirements", label="参会要求", limit=500, required=True
    )
    contact = _text(notice.get("contact"), field="contact", label="联系人", limit=60)
    phone = _text(notice.get("phone"), field="phone", label="联系电话", limit=40)
    if phone and not _PHONE.fullmatch(phone):
        raise ActionError(
            ErrorCode.INVALID, "联系电话只能包含数字、空格、括号、加号、连字符或“转”。", field="phone"
        )
    location = _text(notice.get("location"), field="location", label="会议地点", limit=100)
    if not location:
        location = _text(data.get("room"), field="location", label="会议地点", limit=100)
    if not location:
        raise ActionError(ErrorCode.REQUIRED, "会议申请没有填写会议室，请填写会议地点。", field="location")
    reply_by = ""
    if notice.get("reply_by") not in (None, ""):
        deadline = _aware(notice["reply_by"], field="reply_by", label="回执截止时间")
        if deadline >= start:
            raise ActionError(ErrorCode.INVALID, "回执截止时间应早于会议开始时间。", field="reply_by")
        if deadline <= now:
            raise ActionError(ErrorCode.INVALID, "回执截止时间已经过去。", field="reply_by")
        reply_by = deadline.isoformat()
    return MeetingInfo(
        name=name,
        meeting_type=_text(data.get("meeting_type"), field="meeting_type", label="会议类型", limit=20),
        start_at=start.isoformat(),
        end_at=end.isoformat(),
        location=location,
        leaders=_text(data.get("leaders"), field="leaders", label="出席领导", limit=200),
        agenda=_text(data.get("agenda"), field="agenda", label="会议议程", limit=2000),
        requirements=requirements,
        contact=contact,
        phone=phone,
        reply_by=reply_by,
    )


def notice_title(info: MeetingInfo) -> str:
    return f"关于召开{info.name}的通知"


# --- the notice's text ---------------------------------------------------------------------------


def _day(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日（星期{_WEEKDAYS[moment.weekday()]}）"


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def when(info: MeetingInfo) -> str:
    """The meeting's time as a notice writes it: 2026年12月3日（星期四）9:00—11:30."""
    start = timezone.localtime(datetime.fromisoformat(info.start_at))
    end = timezone.localtime(datetime.fromisoformat(info.end_at))
    if start.date() == end.date():
        return f"{_day(start)}{_clock(start)}—{_clock(end)}"
    return f"{_day(start)}{_clock(start)}至{_day(end)}{_clock(end)}"


def _numeral(index: int) -> str:
    """一 .. 十, 十一 .. 九十九 (an agenda longer than that is not a meeting's)."""
    n = index + 1
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (_NUMERALS[ones - 1] if ones else "")


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if not text or text[-1] in "。！？；.!?;" else text + "。"


def body_paragraphs(info: MeetingInfo) -> list[str]:
    """定于……召开……。现将有关事项通知如下：一、会议时间 二、会议地点 三、参会人员 四、会议议程
    五、其他事项: the sections with something to say, numbered in order."""
    start = timezone.localtime(datetime.fromisoformat(info.start_at))
    opening = f"定于{_day(start)}{_clock(start)}在{info.location}召开{info.name}。现将有关事项通知如下："
    sections: list[tuple[str, list[str]]] = [
        ("会议时间", [when(info)]),
        ("会议地点", [info.location]),
    ]
    attendees = [_sentence(info.requirements)]
    if info.leaders:
        attendees.append(_sentence(f"出席领导：{info.leaders}"))
    sections.append(("参会人员", attendees))
    agenda = [_ITEM_NUMBER.sub("", line.strip()) for line in info.agenda.splitlines() if line.strip()]
    agenda = [item for item in agenda if item]
    if len(agenda) > 1:
        # Items are the second level under their section (GB/T 9704 §7.3.3: 一、 then （一）),
        # however the applicant numbered them.
        agenda = [f"（{_numeral(i)}）{item}" for i, item in enumerate(agenda)]
    if agenda:
        sections.append(("会议议程", agenda))
    other = []
    if info.reply_by:
        deadline = timezone.localtime(datetime.fromisoformat(info.reply_by))
        other.append(f"请于{_day(deadline)}{_clock(deadline)}前将参会人员名单（回执）报送我单位。")
    contact = [
        f"联系人：{info.contact}" if info.contact else "",
        f"联系电话：{info.phone}" if info.phone else "",
    ]
    if any(contact):
        other.append("，".join(c for c in contact if c) + "。")
    if other:
        sections.append(("其他事项", other))
    paragraphs = [opening]
    for i, (heading, lines) in enumerate(sections):
        paragraphs.append(f"{_numeral(i)}、{heading}")
        paragraphs.extend(lines)
    return paragraphs


def body_html(info: MeetingInfo) -> str:
    return "".join(f"<p>{html.escape(text)}</p>" for text in body_paragraphs(info))


def render_notice(info: MeetingInfo, *, agency_name: str, addressees: str, issued) -> bytes:
    """The notice as a GB/T 9704 PDF in this unit's red-header layout (no 发文字号: a notice
    of a meeting is not numbered as a 发文; no seal: no 用印 step stood behind it, the
    package's signature is the unit's)."""
    from oa.documents import pdf
    from oa.documents.rendering import DocumentContent, render_pdf

    content = DocumentContent(
        title=notice_title(info),
        agency_name=agency_name,
        body_html=body_html(info),
        addressees=addressees,
        signature_agency=agency_name,
        issued_date=issued,
        printing_date=issued,
    )
    return render_pdf(content, pdf.layout())
