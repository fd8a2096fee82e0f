"""Starting, handling, returning, withdrawing, transferring, adding signers, reminding."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from oa.workflow import actions
from oa.workflow.models import HumanTask, ProcessInstance, TaskEvent
from oa.workflow.queries import open_tasks_for
from tests.oa.workflow.cast import bpmn, deploy

T0 = timezone.now().replace(microsecond=0)


def at(minutes: int):
    return T0 + timedelta(minutes=minutes)


def todo(user, element: str | None = None) -> list[HumanTask]:
    tasks = list(open_tasks_for(user))
    return [t for t in tasks if element is None or t.element_id == element]


def the_task(user, element: str) -> HumanTask:
    tasks = todo(user, element)
    assert len(tasks) == 1, (user.username, element, tasks)
    return tasks[0]


@pytest.fixture
def outgoing(cast):
    """A 发文 started by the clerk: the draft is in the clerk's to-do list."""
    definition = deploy("approval.bpmn", key="outgoing")
    instance = actions.do_start_process(
        definition, acting_user=cast.clerk, title="关于做好春节值班的通知", data={"copies": 3}, now=at(0)
    )
    return instance


def submit_draft(cast, minutes=1):
    return actions.do_complete_task(
        the_task(cast.clerk, "draft"), acting_user=cast.clerk, outcome="submit", now=at(minutes)
    )


def test_starting_a_process_gives_the_starter_the_first_step(cast, outgoing):
    draft = the_task(cast.clerk, "draft")
    assert draft.assignee == cast.clerk and draft.name == "拟稿" and draft.form_key == "documents/draft"
    # camunda:dueDate="P2D": two days from when the step started.
    assert draft.due_at == at(0) + timedelta(days=2)
    assert outgoing.state == ProcessInstance.State.RUNNING
    assert outgoing.data == {"copies": 3}
    assert [e.action for e in outgoing.events.all()] == ["start"]
    assert AuditEvent.objects.filter(action="workflow.process_started", target_id=str(outgoing.pk)).exists()


def test_the_head_of_the_starters_department_reviews(cast, outgoing):
    submit_draft(cast)
    # dept_head:starter: the clerk is in 秘书科, whose most senior member is the 科长.
    review = the_task(cast.secretary, "review")
    assert review.assignee == cast.secretary
    assert review.due_at == at(1) + timedelta(hours=4)
    assert todo(cast.clerk) == []


def test_a_role_step_is_a_pool_that_any_member_may_handle(cast, outgoing):
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    # role:leader: the director and the deputy both see it; one of them handles it.
    sign_for_director = the_task(cast.director, "sign")
    assert the_task(cast.deputy, "sign") == sign_for_director
    assert sign_for_director.assignee is None and sign_for_director.candidate_roles == [cast.leader.pk]
    actions.do_complete_task(
        sign_for_director, acting_user=cast.deputy, outcome="approve", opinion="同意", now=at(3)
    )
    assert todo(cast.director) == []
    sign_for_director.refresh_from_db()
    assert sign_for_director.completed_by == cast.deputy and sign_for_director.opinion == "同意"
    register = the_task(cast.clerk, "register")
    assert register.candidate_departments == [cast.secretariat.pk]


def test_the_flow_runs_to_the_end_and_keeps_its_trail(cast, outgoing):
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    actions.do_complete_task(
        the_task(cast.director, "sign"), acting_user=cast.director, outcome="approve", now=at(3)
    )
    actions.do_complete_task(
        the_task(cast.clerk2, "register"),
        acting_user=cast.clerk2,
        outcome="approve",
        data={"number": "思府〔2026〕1号"},
        now=at(4),
    )
    outgoing.refresh_from_db()
    assert outgoing.state == ProcessInstance.State.COMPLETED and outgoing.ended_at == at(4)
    assert outgoing.data == {"copies": 3, "number": "思府〔2026〕1号"}
    assert outgoing.next_timer_at is None
    trail = [(e.action, e.step, e.actor_name.split(" (")[-1].rstrip(")")) for e in outgoing.events.all()]
    assert trail == [
        ("start", "发起", "clerk"),
        ("complete", "拟稿", "clerk"),
        ("complete", "核稿", "secretary"),
        ("complete", "签发", "director"),
        ("complete", "登记编号", "clerk2"),
        ("end", "办结", "system"),
    ]


