"""Reads that decide who sees and handles which task (STYLE.md: visibility lives here).

- A task's *handlers* are its assignee, or, for a pool, the candidate users and everyone who
  holds a candidate role or sits in a candidate department right now.
- An instance's *parties* are its starter, everyone who has handled one of its tasks, and
  the people it was circulated to; they may follow it (read its trail and tasks) and urge
  (催办) whoever holds it.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet

from oa.core.errors import ActionError, ErrorCode
from oa.directory.queries import department_ids_of, role_ids_of
from oa.workflow import engine
from oa.workflow.assignment import parse_rules, user_matches
from oa.workflow.models import CirculationRecord, HumanTask, ProcessDefinition, ProcessInstance, TaskEvent

# What a person may do with a task (the task page's buttons).
TASK_ACTIONS = ("complete", "return", "withdraw", "transfer", "add_signer", "remind", "circulate")
URGENT = (ProcessInstance.Urgency.URGENT, ProcessInstance.Urgency.VERY_URGENT)
DONE_STATES = (
    HumanTask.State.COMPLETED,
    HumanTask.State.RETURNED,
    HumanTask.State.TRANSFERRED,
    HumanTask.State.WITHDRAWN,
)


def handler_q(user) -> Q:
    """Rows `user` may handle (open state aside). One condition per partial index; the
    user's roles and department are sub-selects, so the whole test is one statement."""
    roles = ArraySubquery(role_ids_of(user.pk))
    departments = ArraySubquery(department_ids_of(user.pk))
    return (
        Q(assignee_id=user.pk)
        | Q(candidate_users__contains=[user.pk])
        | Q(candidate_roles__overlap=roles)
        | Q(candidate_departments__overlap=departments)
    )


def _list(qs: QuerySet) -> QuerySet:
    return qs.select_related("instance", "instance__starter__account")


def open_tasks_for(user, *, module: str = "", urgent: bool | None = None, due_before=None) -> QuerySet:
    """My to-do list (待办): one indexed query."""
    qs = HumanTask.objects.filter(handler_q(user), state=HumanTask.State.OPEN)
    return _list(_filter(qs, module=module, urgent=urgent, due_before=due_before)).order_by(
        "-created_at", "-id"
    )


def done_tasks_for(user, *, module: str = "", urgent: bool | None = None, due_before=None) -> QuerySet:
    """My done list (已办): what I completed, returned, transferred or withdrew."""
    qs = HumanTask.objects.filter(completed_by_id=user.pk, state__in=DONE_STATES)
    return _list(_filter(qs, module=module, urgent=urgent, due_before=due_before)).order_by(
        "-completed_at", "-id"
    )


def _filter(qs: QuerySet, *, module: str, urgent: bool | None, due_before) -> QuerySet:
    if module:
        qs = qs.filter(instance__module=module)
    if urgent is True:
        qs = qs.filter(instance__urgency__in=URGENT)
    elif urgent is False:
        qs = qs.exclude(instance__urgency__in=URGENT)
    if due_before is not None:
        qs = qs.filter(due_at__lte=due_before)
    return qs


def party_q(user) -> Q:
    """Instances `user` is a party to (see the module docstring)."""
    handled = HumanTask.objects.filter(instance_id=OuterRef("pk"), completed_by_id=user.pk)
    circulated = CirculationRecord.objects.filter(instance_id=OuterRef("pk"), recipient_id=user.pk)
    return Q(starter_id=user.pk) | Q(Exists(handled)) | Q(Exists(circulated))


def can_handle(task: HumanTask, user) -> bool:
    return (
        task.state == HumanTask.State.OPEN and HumanTask.objects.filter(handler_q(user), pk=task.pk).exists()
    )


def is_party(instance: ProcessInstance, user) -> bool:
    return ProcessInstance.objects.filter(party_q(user), pk=instance.pk).exists()


def get_task_for_user(user, pk: int) -> HumanTask:
    """A task the user may see: a handler of it, or a party to its instance; else 404."""
    task = (
        HumanTask.objects.select_related("instance", "instance__definition", "instance__starter__account")
        .filter(pk=pk)
        .first()
    )
    if task is None or not (
        HumanTask.objects.filter(handler_q(user), pk=pk, state=HumanTask.State.OPEN).exists()
        or task.completed_by_id == user.pk
        or is_party(task.instance, user)
    ):
        raise ActionError(ErrorCode.NOT_FOUND, "待办事项不存在或无权查看。", status=404)
    return task


