"""The 办文 cast in siming, on top of the workflow cast (tests/oa/workflow/cast.py):

director 林建国   主要领导 (director: 签发, 批办)        deputy 陈副主任  分管领导 (deputy_leader)
secretary 王科长  办公室主任 (office_head: 核稿, 复核, 初审, 拟办)
clerk 张科员      文书 (clerk: 拟稿, 收文登记, 编号, 核发)   clerk2 李科员  印章管理员 + 档案管理员
auditor           a colleague with no document role (the unauthorised one)

The unit's numbering rules get their 机关代字 (思政办) as a unit admin would fill it in.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from oa.directory.models import Role, Staff
from oa.templates import actions as template_actions
from oa.templates.models import UnitTemplate
from oa.workflow import actions as workflow_actions
from oa.workflow import queries as workflow_queries
from oa.workflow.models import HumanTask
from tests.conftest import SIMING
from tests.oa.workflow.cast import make_cast

ROLE_HOLDERS = {
    "director": ["director"],
    "deputy_leader": ["deputy"],
    "office_head": ["secretary"],
    "clerk": ["clerk"],
    "seal_keeper": ["clerk2"],
    "archivist": ["clerk2"],
}


def set_agency_abbr(abbr: str, *, acting_user, codes=("outgoing", "letter", "incoming")) -> None:
    for code in codes:
        template = UnitTemplate.objects.get(kind="numbering", code=code)
        template_actions.do_edit_unit_template(
            template, acting_user=acting_user, content={**template.content_json, "agency_abbr": abbr}
        )


@pytest.fixture
def cast(db):
    with schema_context(SIMING):
        yield make_cast()


@pytest.fixture
def people(cast):
    for code, usernames in ROLE_HOLDERS.items():
        for username in usernames:
            Staff.objects.get(user__username=username).roles.add(Role.objects.get(code=code))
    set_agency_abbr("思政办", acting_user=cast.director)
    users = (cast.director, cast.deputy, cast.secretary, cast.clerk, cast.clerk2, cast.auditor)
    return {u.username: u for u in users}


@pytest.fixture
def classified_ok():
    with override_settings(OA_MAX_CLASSIFICATION="confidential"):
        yield


def open_task(document, element_id: str | None = None) -> HumanTask:
    qs = HumanTask.objects.filter(instance_id=document.process_instance_id, state=HumanTask.State.OPEN)
    if element_id:
        qs = qs.filter(element_id=element_id)
    task = qs.order_by("pk").first()
    assert task is not None, f"no open task {element_id or ''} on {document}"
    return task


def complete(
    document, element_id: str, people: dict, *, outcome="approve", opinion="同意。", data=None, user=None
):
    """Complete the open step `element_id` as whoever may handle it (or `user`)."""
    task = open_task(document, element_id)
    handler = user or next(u for u in people.values() if workflow_queries.can_handle(task, u))
    workflow_actions.do_complete_task(
        task, acting_user=handler, outcome=outcome, opinion=opinion, data=data or {}
    )
    document.refresh_from_db()
    return handler
