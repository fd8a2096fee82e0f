"""The workflow's notifications: new to-dos, 催办, deadline warnings and overdue, 退回."""

from datetime import timedelta

from oa.notifications.models import Notification, NotificationPreference
from oa.workflow import actions
from tests.oa.workflow.cast import deploy
from tests.oa.workflow.test_actions import at, submit_draft, the_task


def inbox(user, kind: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


def start(cast):
    return actions.do_start_process(
        deploy("approval.bpmn", key="outgoing"), acting_user=cast.clerk, title="关于春节值班的通知", now=at(0)
    )


def test_a_new_step_tells_its_holder_but_not_the_person_who_moved_the_flow(cast):
    start(cast)
    # The clerk started it and holds the draft: their own act, no notification.
    assert inbox(cast.clerk) == []
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    (note,) = inbox(cast.secretary, "todo.created")
    assert note.title == "待办：关于春节值班的通知" and review.name in note.body
    assert note.link == f"/portal/tasks/{review.pk}"
    assert note.source_type == "workflow.humantask" and note.source_id == str(review.pk)
    assert note.actor_id == cast.clerk.pk


def test_a_pool_step_tells_everyone_who_holds_the_role(cast):
    start(cast)
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    # 签发 goes to role:leader, held by the director and the deputy.
    sign = the_task(cast.director, "sign")
    assert sign.assignee_id is None
    for leader in (cast.director, cast.deputy):
        assert [n.source_id for n in inbox(leader, "todo.created")] == [str(sign.pk)]
    assert inbox(cast.clerk2) == []


def test_urging_a_task_reaches_its_holder(cast):
    start(cast)
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    actions.do_remind_task(review, acting_user=cast.clerk, note="请今天核完", now=at(5))
    (urged,) = inbox(cast.secretary, "todo.urged")
    assert urged.title == "催办：关于春节值班的通知" and "请今天核完" in urged.body
    assert "张科员" in urged.actor_name


def test_a_holder_who_turned_urging_off_is_not_told(cast):
    start(cast)
    submit_draft(cast)
    NotificationPreference.objects.create(user=cast.secretary, kind="todo.urged", enabled=False)
    actions.do_remind_task(the_task(cast.secretary, "review"), acting_user=cast.clerk, now=at(5))
    assert inbox(cast.secretary, "todo.urged") == []


def test_a_return_tells_whoever_gets_the_step_back_with_the_reason(cast):
    start(cast)
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    actions.do_return_task(
        the_task(cast.director, "sign"),
        acting_user=cast.director,
        to_element="draft",
        opinion="请补充依据",
        now=at(3),
    )
    (returned,) = inbox(cast.clerk, "todo.returned")
    assert returned.title == "退回：关于春节值班的通知" and "请补充依据" in returned.body


def test_deadline_warnings_and_overdue_are_delivered_once(cast):
    start(cast)
    draft = the_task(cast.clerk, "draft")  # due in two days
    actions.do_mark_deadlines(now=at(0) + timedelta(days=2, hours=-3))
    actions.do_mark_deadlines(now=at(0) + timedelta(days=2, hours=-2))
    (warning,) = inbox(cast.clerk, "deadline.warning")
    assert warning.title.startswith("即将到期") and warning.source_id == str(draft.pk)
    late = at(0) + timedelta(days=2, minutes=1)
    actions.do_mark_deadlines(now=late)
    actions.do_mark_deadlines(now=late + timedelta(hours=1))
    (overdue,) = inbox(cast.clerk, "deadline.overdue")
    assert overdue.title.startswith("已超期") and overdue.actor_id is None


def test_a_transfer_tells_the_new_holder(cast):
    start(cast)
    submit_draft(cast)
    actions.do_transfer_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, to_user=cast.clerk2, now=at(2)
    )
    assert len(inbox(cast.clerk2, "todo.created")) == 1
