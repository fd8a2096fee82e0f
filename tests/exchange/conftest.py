from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import SIMING
from tests.exchange.cast import make_clerks, provision_jmqu
from tests.oa.documents.conftest import cast, complete, people  # noqa: F401 (fixtures)

NOTICE = {
    "title": "关于做好2026年冬季安全生产工作的通知",
    "doc_type": "通知",
    "main_recipients": "各区人民政府办公室",
    "copy_to": "市应急管理局",
    "body_html": "<p>为切实做好今冬安全生产工作，现将有关事项通知如下。</p>",
}


@pytest.fixture
def clerks(db):
    # The third unit is provisioned inside the test's transaction: other tests count the units.
    provision_jmqu()
    return make_clerks()


@pytest.fixture
def media(tmp_path, settings):
    """Each test's own media folder: unit file stores and the hub's package store."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def seal_notice(cast_people, *, attachments=None, **changes):
    """An outgoing 通知 in siming taken through the 发文 flow to 核发 (sealed, numbered)."""
    from oa.documents import actions

    with schema_context(SIMING):
        document = actions.do_create_outgoing(acting_user=cast_people["clerk"], fields={**NOTICE, **changes})
        if attachments:
            actions.do_add_files(document, acting_user=cast_people["clerk"], files=attachments)
        for step in (
            "Task_Draft",
            "Task_Review",
            "Task_SignOff",
            "Task_Recheck",
            "Task_Register",
            "Task_Seal",
        ):
            complete(document, step, cast_people)
    connection.set_schema_to_public()
    return document


@pytest.fixture
def sealed(people, media):  # noqa: F811 (the fixture imported above)
    from tests.oa.documents import samples

    return seal_notice(
        people,
        attachments=[
            ("检查表.docx", samples.docx(["冬季安全检查表"])),
            ("名单.pdf", samples.pdf(["联络人名单"])),
        ],
    )


def submission(title: str = "关于报送2026年度工作总结的通知", identifier: str | None = None) -> bytes:
    """An unsigned package as a unit's own system would submit it (metadata.xml and files)."""
    import io
    import uuid
    import zipfile

    from exchange.package import RENDERED, Metadata, metadata_xml, plan_files
    from tests.oa.documents import samples

    meta = Metadata(
        identifier=identifier or uuid.uuid4().hex,
        title=title,
        doc_type="通知",
        doc_number="思政办〔2026〕9号",
        agency_name="思明区政府办公室",
        main_recipients="各区人民政府办公室",
        files=plan_files("思政办〔2026〕9号.pdf", ["报表.xlsx"]),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.xml", metadata_xml(meta))
        archive.writestr(RENDERED, samples.pdf([title]))
        archive.writestr("attachments/01.xlsx", samples.xlsx([["单位", "人数"], ["湖里区", 12]]))
    return out.getvalue()


def submit(user, *, recipients=(), groups=(), data: bytes | None = None):
    """Send through the external-system path (no rendering: quick), as `user` of siming."""
    from exchange import actions

    with schema_context(SIMING):
        result = actions.do_submit_package(
            data or submission(), acting_user=user, recipients=list(recipients), groups=list(groups)
        )
    connection.set_schema_to_public()
    return result.envelope


# --- 会议申请 (the template library's meeting flow, module meetings) in siming ---------------------


def meeting_data(**changes) -> dict:
    """A 会议申请's start form: the meeting ten days from now, 9:00 to 11:30 local time."""
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=10)
    values = {
        "title": "全市安全生产工作部署会",
        "meeting_type": "工作部署会",
        "start_at": f"{day.isoformat()}T09:00:00",
        "end_at": f"{day.isoformat()}T11:30:00",
        "room": "区政府三楼第一会议室",
        "attendee_count": 30,
        "leaders": "林建国",
        "external_units": "湖里区、集美区政府办公室",
        "agenda": "一、通报全区安全生产形势\n二、部署冬季安全生产工作",
    }
    return {**values, **changes}


def apply_meeting(cast_people, *, until: str | None = "Task_Arrange", decide=None, **changes):
    """李科员 (clerk2, also 会务管理员) applies for a meeting in siming; the steps are approved
    (or decided as `decide` says) until `until` is open (None: until the flow ends)."""
    from oa.directory.models import Role, Staff
    from oa.templates import flows
    from oa.workflow import actions as workflow_actions
    from oa.workflow import queries as workflow_queries
    from oa.workflow.models import HumanTask, ProcessInstance

    decide = decide or {}
    with schema_context(SIMING):
        Staff.objects.get(user__username="clerk2").roles.add(Role.objects.get(code="meeting_admin"))
        data = meeting_data(**changes)
        instance = flows.do_start_flow(
            acting_user=cast_people["clerk2"], key="meeting", title=data["title"], data=data
        )
        for _ in range(10):
            instance.refresh_from_db()
            if instance.state != ProcessInstance.State.RUNNING:
                break
            task = instance.tasks.filter(state=HumanTask.State.OPEN).order_by("pk").first()
            if task.element_id == until:
                break
            handler = next(u for u in cast_people.values() if workflow_queries.can_handle(task, u))
            workflow_actions.do_complete_task(
                task, acting_user=handler, outcome=decide.get(task.element_id, "approve"), opinion="同意。"
            )
    connection.set_schema_to_public()
    return instance


NOTICE_FIELDS = {
    "requirements": "请各区政府办公室派一名分管领导参加",
    "contact": "张科员",
    "phone": "0592-1234567",
}


@pytest.fixture
def meeting(people, media):  # noqa: F811 (the fixture imported above)
    """An approved 会议申请 at 会务安排."""
    return apply_meeting(people)
