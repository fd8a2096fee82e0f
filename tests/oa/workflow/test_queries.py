"""To-do and done lists, visibility, and instances keeping their definition version."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oa.core.errors import ActionError
from oa.workflow import actions, queries
from oa.workflow.models import HumanTask, ProcessInstance
from tests.oa.workflow.cast import bpmn, deploy
from tests.oa.workflow.test_actions import at, the_task, todo


@pytest.fixture
def three_flows(cast):
    """One task assigned to the director, one in the leaders' pool, one in 办公室's pool."""
    definition = deploy("approval.bpmn", key="outgoing")
    direct = actions.do_start_process(definition, acting_user=cast.director, title="直接", now=at(0))
    pooled = actions.do_start_process(
        definition, acting_user=cast.clerk, title="角色", urgency="urgent", now=at(1)
    )
    actions.do_complete_task(
        the_task(cast.clerk, "draft"), acting_user=cast.clerk, outcome="submit", now=at(2)
    )
    actions.do_complete_task(
        the_task(cast.secretary, "review"), acting_user=cast.secretary, outcome="approve", now=at(3)
    )
    office = actions.do_deploy_process_definition(
        acting_user=None,
        key="office",
        name="办公室",
        module="affairs",
        bpmn_xml=bpmn("approval.bpmn").replace('"starter" camunda:formKey', '"dept:office" camunda:formKey'),
    )
    by_dept = actions.do_start_process(office, acting_user=cast.clerk, title="部门", now=at(4))
    return direct, pooled, by_dept


def test_my_todo_list_is_one_query_over_assignee_role_and_department(cast, three_flows):
    with CaptureQueriesContext(connection) as queries_run:
        tasks = list(queries.open_tasks_for(cast.director))
        titles = [t.instance.title for t in tasks]
        starters = [t.instance.starter.account.display_name for t in tasks]
    # django-tenants may first point the connection at the unit's schema; that is not ours.
    ours = [q["sql"] for q in queries_run if not q["sql"].startswith("SET search_path")]
    assert len(ours) == 1, ours
    assert titles == ["部门", "角色", "直接"]
    assert starters == ["张科员", "张科员", "林建国"]


def test_the_todo_list_is_a_bitmap_or_over_the_partial_indexes(cast, three_flows):
    # A unit's table after a while: mostly finished rows, some open ones of other people.
    direct = three_flows[0]
    created_at = direct.started_at
    HumanTask.objects.bulk_create(
        HumanTask(
            instance=direct,
            spiff_task_id=uuid.uuid4(),
            element_id="x",
            name="x",
            state=HumanTask.State.OPEN if i % 10 == 0 else HumanTask.State.COMPLETED,
            assignee_id=cast.clerk2.pk if i % 3 == 0 else None,
            candidate_users=[] if i % 3 != 1 else [100000 + i % 200],
            candidate_roles=[] if i % 3 != 2 else [100000 + i % 50],
            candidate_departments=[] if i % 3 != 2 else [100000 + i % 30],
            created_at=created_at,
        )
        for i in range(10000)
    )
    sql, params = queries.open_tasks_for(cast.director).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_humantask")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "wf_task_open_assignee",
        "wf_task_open_users",
        "wf_task_open_roles",
        "wf_task_open_departments",
    ):
        assert index in plan, plan
    assert "BitmapOr" in plan and "Seq Scan on workflow_humantask" not in plan


def test_the_todo_list_filters(cast, three_flows):
    assert [t.instance.title for t in queries.open_tasks_for(cast.director, urgent=True)] == ["角色"]
    assert [t.instance.title for t in queries.open_tasks_for(cast.director, module="affairs")] == ["部门"]
    assert [t.instance.title for t in queries.open_tasks_for(cast.director, due_before=at(60 * 24 * 3))] == [
        "部门",
        "直接",
    ]


def test_the_done_list_holds_what_i_handled(cast, three_flows):
    assert [t.name for t in queries.done_tasks_for(cast.secretary)] == ["核稿"]
    assert list(queries.done_tasks_for(cast.director)) == []


def test_a_colleague_who_is_party_to_nothing_sees_nothing(cast, three_flows):
    direct, pooled, _ = three_flows
    task = direct.tasks.get(element_id="draft")
    with pytest.raises(ActionError) as refused:
        queries.get_task_for_user(cast.auditor, task.pk)
    assert refused.value.status == 404
    with pytest.raises(ActionError):
        queries.get_instance_for_user(cast.auditor, direct.pk)
    # Someone who handled a step follows the instance from then on.
    assert queries.get_instance_for_user(cast.secretary, pooled.pk) == pooled
    assert queries.get_task_for_user(cast.secretary, the_task(cast.deputy, "sign").pk)


def test_allowed_actions_follow_the_person_and_the_state(cast, three_flows):

    sign = the_task(cast.director, "sign")
    mine = queries.allowed_actions(sign, cast.director)
    assert set(mine["actions"]) >= {"complete", "return", "transfer", "add_signer"}
    assert mine["outcomes"] == ["approve", "reject"]
    assert [t["element_id"] for t in mine["return_targets"]] == ["review", "draft"]
    assert queries.allowed_actions(sign, cast.clerk)["actions"] == ["remind"]
    review = queries.done_tasks_for(cast.secretary).get()
    assert queries.allowed_actions(review, cast.secretary)["actions"] == ["withdraw"]


def test_a_running_instance_keeps_the_version_it_started_on(cast):
    v1 = deploy("approval.bpmn", key="outgoing")
    old = actions.do_start_process(v1, acting_user=cast.clerk, title="旧版", now=at(0))
    v2 = actions.do_deploy_process_definition(
        acting_user=None,
        key="outgoing",
        name="approval",
        bpmn_xml=bpmn("approval.bpmn").replace(
            'name="核稿" camunda:candidateGroups="dept_head:starter"',
            'name="主任核稿" camunda:candidateGroups="user:director"',
        ),
    )
    assert v2.version == 2
    new = actions.do_start_process(v2, acting_user=cast.clerk, title="新版", now=at(1))
    for task in todo(cast.clerk, "draft"):
        actions.do_complete_task(task, acting_user=cast.clerk, outcome="submit", now=at(2))
    assert [t.instance for t in todo(cast.secretary, "review")] == [old]
    assert the_task(cast.secretary, "review").name == "核稿"
    assert [(t.instance, t.name) for t in todo(cast.director, "review")] == [(new, "主任核稿")]
    with pytest.raises(ValueError):
        v1.name = "改名"
        v1.save()
    assert ProcessInstance.objects.get(pk=old.pk).definition == v1
