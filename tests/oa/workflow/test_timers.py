"""BPMN timers (advanced by passing `now` into the engine) and the deadline sweep."""

from datetime import timedelta

from django_tenants.utils import schema_context

from oa.workflow import actions
from oa.workflow.models import HumanTask, ProcessInstance, TaskEvent
from oa.workflow.tasks import process_workflow_deadlines
from tests.conftest import SIMING
from tests.oa.workflow.cast import bpmn, deploy
from tests.oa.workflow.test_actions import at, the_task, todo


def start_timers(cast):
    return actions.do_start_process(deploy("timers.bpmn"), acting_user=cast.clerk, title="限时件", now=at(0))


def test_an_interrupting_boundary_timer_escalates_an_untouched_step(cast):
    instance = start_timers(cast)
    handle = the_task(cast.secretary, "handle")
    instance.refresh_from_db()
    assert instance.next_timer_at == at(60)
    # Fifty-nine minutes later nothing happens.
    assert actions.do_fire_due_timers(now=at(59)) == 0
    # After the hour, the step is taken away and the director gets it.
    assert actions.do_fire_due_timers(now=at(61)) == 1
    handle.refresh_from_db()
    assert handle.state == HumanTask.State.CANCELLED
    assert todo(cast.secretary) == []
    assert the_task(cast.director, "escalate")
    event = TaskEvent.objects.get(instance=instance, action="timer")
    assert event.detail["closed"] == [handle.pk] and event.at == at(61)
    # Running the sweep again changes nothing.
    assert actions.do_fire_due_timers(now=at(62)) == 0


def test_a_timer_that_cannot_fire_does_not_hold_up_the_others(cast):
    stuck = start_timers(cast)  # escalates to the director...
    to_deputy = actions.do_deploy_process_definition(
        acting_user=None,
        key="timers2",
        name="限时",
        bpmn_xml=bpmn("timers.bpmn").replace("user:director", "user:deputy"),
    )
    fine = actions.do_start_process(to_deputy, acting_user=cast.clerk, title="另一件", now=at(0))
    cast.director.is_active = False  # ...who has left
    cast.director.save()
    assert actions.do_fire_due_timers(now=at(61)) == 1
    assert [t.instance_id for t in todo(cast.deputy, "escalate")] == [fine.pk]
    stuck.refresh_from_db()
    assert stuck.next_timer_at == at(60) and stuck.tasks.get(element_id="handle").state == "open"


def test_an_intermediate_timer_waits_before_the_next_step(cast):
    instance = start_timers(cast)
    actions.do_complete_task(
        the_task(cast.clerk2, "handle"), acting_user=cast.clerk2, outcome="approve", now=at(10)
    )
    instance.refresh_from_db()
    # The boundary timer went with the step; the flow now waits a day.
    assert instance.next_timer_at == at(10) + timedelta(days=1)
    assert todo(cast.clerk) == []
    actions.do_fire_due_timers(now=at(10) + timedelta(hours=23))
    assert todo(cast.clerk) == []
    actions.do_fire_due_timers(now=at(10) + timedelta(days=1, minutes=1))
    confirm = the_task(cast.clerk, "confirm")
    actions.do_complete_task(confirm, acting_user=cast.clerk, outcome="approve", now=at(2000))
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED and instance.next_timer_at is None


def test_overdue_tasks_are_marked_and_reminded_once(cast):
    instance = actions.do_start_process(
        deploy("approval.bpmn"), acting_user=cast.clerk, title="发文", now=at(0)
    )
    draft = the_task(cast.clerk, "draft")  # due in two days
    # Four hours before the deadline: the automatic reminder, once.
    report = actions.do_mark_deadlines(now=at(0) + timedelta(days=2, hours=-3))
    assert (report.due_soon, report.overdue) == (1, 0)
    assert actions.do_mark_deadlines(now=at(0) + timedelta(days=2, hours=-2)).due_soon == 0
    draft.refresh_from_db()
    assert draft.auto_reminded_at is not None and not draft.overdue and draft.remind_count == 1
    # Past the deadline: overdue, once.
    late = at(0) + timedelta(days=2, minutes=1)
    assert actions.do_mark_deadlines(now=late).overdue == 1
    assert actions.do_mark_deadlines(now=late + timedelta(hours=1)).overdue == 0
    draft.refresh_from_db()
    assert draft.overdue and draft.remind_count == 2
    assert [e.action for e in instance.events.filter(task=draft)] == ["auto_remind", "overdue"]


def test_a_short_step_is_not_reminded_the_moment_it_starts(cast):
    actions.do_start_process(deploy("approval.bpmn"), acting_user=cast.clerk, title="发文", now=at(0))
    actions.do_complete_task(
        the_task(cast.clerk, "draft"), acting_user=cast.clerk, outcome="submit", now=at(1)
    )
    review = the_task(cast.secretary, "review")  # PT4H: all of it inside the four-hour window
    assert actions.do_mark_deadlines(now=at(2)).due_soon == 0
    assert actions.do_mark_deadlines(now=at(1) + timedelta(hours=3, minutes=1)).due_soon == 1
    review.refresh_from_db()
    assert review.auto_reminded_at == at(1) + timedelta(hours=3, minutes=1)


def test_the_beat_task_sweeps_every_unit(cast):
    actions.do_start_process(deploy("timers.bpmn"), acting_user=cast.clerk, title="限时件", now=at(-120))
    with schema_context("public"):
        totals = process_workflow_deadlines()
    assert totals["units"] >= 2 and totals["failed"] == 0
    assert totals["timers_fired"] == 1
    with schema_context(SIMING):
        assert the_task(cast.director, "escalate")
