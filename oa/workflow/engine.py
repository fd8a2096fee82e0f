"""The engine wrapper: SpiffWorkflow workflows in and out of ProcessInstance rows.

Nothing here writes to the database; actions (oa/workflow/actions.py) call these inside their
transaction and materialise what the engine says as HumanTask rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from oa.core.errors import ActionError, ErrorCode
from oa.workflow.assignment import VARIABLE, expand_users, expand_variables, parse_rules
from oa.workflow.bpmn import (
    DECISION_VAR,
    OaMultiInstanceMixin,
    OaUserTask,
    aggregate_decision,
    dump_workflow,
    engine_clock,
    load_workflow,
)
from oa.workflow.expressions import restricted_script_engine
from oa.workflow.validation import parse_spec, parse_xml

# A misbehaving flow (a timer cycle feeding itself) must not spin a worker forever.
MAX_ENGINE_ROUNDS = 100


@lru_cache(maxsize=256)
def _spec(digest: str, process_id: str, bpmn_xml: str):
    spec = parse_spec(parse_xml(bpmn_xml), process_id)
    # Spiff wires a multi-instance step to its signers' completion the first time a signer
    # starts, by mutating the spec. Cached specs are shared by every request in the process,
    # so wire them once here, before any thread can race to do it twice.
    for task_spec in list(spec.task_specs.values()):
        if isinstance(task_spec, OaMultiInstanceMixin):
            child = spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)
    return spec


def spec_for(definition):
    """The parsed spec of a definition version, cached by content (versions never change)."""
    digest = hashlib.sha256(definition.bpmn_xml.encode("utf-8")).hexdigest()
    return _spec(digest, definition.process_id, definition.bpmn_xml)


def _attach(workflow: BpmnWorkflow, *, starter) -> BpmnWorkflow:
    """What a workflow needs at run time but does not serialize: the restricted expression
    engine, and how to find a multi-instance step's signers."""
    workflow.script_engine = restricted_script_engine()

    def signers(my_task, child_spec: OaUserTask) -> list[str]:
        mi_spec = my_task.task_spec
        element_var = mi_spec.input_item.bpmn_id if mi_spec.input_item else ""
        data = dict(my_task.data)
        data.pop(element_var, None)
        # A rule naming the element variable (`user:${countersigner}`) needs the collection.
        hint = (
            mi_spec.data_input.bpmn_id
            if element_var and f"{element_var}" in _rule_vars(child_spec.candidate_groups)
            else ""
        )
        rules = expand_variables(child_spec.candidate_groups, data, step=step_name(child_spec), hint=hint)
        names = expand_users(parse_rules(rules), starter=starter)
        if not names:
            raise ActionError(
                ErrorCode.NO_ASSIGNEE,
                f"步骤“{step_name(child_spec)}”的办理人规则没有匹配到任何在职人员，请先在组织机构中设置。",
                status=409,
            )
        return names

    workflow.oa_signers = signers
    return workflow


def _rule_vars(text: str | None) -> set[str]:
    return set(VARIABLE.findall(text or ""))


def new_workflow(definition, *, starter, data: dict) -> BpmnWorkflow:
    workflow = _attach(BpmnWorkflow(spec_for(definition)), starter=starter)
    # The root task's data flows to every task after it: the starter's data and who started.
    workflow.task_tree.data.update(data)
    return workflow


def restore(instance) -> BpmnWorkflow:
    """The instance's workflow, with the spec of the version it started on."""
    return _attach(
        load_workflow(instance.spiff_state, spec_for(instance.definition)), starter=instance.starter
    )


def store(instance, workflow: BpmnWorkflow) -> None:
    instance.spiff_state = dump_workflow(workflow)


@contextmanager
def engine_errors(step: str = "") -> Iterator[None]:
    """Turn the engine's exceptions into a refusal: the action's transaction rolls back.
    Our own refusals raised inside Spiff (nobody to assign) pass through unchanged."""
    try:
        yield
    except SpiffWorkflowException as exc:
        cause = exc.__cause__ or getattr(exc, "error", None)
        if isinstance(cause, ActionError):
            raise cause from exc
        where = getattr(getattr(exc, "task_spec", None), "bpmn_name", None) or step
        message = str(exc).split("\n")[0]
        raise ActionError(ErrorCode.STATE, f"流程无法继续（{where}）：{message}", status=409) from exc