def test_a_rejection_goes_round_the_gateway_back_to_the_drafter(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(review, acting_user=cast.secretary, outcome="reject", now=at(2))
    assert refused.value.field == "opinion"
    actions.do_complete_task(
        review, acting_user=cast.secretary, outcome="reject", opinion="标题不规范", now=at(2)
    )
    assert the_task(cast.clerk, "draft").due_at == at(2) + timedelta(days=2)


def test_only_a_handler_may_complete_and_only_once(cast, outgoing):
    draft = the_task(cast.clerk, "draft")
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(draft, acting_user=cast.clerk2, outcome="submit")
    assert refused.value.status == 403
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(draft, acting_user=cast.clerk, outcome="approve")
    assert refused.value.field == "outcome"
    submit_draft(cast)
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(draft, acting_user=cast.clerk, outcome="submit")
    assert refused.value.status == 409


def test_form_data_may_not_set_the_engines_variables(cast, outgoing):
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(
            the_task(cast.clerk, "draft"),
            acting_user=cast.clerk,
            outcome="submit",
            data={"decision": "approve"},
        )
    assert refused.value.field == "data"
    assert HumanTask.objects.get(element_id="draft").state == HumanTask.State.OPEN


def test_a_step_nobody_can_handle_is_refused_and_nothing_changes(cast, outgoing):
    cast.leader.members.clear()
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(review, acting_user=cast.secretary, outcome="approve", now=at(2))
    assert refused.value.code == "no_assignee"
    review.refresh_from_db()
    assert review.state == HumanTask.State.OPEN


# --- 退回 return ---------------------------------------------------------------------------------


def test_it_returns_to_the_drafter_with_a_reason(cast, outgoing):
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    sign = the_task(cast.director, "sign")
    with pytest.raises(ActionError) as refused:
        actions.do_return_task(sign, acting_user=cast.director, to_element="draft", opinion="", now=at(3))
    assert refused.value.field == "opinion"
    actions.do_return_task(
        sign, acting_user=cast.director, to_element="draft", opinion="请补充依据", now=at(3)
    )
    sign.refresh_from_db()
    assert sign.state == HumanTask.State.RETURNED and sign.opinion == "请补充依据"
    assert todo(cast.deputy) == []
    # The step goes back to whoever drafted it, and the flow carries on from there.
    draft = the_task(cast.clerk, "draft")
    assert draft.assignee == cast.clerk
    event = outgoing.events.get(action="return")
    assert event.detail["to"] == "draft" and event.opinion == "请补充依据"
    submit_draft(cast, minutes=4)
    assert the_task(cast.secretary, "review")


def test_it_returns_to_any_earlier_step_but_not_forward_or_sideways(cast, outgoing):
    submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    sign = the_task(cast.director, "sign")
    for bad in ("sign", "register", "nowhere"):
        with pytest.raises(ActionError):
            actions.do_return_task(sign, acting_user=cast.director, to_element=bad, opinion="x", now=at(3))
    actions.do_return_task(sign, acting_user=cast.director, to_element="review", opinion="再核", now=at(3))
    assert the_task(cast.secretary, "review").assignee == cast.secretary


# --- 撤回 withdraw ------------------------------------------------------------------------------


def test_the_drafter_withdraws_while_the_next_step_is_untouched(cast, outgoing):
    draft = submit_draft(cast)
    review = the_task(cast.secretary, "review")
    reopened = actions.do_withdraw_task(draft, acting_user=cast.clerk, reason="还要改", now=at(2))
    draft.refresh_from_db()
    review.refresh_from_db()
    assert draft.state == HumanTask.State.WITHDRAWN
    assert review.state == HumanTask.State.CANCELLED
    assert reopened.assignee == cast.clerk and the_task(cast.clerk, "draft") == reopened
    assert todo(cast.secretary) == []
    assert outgoing.events.filter(action="withdraw", opinion="还要改").exists()


def test_withdraw_is_refused_once_the_next_step_was_handled(cast, outgoing):
    draft = submit_draft(cast)
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(2)
    )
    with pytest.raises(ActionError) as refused:
        actions.do_withdraw_task(draft, acting_user=cast.clerk, now=at(3))
    assert refused.value.status == 409 and "下一步" in refused.value.detail
    assert the_task(cast.director, "sign")


def test_withdraw_is_refused_once_the_next_step_was_transferred(cast, outgoing):
    draft = submit_draft(cast)
    actions.do_transfer_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, to_user=cast.clerk2, now=at(2)
    )
    with pytest.raises(ActionError):
        actions.do_withdraw_task(draft, acting_user=cast.clerk, now=at(3))


def test_only_the_one_who_completed_may_withdraw(cast, outgoing):
    draft = submit_draft(cast)
    with pytest.raises(ActionError) as refused:
        actions.do_withdraw_task(draft, acting_user=cast.secretary, now=at(2))
    assert refused.value.status == 403


# --- 转办 transfer ------------------------------------------------------------------------------


