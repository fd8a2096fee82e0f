"""/api/portal/home/: one request for the whole home page, its sections from the registry."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from oa.notifications.api import notify
from oa.portal.sections import SECTIONS, Item, SectionData, register_section
from tests.conftest import SIMING, HostClient
from tests.oa.workflow.cast import deploy


def sections(client) -> dict[str, dict]:
    response = client.get("/api/portal/home/")
    assert response.status_code == 200, response.content
    return {s["code"]: s for s in response.json()["sections"]}


def start_flow(cast, *, due_in_days: int | None = None):
    from oa.workflow import actions

    with schema_context(SIMING), transaction.atomic():
        instance = actions.do_start_process(
            deploy("approval.bpmn"), acting_user=cast.clerk, title="关于春节值班的通知"
        )
        task = instance.tasks.get()
        actions.do_complete_task(task, acting_user=cast.clerk, outcome="submit")
        review = instance.tasks.get(state="open")
        if due_in_days is not None:
            review.due_at = timezone.now() + timedelta(days=due_in_days, hours=1)
            review.save(update_fields=["due_at"])
    return review


def test_the_home_page_shows_my_todo_notifications_and_deadlines(cast):
    review = start_flow(cast)
    secretary = HostClient(SIMING).login_as("secretary")
    home = sections(secretary)
    assert list(home)[:4] == ["todo", "notices", "notifications", "calendar"]
    todo = home["todo"]
    assert todo["count"] == 1
    assert (
        todo["items"][0]["title"] == "关于春节值班的通知"
        and todo["items"][0]["link"] == f"/portal/tasks/{review.pk}"
    )
    assert {g["code"]: g["count"] for g in todo["groups"]} == {"tasks": 1, "circulations": 0}
    # The new step told the secretary: unread, at the top of their notifications.
    notifications = home["notifications"]
    assert notifications["count"] == 1 and notifications["items"][0]["unread"] is True
    assert notifications["items"][0]["tag"] == "新待办"
    # review is due in four hours (PT4H): on this week's calendar.
    calendar = home["calendar"]
    assert calendar["layout"] == "calendar"
    assert [i["key"] for i in calendar["items"]] == [f"deadline-{review.pk}"]


def test_another_person_sees_only_their_own(cast):
    start_flow(cast)
    auditor = HostClient(SIMING).login_as("auditor")
    home = sections(auditor)
    assert home["todo"]["count"] == 0 and home["todo"]["items"] == []
    assert home["notifications"]["count"] == 0 and home["calendar"]["items"] == []


def test_shortcuts_list_the_flows_i_may_start(cast):
    with schema_context(SIMING), transaction.atomic():
        deploy("approval.bpmn", key="leave_request")
    home = sections(HostClient(SIMING).login_as("clerk"))
    keys = [i["key"] for i in home["shortcuts"]["items"]]
    assert "flow-leave_request" in keys
    assert next(i for i in home["shortcuts"]["items"] if i["key"] == "flow-leave_request")["link"] == (
        "/portal/start?flow=leave_request"
    )


def test_a_module_registers_a_section_and_it_appears_in_order(cast):
    def hello(ctx):
        if ctx.user.username != "clerk":
            return None
        return SectionData(items=[Item(key="x", title="登记的栏目", link="/portal/x")], count=1)

    register_section("test_hello", "测试栏目", "Test", load=hello, order=17)
    try:
        home = sections(HostClient(SIMING).login_as("clerk"))
        assert list(home)[:4] == ["todo", "notices", "test_hello", "notifications"]
        assert home["test_hello"]["items"][0]["title"] == "登记的栏目"
        # None: not shown to this person.
        assert "test_hello" not in sections(HostClient(SIMING).login_as("auditor"))
    finally:
        del SECTIONS["test_hello"]


def test_a_section_of_a_module_the_unit_lacks_is_left_out(cast):
    register_section("test_mod", "测试", "Test", load=lambda ctx: SectionData(), module="no_such_module")
    try:
        assert "test_mod" not in sections(HostClient(SIMING).login_as("clerk"))
    finally:
        del SECTIONS["test_mod"]


def test_the_home_page_costs_the_same_for_many_tasks_and_notifications(cast):
    clerk = HostClient(SIMING).login_as("secretary")
    start_flow(cast)
    with CaptureQueriesContext(connection) as few:
        sections(clerk)
    for _ in range(5):
        start_flow(cast, due_in_days=1)
    with schema_context(SIMING), transaction.atomic():
        for i in range(20):
            notify([cast.secretary], "todo.urged", f"催办{i}")
    with CaptureQueriesContext(connection) as many:
        sections(clerk)
    assert len(many) == len(few)


def test_the_latest_notices_with_unread_marks_and_only_for_their_audience(cast):
    from oa.directory.models import Department
    from oa.notices import actions as notices
    from oa.notices.models import Column, Notice

    with schema_context(SIMING), transaction.atomic():
        column = Column.objects.order_by("pk").first()
        column.publishers.add(cast.clerk)
        department = Department.objects.get(staff__user=cast.secretary)
        notice = notices.do_create_notice(
            column,
            acting_user=cast.clerk,
            fields={
                "title": "关于报送年度总结的通知",
                "body_html": "<p>正文。</p>",
                "audience_departments": [department.pk],
            },
        )
        notices.do_publish_notice(notice, acting_user=cast.clerk)
        outsider = next(
            u for u in (cast.director, cast.deputy, cast.auditor)
            if not Department.objects.filter(pk=department.pk, staff__user=u).exists()
        )  # fmt: skip
    secretary = HostClient(SIMING).login_as("secretary")
    section = sections(secretary)["notices"]
    assert section["count"] == 1 and section["more_link"] == "/portal/notices"
    item = section["items"][0]
    assert (item["title"], item["unread"], item["link"]) == (
        "关于报送年度总结的通知",
        True,
        f"/portal/notices/{notice.pk}",
    )
    with schema_context(SIMING), transaction.atomic():
        notices.do_mark_read(Notice.objects.get(pk=notice.pk), acting_user=cast.secretary)
    section = sections(secretary)["notices"]
    assert section["count"] == 0 and section["items"][0]["unread"] is False
    other = HostClient(SIMING).login_as(outsider.username)
    assert "关于报送年度总结的通知" not in [
        i["title"] for i in sections(other).get("notices", {}).get("items", [])
    ]