def get_instance_for_user(user, pk: int) -> ProcessInstance:
    instance = ProcessInstance.objects.select_related("definition", "starter__account").filter(pk=pk).first()
    if instance is None or not (
        is_party(instance, user)
        or HumanTask.objects.filter(handler_q(user), instance_id=pk, state=HumanTask.State.OPEN).exists()
    ):
        raise ActionError(ErrorCode.NOT_FOUND, "流程不存在或无权查看。", status=404)
    return instance


def startable_definitions(user) -> list[ProcessDefinition]:
    """The latest version of every flow `user` may start."""
    latest = ProcessDefinition.objects.order_by("key", "-version").distinct("key")
    return [
        d
        for d in latest
        if not d.starter_groups or user_matches(user, parse_rules(d.starter_groups), starter=user)
    ]


def trail(instance: ProcessInstance) -> QuerySet[TaskEvent]:
    return instance.events.select_related("task").order_by("at", "id")


def instance_tasks(instance: ProcessInstance) -> QuerySet[HumanTask]:
    return instance.tasks.select_related("assignee__account", "completed_by__account").order_by(
        "created_at", "id"
    )


def instance_circulations(instance: ProcessInstance) -> QuerySet[CirculationRecord]:
    return instance.circulations.select_related("instance", "sender__account", "recipient__account")


def circulations_for(user, *, unread: bool | None = None) -> QuerySet[CirculationRecord]:
    qs = CirculationRecord.objects.filter(recipient_id=user.pk).select_related("instance", "sender__account")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def get_circulation_for_user(user, pk: int) -> CirculationRecord:
    record = CirculationRecord.objects.filter(pk=pk, recipient_id=user.pk).select_related("instance").first()
    if record is None:
        raise ActionError(ErrorCode.NOT_FOUND, "传阅记录不存在。", status=404)
    return record


def allowed_actions(task: HumanTask, user) -> dict:
    """What `user` may do with `task` now, for the task page's buttons."""
    instance = task.instance
    running = instance.state == ProcessInstance.State.RUNNING
    handler = running and can_handle(task, user)
    actions: list[str] = []
    outcomes: list[str] = []
    targets: list[dict] = []
    if handler:
        workflow = engine.restore(instance)
        spiff_task = engine.get_task(workflow, task.spiff_task_id)
        if spiff_task is not None and engine.is_start(spiff_task):
            # Returned to the starter (退回发起人): resubmit, or pass it on.
            outcomes = ["submit"]
        elif spiff_task is not None:
            outcomes = list(spiff_task.task_spec.outcomes)
            targets = [
                {"element_id": t.task_spec.bpmn_id, "name": engine.step_name(t.task_spec)}
                for t in engine.return_targets(spiff_task)
            ]
        if spiff_task is not None and engine.is_start(spiff_task):
            actions.append("complete")
        else:
            actions += ["complete", "transfer", "add_signer", "circulate"]
        if targets:
            actions.append("return")
    if running and task.state == HumanTask.State.OPEN and not handler and is_party(instance, user):
        actions.append("remind")
    mine_done = task.state == HumanTask.State.COMPLETED and task.completed_by_id == user.pk
    if running and mine_done and withdraw_refusal(task) is None:
        actions.append("withdraw")
    return {"actions": actions, "outcomes": outcomes, "return_targets": targets}


# Trail actions that move an instance on; 撤回 is allowed only while the withdrawer's own
# completion is the latest of them.
MOVING_ACTIONS = (
    TaskEvent.Action.COMPLETE,
    TaskEvent.Action.RETURN,
    TaskEvent.Action.WITHDRAW,
    TaskEvent.Action.TRANSFER,
    TaskEvent.Action.ADD_SIGNER,
)


def withdraw_refusal(task: HumanTask) -> str | None:
    """Why the one who completed `task` may not withdraw it (撤回), or None if they may."""
    if task.state != HumanTask.State.COMPLETED:
        return "只有已办理的事项可以撤回。"
    if task.kind == HumanTask.Kind.SIGNER:
        return "会签、或签、依次审批中的单人意见不能撤回，可请下一步办理人退回。"
    if task.instance.state != ProcessInstance.State.RUNNING:
        return "流程已办结或已终止，不能撤回。"
    last = task.instance.events.filter(action__in=MOVING_ACTIONS).order_by("-id").first()
    if last is None or last.task_id != task.pk or last.action != TaskEvent.Action.COMPLETE:
        return "下一步已经有人办理，不能撤回。"
    if not last.detail.get("step_done"):
        return "本步骤还在等待其他加签人，尚未转到下一步，不能撤回。"
    return None
