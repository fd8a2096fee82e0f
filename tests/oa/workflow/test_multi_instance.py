"""会签 (parallel), 或签 (parallel with a completion condition), 依次审批 (sequential), and 加签
on each of them."""

import pytest

from oa.core.errors import ActionError
from oa.workflow import actions, engine
from oa.workflow.models import HumanTask
from tests.oa.workflow.cast import deploy
from tests.oa.workflow.test_actions import at, the_task, todo


def start(cast, name: str, *, starter=None, data=None):
    definition = deploy(name)
    return actions.do_start_process(
        definition, acting_user=starter or cast.clerk, title="请示", data=data or {}, now=at(0)
    )


def test_countersign_gives_every_leader_a_task_of_their_own(cast):
    instance = start(cast, "countersign.bpmn")
    director, deputy = the_task(cast.director, "countersign"), the_task(cast.deputy, "countersign")
    assert {director.assignee, deputy.assignee} == {cast.director, cast.deputy}
    assert director.kind == deputy.kind == HumanTask.Kind.SIGNER
    assert director.spiff_task_id != deputy.spiff_task_id
    actions.do_complete_task(director, acting_user=cast.director, outcome="approve", now=at(1))
    assert todo(cast.secretary) == []  # waits for every signer
    actions.do_complete_task(deputy, acting_user=cast.deputy, outcome="approve", opinion="同意", now=at(2))
    assert the_task(cast.secretary, "archive")
    instance.refresh_from_db()
    workflow = engine.restore(instance)
    archive = engine.ready_user_tasks(workflow)[0]
    assert archive.data["decision"] == "approve"
    assert archive.data["decisions"] == [
        {"user": "director", "decision": "approve"},
        {"user": "deputy", "decision": "approve"},
    ]
    assert "signer" not in archive.data


def test_one_rejection_rejects_a_countersign(cast):
    start(cast, "countersign.bpmn")
    actions.do_complete_task(
        the_task(cast.director, "countersign"),
        acting_user=cast.director,
        outcome="reject",
        opinion="否",
        now=at(1),
    )
    actions.do_complete_task(
        the_task(cast.deputy, "countersign"), acting_user=cast.deputy, outcome="approve", now=at(2)
    )
    assert the_task(cast.clerk, "revise")
    assert todo(cast.secretary) == []


def test_the_signers_may_come_from_the_process_data(cast):
    start(cast, "countersign.bpmn", data={"signers": ["secretary", "clerk2"]})
    assert the_task(cast.secretary, "countersign") and the_task(cast.clerk2, "countersign")
    assert todo(cast.director) == []


def test_an_unknown_signer_in_the_data_is_refused(cast):
    with pytest.raises(ActionError) as refused:
        start(cast, "countersign.bpmn", data={"signers": ["nobody"]})
    assert refused.value.code == "no_assignee"


def test_a_countersign_whose_rules_match_nobody_is_refused(cast):
    cast.leader.members.clear()
    with pytest.raises(ActionError) as refused:
        start(cast, "countersign.bpmn")
    assert refused.value.code == "no_assignee" and "领导会签" in refused.value.detail


def test_or_sign_ends_at_the_first_decision(cast):
    start(cast, "orsign.bpmn")
    pool = [the_task(u, "orsign") for u in (cast.secretary, cast.clerk, cast.clerk2)]
    assert len({t.pk for t in pool}) == 3
    actions.do_complete_task(pool[1], acting_user=cast.clerk, outcome="reject", opinion="不同意", now=at(1))
    for other in (pool[0], pool[2]):
        other.refresh_from_db()
        assert other.state == HumanTask.State.CANCELLED
    assert todo(cast.secretary) == [] and todo(cast.clerk2) == []
    result = the_task(cast.clerk, "result")  # the starter learns the outcome
    workflow = engine.restore(result.instance)
    assert engine.get_task(workflow, result.spiff_task_id).data["decision"] == "reject"


def test_sequential_approval_goes_from_the_most_junior_up(cast):
    start(cast, "sequential.bpmn", starter=cast.secretary)
    # role:leader → deputy (副主任, rank 20) first, then the director (主任, rank 10).
    assert todo(cast.director) == []
    actions.do_complete_task(
        the_task(cast.deputy, "chain"), acting_user=cast.deputy, outcome="approve", now=at(1)
    )
    actions.do_complete_task(
        the_task(cast.director, "chain"), acting_user=cast.director, outcome="approve", now=at(2)
    )
    assert the_task(cast.secretary, "result")


def test_a_rejection_stops_a_sequential_chain(cast):
    start(cast, "sequential.bpmn", starter=cast.secretary)
    actions.do_complete_task(
        the_task(cast.deputy, "chain"), acting_user=cast.deputy, outcome="reject", opinion="不行", now=at(1)
    )
    assert todo(cast.director) == []
    assert the_task(cast.secretary, "result")


def test_add_signer_to_a_countersign_joins_at_once(cast):
    start(cast, "countersign.bpmn")
    new = actions.do_add_signer(
        the_task(cast.director, "countersign"), acting_user=cast.director, user=cast.secretary, now=at(1)
    )
    assert new.assignee == cast.secretary and new.kind == HumanTask.Kind.SIGNER
    for user in (cast.director, cast.deputy, cast.secretary):
        actions.do_complete_task(
            the_task(user, "countersign"), acting_user=user, outcome="approve", now=at(2)
        )
    assert the_task(cast.secretary, "archive")


def test_add_signer_to_a_sequential_chain_comes_last(cast):
    start(cast, "sequential.bpmn", starter=cast.secretary)
    assert (
        actions.do_add_signer(
            the_task(cast.deputy, "chain"), acting_user=cast.deputy, user=cast.clerk, now=at(1)
        )
        is None
    )
    actions.do_complete_task(
        the_task(cast.deputy, "chain"), acting_user=cast.deputy, outcome="approve", now=at(2)
    )
    assert todo(cast.clerk) == []
    actions.do_complete_task(
        the_task(cast.director, "chain"), acting_user=cast.director, outcome="approve", now=at(3)
    )
    actions.do_complete_task(
        the_task(cast.clerk, "chain"), acting_user=cast.clerk, outcome="approve", now=at(4)
    )
    assert the_task(cast.secretary, "result")


def test_a_signer_already_in_the_step_cannot_be_added(cast):
    start(cast, "countersign.bpmn")
    with pytest.raises(ActionError):
        actions.do_add_signer(
            the_task(cast.director, "countersign"), acting_user=cast.director, user=cast.deputy
        )


def test_a_single_signers_opinion_cannot_be_withdrawn(cast):
    start(cast, "countersign.bpmn")
    mine = actions.do_complete_task(
        the_task(cast.director, "countersign"), acting_user=cast.director, outcome="approve", now=at(1)
    )
    with pytest.raises(ActionError) as refused:
        actions.do_withdraw_task(mine, acting_user=cast.director, now=at(2))
    assert refused.value.status == 409


def test_returning_to_a_countersign_starts_it_over(cast):
    start(cast, "countersign.bpmn")
    for user in (cast.director, cast.deputy):
        actions.do_complete_task(
            the_task(user, "countersign"), acting_user=user, outcome="approve", now=at(1)
        )
    archive = the_task(cast.secretary, "archive")
    actions.do_return_task(
        archive, acting_user=cast.secretary, to_element="countersign", opinion="请再会签", now=at(2)
    )
    assert the_task(cast.director, "countersign") and the_task(cast.deputy, "countersign")