def advance(workflow: BpmnWorkflow, *, now: datetime) -> None:
    """Run everything the engine can run without a person, as of `now` (timers included)."""
    with engine_errors(), engine_clock(now):
        for _ in range(MAX_ENGINE_ROUNDS):
            before = _fingerprint(workflow)
            workflow.do_engine_steps()
            workflow.refresh_timers()
            if _fingerprint(workflow) == before:
                return
        raise ActionError(ErrorCode.STATE, "流程在自动步骤中循环，无法继续。", status=409)


def _fingerprint(workflow: BpmnWorkflow):
    return tuple(sorted((str(t.id), t.state) for t in workflow.get_tasks()))


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return [
        t
        for t in workflow.get_tasks(state=TaskState.READY, manual=True)
        if isinstance(t.task_spec, OaUserTask)
    ]


def get_task(workflow: BpmnWorkflow, task_id: UUID):
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def multi_instance_parent(task):
    """The multi-instance step a signer's task belongs to, if any."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, OaMultiInstanceMixin):
        return parent
    return None


def signer_of(task) -> str | None:
    parent = multi_instance_parent(task)
    return task.data.get(parent.task_spec.input_item.bpmn_id) if parent else None


def step_name(spec) -> str:
    return spec.bpmn_name or spec.bpmn_id or spec.name


def record_decision(task, *, username: str, outcome: str, data: dict) -> None:
    """One person's decision on a step several people may share (added signers)."""
    task.data.update(data)
    task.internal_data.setdefault("oa_decisions", []).append({"user": username, "decision": outcome})


def finish(task, *, now: datetime) -> None:
    """Complete the engine task with the step's decision (any rejection rejects it)."""
    decisions = [d["decision"] for d in task.internal_data.get("oa_decisions", [])]
    task.data[DECISION_VAR] = aggregate_decision(decisions)
    # Completing a task readies what follows, which may start timers: on the engine clock.
    with engine_errors(step_name(task.task_spec)), engine_clock(now):
        task.run()


def return_targets(task) -> list:
    """Earlier completed steps this task may be sent back to (退回): the user tasks (or
    multi-instance steps) on the path that led here, nearest first, one per element."""
    targets, seen, start = [], {task.task_spec.bpmn_id}, None
    node = task.parent
    while node is not None:
        spec = node.task_spec
        is_step = isinstance(spec, OaMultiInstanceMixin) or (
            isinstance(spec, OaUserTask) and multi_instance_parent(node) is None
        )
        if is_step and node.state == TaskState.COMPLETED and spec.bpmn_id not in seen:
            seen.add(spec.bpmn_id)
            targets.append(node)
        elif is_start(node) and node.state == TaskState.COMPLETED and start is None:
            start = node
        node = node.parent
    # 退回发起人: back to the starter, who resubmits and the flow starts over; not offered
    # when the flow has a step of the starter's own to return to (e.g. 拟稿).
    starter_step = any(
        (getattr(_child_spec(t), "candidate_groups", "") or "").strip() == "starter" for t in targets
    )
    if start is not None and not starter_step:
        targets.append(start)
    return targets


def _child_spec(task):
    spec = task.task_spec
    if isinstance(spec, OaMultiInstanceMixin):
        return task.workflow.spec.task_specs[spec.task_spec]
    return spec


def is_start(task) -> bool:
    """The BPMN start event's task (a person started the flow there)."""
    return isinstance(task.task_spec, StartEvent) and bool(getattr(task.task_spec, "bpmn_id", None))


def reset_to(workflow: BpmnWorkflow, task, *, now: datetime) -> None:
    with engine_errors(step_name(task.task_spec)), engine_clock(now):
        workflow.reset_from_task_id(task.id)


def add_signer(workflow: BpmnWorkflow, parent_task, username: str, *, now: datetime) -> None:
    with engine_errors(step_name(parent_task.task_spec)), engine_clock(now):
        parent_task.task_spec.add_signer(parent_task, username)


def signers_of(parent_task) -> list[str]:
    """Everyone in a multi-instance step's collection (done, active or still to come)."""
    return list(parent_task.task_spec.data_input.get(parent_task) or [])


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """When the earliest waiting timer fires, so the deadline sweep can find this instance."""
    times = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(task.task_spec, CatchingEvent):
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):  # cycle timers
                value = value.get("next") if value.get("cycles") != 0 else None
            if isinstance(value, str):
                try:
                    times.append(TimerEventDefinition.get_datetime(value))
                except ValueError:
                    continue
    return min(times) if times else None