def test_a_transfer_hands_the_step_to_someone_else(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    new = actions.do_transfer_task(
        review, acting_user=cast.secretary, to_user=cast.clerk2, opinion="请代核", now=at(2)
    )
    review.refresh_from_db()
    assert review.state == HumanTask.State.TRANSFERRED and review.completed_by == cast.secretary
    assert new.assignee == cast.clerk2 and new.transferred_from == review and new.due_at == review.due_at
    assert todo(cast.secretary) == [] and the_task(cast.clerk2, "review") == new
    actions.do_complete_task(new, acting_user=cast.clerk2, outcome="approve", now=at(3))
    assert the_task(cast.director, "sign")


def test_a_transfer_needs_an_active_colleague(cast, outgoing):
    draft = the_task(cast.clerk, "draft")
    for target in (cast.clerk,):
        with pytest.raises(ActionError):
            actions.do_transfer_task(draft, acting_user=cast.clerk, to_user=target)
    cast.clerk2.is_active = False
    cast.clerk2.save()
    with pytest.raises(ActionError):
        actions.do_transfer_task(draft, acting_user=cast.clerk, to_user=cast.clerk2)


# --- 加签 add a signer to a single step ----------------------------------------------------------


def test_an_added_signer_signs_alongside_and_the_step_waits_for_both(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    added = actions.do_add_signer(review, acting_user=cast.secretary, user=cast.deputy, now=at(2))
    assert added.kind == HumanTask.Kind.ADDED and added.assignee == cast.deputy
    actions.do_complete_task(review, acting_user=cast.secretary, outcome="approve", now=at(3))
    assert todo(cast.director, "sign") == []  # still waiting for the added signer
    actions.do_complete_task(added, acting_user=cast.deputy, outcome="approve", now=at(4))
    assert the_task(cast.director, "sign")


def test_a_rejection_by_an_added_signer_rejects_the_step(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    added = actions.do_add_signer(review, acting_user=cast.secretary, user=cast.deputy, now=at(2))
    actions.do_complete_task(added, acting_user=cast.deputy, outcome="reject", opinion="不同意", now=at(3))
    actions.do_complete_task(review, acting_user=cast.secretary, outcome="approve", now=at(4))
    assert the_task(cast.clerk, "draft")  # back to the drafter through the gateway


def test_a_signer_cannot_be_added_twice(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    actions.do_add_signer(review, acting_user=cast.secretary, user=cast.deputy, now=at(2))
    with pytest.raises(ActionError):
        actions.do_add_signer(review, acting_user=cast.secretary, user=cast.deputy, now=at(3))


# --- 催办 remind ---------------------------------------------------------------------------------


def test_the_starter_reminds_the_holder_and_it_is_recorded(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    actions.do_remind_task(review, acting_user=cast.clerk, note="请尽快核稿", now=at(5))
    review.refresh_from_db()
    assert review.reminded_at == at(5) and review.remind_count == 1
    assert outgoing.events.filter(action="remind", task=review, opinion="请尽快核稿").exists()
    assert AuditEvent.objects.filter(action="workflow.task_reminded").exists()
    # Not again within ten minutes, but afterwards.
    with pytest.raises(ActionError) as refused:
        actions.do_remind_task(review, acting_user=cast.clerk, now=at(10))
    assert refused.value.status == 429
    actions.do_remind_task(review, acting_user=cast.clerk, now=at(16))


def test_only_parties_to_the_instance_may_remind(cast, outgoing):
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    for outsider in (cast.auditor, cast.secretary):  # a stranger; the holder themselves
        with pytest.raises(ActionError) as refused:
            actions.do_remind_task(review, acting_user=outsider, now=at(5))
        assert refused.value.status == 403


# --- 终止 cancel ---------------------------------------------------------------------------------


def test_the_starter_cancels_a_running_flow(cast, outgoing):
    submit_draft(cast)
    with pytest.raises(ActionError):
        actions.do_cancel_process(outgoing, acting_user=cast.secretary, reason="不发了")
    actions.do_cancel_process(outgoing, acting_user=cast.clerk, reason="不发了", now=at(3))
    outgoing.refresh_from_db()
    assert outgoing.state == ProcessInstance.State.CANCELLED
    assert todo(cast.secretary) == []
    assert TaskEvent.objects.filter(instance=outgoing, action="cancel").exists()


def test_a_flow_that_cannot_go_on_is_refused_and_nothing_changes(cast):
    # The reviewer's gateway has no default and no exit for "reject": a drawing mistake the
    # engine only meets at run time.
    xml = (
        bpmn("approval.bpmn")
        .replace(' default="f_review_reject"', "")
        .replace(
            '<bpmn:sequenceFlow id="f_review_reject" name="不同意" sourceRef="review_ok" targetRef="draft" />',
            '<bpmn:sequenceFlow id="f_review_reject" sourceRef="review_ok" targetRef="draft">'
            "<bpmn:conditionExpression>decision == 'never'</bpmn:conditionExpression></bpmn:sequenceFlow>",
        )
    )
    definition = actions.do_deploy_process_definition(acting_user=None, key="gap", name="缺口", bpmn_xml=xml)
    actions.do_start_process(definition, acting_user=cast.clerk, title="缺口", now=at(0))
    submit_draft(cast)
    review = the_task(cast.secretary, "review")
    with pytest.raises(ActionError) as refused:
        actions.do_complete_task(
            review, acting_user=cast.secretary, outcome="reject", opinion="不行", now=at(2)
        )
    assert refused.value.code == "invalid_state" and refused.value.status == 409
    review.refresh_from_db()
    assert review.state == HumanTask.State.OPEN
