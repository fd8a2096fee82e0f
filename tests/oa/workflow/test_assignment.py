"""Assignment rules resolved through the directory."""

import pytest

from oa.core.errors import ActionError
from oa.directory.models import Position, Staff
from oa.workflow import actions
from oa.workflow.assignment import expand_users, parse_rules, resolve_assignment, user_matches
from tests.oa.workflow.cast import bpmn


def resolve(text, starter):
    return resolve_assignment(parse_rules(text), starter=starter, step="测试")


def test_a_single_person_becomes_the_assignee(cast):
    assert resolve("user:deputy", cast.clerk).assignee_id == cast.deputy.pk
    assert resolve("starter", cast.clerk).assignee_id == cast.clerk.pk
    assert resolve("dept_head:starter", cast.clerk).assignee_id == cast.secretary.pk
    assert resolve("dept_head:office", cast.clerk).assignee_id == cast.director.pk


def test_groups_stay_groups(cast):
    pool = resolve("role:leader, dept:秘书科, user:clerk", cast.clerk)
    assert pool.assignee_id is None
    assert (pool.roles, pool.departments, pool.users) == (
        [cast.leader.pk],
        [cast.secretariat.pk],
        [cast.clerk.pk],
    )


def test_heads_tied_on_rank_share_the_step(cast):
    Staff.objects.filter(user=cast.secretary).update(position=Position.objects.get(name="科员"))
    pool = resolve("dept_head:starter", cast.clerk)
    assert pool.assignee_id is None and set(pool.users) == {cast.secretary.pk, cast.clerk.pk, cast.clerk2.pk}


def test_inactive_people_and_empty_groups_resolve_to_nobody(cast):
    cast.deputy.is_active = False
    cast.deputy.save()
    for rules in ("user:deputy", "user:nobody", "role:nosuchrole, dept:nosuchdept"):
        with pytest.raises(ActionError) as refused:
            resolve(rules, cast.clerk)
        assert refused.value.code == "no_assignee"
    Staff.objects.filter(user=cast.auditor).update(department=None)
    with pytest.raises(ActionError):
        resolve("dept_head:starter", cast.auditor)


def test_signers_come_out_junior_first_in_rule_order(cast):
    assert expand_users(parse_rules("role:leader"), starter=cast.clerk) == ["deputy", "director"]
    assert expand_users(parse_rules("user:secretary, role:leader, user:deputy"), starter=cast.clerk) == [
        "secretary",
        "deputy",
        "director",
    ]


def test_starter_groups_limit_who_may_start(cast):
    assert user_matches(cast.clerk, parse_rules("dept:secretariat"), starter=cast.clerk)
    assert not user_matches(cast.director, parse_rules("dept:secretariat"), starter=cast.director)
    xml = bpmn("approval.bpmn").replace(
        'name="发文审批"', 'name="发文审批" camunda:candidateStarterGroups="dept:secretariat"'
    )
    definition = actions.do_deploy_process_definition(
        acting_user=None, key="limited", name="限定", bpmn_xml=xml
    )
    assert definition.starter_groups == "dept:secretariat"
    actions.do_start_process(definition, acting_user=cast.clerk, title="可以")
    with pytest.raises(ActionError) as refused:
        actions.do_start_process(definition, acting_user=cast.director, title="不行")
    assert refused.value.status == 403
