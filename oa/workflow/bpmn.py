"""SpiffWorkflow, specialised for the platform's BPMN conventions (docs/workflow.md).

- `OaBpmnParser` reads standard BPMN 2.0 with the Camunda namespace (what bpmn-js with
  camunda-bpmn-moddle writes): `camunda:candidateGroups` (assignment rules), `camunda:dueDate`,
  `camunda:formKey`, `camunda:properties` (e.g. `outcomes`), and multi-instance loops given by
  `camunda:collection` + `camunda:elementVariable`.
- Multi-instance steps fill their signer collection from the step's rules when the process
  data does not already hold it, aggregate the signers' decisions, and give completion
  conditions Camunda's counters (`nrOfInstances`, `nrOfCompletedInstances`, ...).
- Timers read the engine clock (`engine_clock(now)`), so a test or the deadline sweep says what
  "now" is instead of patching `datetime`; ISO-8601 literals are accepted unquoted, as
  Camunda and bpmn-js write them.
- The serialized state leaves the spec out: the definition row keeps the BPMN, and a running
  instance is always restored with the spec of the version it started on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from uuid import UUID

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.parser.event_parsers import BoundaryEventParser, IntermediateCatchEventParser
from SpiffWorkflow.bpmn.parser.node_parser import DEFAULT_NSMAP
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import first, full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    IntermediateCatchEvent,
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
    UserTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = DEFAULT_NSMAP["bpmn"]
NSMAP = {**DEFAULT_NSMAP, "camunda": CAMUNDA_NS}

DEFAULT_OUTCOMES = ("approve", "reject")
APPROVE, REJECT = "approve", "reject"
# Process variables the engine writes; forms may not set them.
DECISION_VAR, DECISIONS_VAR, STARTER_VAR = "decision", "decisions", "starter"


# --- the engine clock -----------------------------------------------------------------------

_clock: ContextVar[datetime | None] = ContextVar("oa_workflow_clock", default=None)


def engine_now() -> datetime:
    now = _clock.get()
    return now if now is not None else datetime.now(UTC)


@contextmanager
def engine_clock(now: datetime) -> Iterator[None]:
    """Run engine steps as if it were `now` (timers compare against it)."""
    token = _clock.set(now.astimezone(UTC))
    try:
        yield
    finally:
        _clock.reset(token)


# Camunda and bpmn-js write timer values as bare ISO-8601 text; Spiff evaluates them as
# Python, so such literals are quoted and anything else is an expression over process data.
ISO_LITERAL = re.compile(
    r"^(R\d*/.*|P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?)$"
)


def timer_expression(text: str) -> str:
    text = (text or "").strip()
    return repr(text) if ISO_LITERAL.match(text) else text


class OaTimeDateEventDefinition(TimeDateEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.parse_time_or_duration(event_value) <= engine_now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class OaDurationTimerEventDefinition(DurationTimerEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = engine_now()
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= engine_now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class OaCycleTimerEventDefinition(CycleTimerEventDefinition):
    def cycle_complete(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        now = engine_now()
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            event_value = parse_cycle(expression, now)
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def parse_cycle(expression: str, now: datetime) -> dict:
    """R<n>/<duration> (from now) or R<n>/<start>/<duration>, as Spiff stores it."""
    parts = expression.upper().strip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) == 2:
        parsed = TimerEventDefinition.parse_iso_duration(parts[1])
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        start = now + duration
    else:
        start = TimerEventDefinition.get_datetime(parts[1])
        parsed = TimerEventDefinition.parse_iso_duration(parts[2])
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, start)
    return {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}


def due_at_from(value: str, start: datetime | None) -> datetime:
    """`camunda:dueDate`: an ISO-8601 duration from `start` (P2D, PT4H) or a date-time."""
    value = (value or "").strip()
    start = start or engine_now()
    if value.upper().startswith("P"):
        parsed = TimerEventDefinition.parse_iso_duration(value)
        return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)
    return TimerEventDefinition.get_datetime(value)


def check_timer_literal(kind: str, value: str) -> None:
    """Raise ValueError unless `value` is a valid timeDate/timeDuration/timeCycle literal."""
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
        else:
            parse_cycle(value, engine_now())
    except ValueError:
        raise
    except Exception as exc:  # Spiff raises bare Exception for a bad duration
        raise ValueError(str(exc)) from exc


# --- task specs -------------------------------------------------------------------------------


class OaUserTask(UserTask):
    """A userTask with the platform's assignment attributes."""

    def __init__(
        self,
        wf_spec,
        bpmn_id,
        candidate_groups: str = "",
        due_date: str | None = None,
        outcomes: tuple[str, ...] = DEFAULT_OUTCOMES,
        form_key: str | None = None,
        **kwargs,
    ):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.candidate_groups = candidate_groups
        self.due_date = due_date
        self.outcomes = tuple(outcomes)
        self.form_key = form_key


def aggregate_decision(decisions: list[str | None]) -> str | None:
    """A step several people decide on is rejected if any of them rejected (会签的一票否决),
    otherwise it carries the last decision."""
    if REJECT in decisions:
        return REJECT
    return decisions[-1] if decisions else None


class OaMultiInstanceMixin:
    """Shared by the parallel (会签/或签) and sequential (依次审批) multi-instance specs."""

    def child_spec(self, my_task) -> OaUserTask:
        return my_task.workflow.spec.task_specs[self.task_spec]

    def _update_hook(self, my_task):
        # Fill the signer collection from the step's rules when the data does not hold it
        # (a form or the starter may have chosen the signers instead).
        my_task.internal_data["oa_decisions"] = []
        my_task._inherit_data()
        if not self.data_input.exists(my_task):
            resolve: Callable | None = getattr(my_task.workflow.top_workflow, "oa_signers", None)
            if resolve is None:
                raise WorkflowException("no signer resolver is attached to the workflow", task_spec=self)
            self.data_input.set(my_task, resolve(my_task, self.child_spec(my_task)))
        return super()._update_hook(my_task)

    def counters(self, my_task) -> dict:
        decisions = [d["decision"] for d in my_task.internal_data.get("oa_decisions", [])]
        instances = list(self._instances(my_task))
        active = [t for t in instances if not t.has_state(TaskState.FINISHED_MASK)]
        future = len(my_task.internal_data.get("remaining", []))
        return {
            "nrOfInstances": len(instances) + future,
            "nrOfCompletedInstances": len(decisions),
            "nrOfActiveInstances": len(active),
            "nrOfApprovals": decisions.count(APPROVE),
            "nrOfRejections": decisions.count(REJECT),
        }

    def check_completion_condition(self, my_task):
        merged = my_task.internal_data.get("merged", [])
        if merged and self.condition is not None:
            last_child = next(c for c in my_task.children if str(c.id) == merged[-1])
            return my_task.workflow.script_engine.evaluate(
                last_child, self.condition, external_context=self.counters(my_task)
            )
        return False

    def merge_child(self, workflow, child):
        my_task = child.parent
        # The element variable names one signer; it must not leak into the step's output
        # (and a sequential step refuses to start the next signer while it is set).
        signer = child.data.pop(self.input_item.bpmn_id, None)
        # Each signer's copy of the collection dates from when their task began; a signer
        # added since (加签) must not be merged away.
        child.data.pop(self.data_input.bpmn_id, None)
        decision = child.data.get(DECISION_VAR)
        record = {"user": signer, "decision": decision}
        my_task.internal_data.setdefault("oa_decisions", []).append(record)
        super().merge_child(workflow, child)
        my_task.data.pop(self.input_item.bpmn_id, None)
        decisions = my_task.internal_data["oa_decisions"]
        my_task.data[DECISION_VAR] = aggregate_decision([d["decision"] for d in decisions])
        my_task.data[DECISIONS_VAR] = [dict(d) for d in decisions]

    def add_signer(self, my_task, username: str) -> None:
        """加签 on a running multi-instance step: one more signer, now (parallel) or last (sequential)."""
        collection = self.data_input.get(my_task)
        collection.append(username)
        if isinstance(self, SequentialMultiInstanceTask):
            my_task.internal_data.setdefault("remaining", []).append(len(collection) - 1)
        else:
            self.create_child(my_task, username, len(collection) - 1)


class OaParallelMultiInstanceTask(OaMultiInstanceMixin, ParallelMultiInstanceTask):
    pass


class OaSequentialMultiInstanceTask(OaMultiInstanceMixin, SequentialMultiInstanceTask):
    pass


# --- parsers ----------------------------------------------------------------------------------


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class OaUserTaskParser(TaskParser):
    PARALLEL_MI_CLASS = OaParallelMultiInstanceTask
    SEQUENTIAL_MI_CLASS = OaSequentialMultiInstanceTask

    def parse_extensions(self, node=None):
        out = {}
        for prop in self.xpath("./bpmn:extensionElements/camunda:properties/camunda:property"):
            out[prop.get("name")] = prop.get("value")
        return out

    def create_task(self):
        props = self.parse_extensions()
        outcomes = tuple(split_list(props.get("outcomes"))) or DEFAULT_OUTCOMES
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            candidate_groups=(self.attribute("candidateGroups", "camunda") or "").strip(),
            due_date=(self.attribute("dueDate", "camunda") or "").strip() or None,
            outcomes=outcomes,
            form_key=self.attribute("formKey", "camunda"),
            **self.bpmn_attributes,
        )

    def _add_multiinstance_task(self, loop_characteristics):
        sequential = loop_characteristics.get("isSequential") == "true"
        collection = self.attribute("collection", "camunda", loop_characteristics)
        element_var = self.attribute("elementVariable", "camunda", loop_characteristics)
        if not collection or not element_var:
            self.raise_validation_exception(
                "多实例任务须用 camunda:collection 和 camunda:elementVariable 指定签署人集合和变量。"
            )
        condition = first(self.xpath("./bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition"))
        condition = condition.text.strip() if condition is not None and condition.text else None
        original = self.spec.task_specs.pop(self.task.name)
        cls = self.SEQUENTIAL_MI_CLASS if sequential else self.PARALLEL_MI_CLASS
        self.task = cls(
            self.spec,
            original.name,
            task_spec="",
            cardinality=None,
            data_input=TaskDataReference(collection),
            data_output=None,
            input_item=TaskDataReference(element_var),
            output_item=None,
            condition=condition,
            bpmn_name=original.bpmn_name,
            description="依次审批" if sequential else "会签",
        )
        self._copy_task_attrs(original, loop_characteristics)


class OaTimerParsing:
    """Creates the clock-aware timer definitions, quoting bare ISO-8601 values."""

    def parse_timer_event(self, event):
        description = self.get_event_description(event)
        name = self.node.get("name", self.node.get("id"))
        for tag, cls in (
            ("timeDate", OaTimeDateEventDefinition),
            ("timeDuration", OaDurationTimerEventDefinition),
            ("timeCycle", OaCycleTimerEventDefinition),
        ):
            node = first(self.xpath(f".//bpmn:{tag}"))
            if node is not None:
                return cls(name, timer_expression(node.text), description=description)
        raise ValidationException("定时事件须给出 timeDate、timeDuration 或 timeCycle。", node=self.node)


class OaIntermediateCatchEventParser(OaTimerParsing, IntermediateCatchEventParser):
    pass


class OaBoundaryEventParser(OaTimerParsing, BoundaryEventParser):
    pass


class OaBpmnParser(BpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        full_tag("userTask"): (OaUserTaskParser, OaUserTask),
        full_tag("intermediateCatchEvent"): (OaIntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (OaBoundaryEventParser, BoundaryEvent),
    }

    def __init__(self):
        super().__init__(namespaces=NSMAP)


# --- serialization ----------------------------------------------------------------------------


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Stores the task tree and data but not the spec, which is re-parsed from the definition."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None):
        if spec is None:
            raise ValueError("a workflow is restored with the spec of its definition")
        workflow = self.target_class(spec, {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _serializer_config() -> dict:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    for cls in (OaTimeDateEventDefinition, OaDurationTimerEventDefinition, OaCycleTimerEventDefinition):
        config[cls] = TimerConditionalEventDefinitionConverter
    return config


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_serializer_config()))


def dump_workflow(workflow: BpmnWorkflow) -> dict:
    dct = SERIALIZER.to_dict(workflow)
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return dct


def load_workflow(state: dict, spec) -> BpmnWorkflow:
    dct = dict(state)
    dct["tasks"] = _parents_first(dct["tasks"], dct["root"])
    SERIALIZER.migrate(dct)
    return SERIALIZER.from_dict(dct, spec=spec)


def _parents_first(tasks: dict, root: str) -> dict:
    """Spiff stores a task's data as a delta from its parent's and restores tasks in mapping
    order; PostgreSQL's jsonb does not keep key order, so put every parent before its children."""
    ordered, queue = {}, [root]
    while queue:
        task_id = queue.pop(0)
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(tasks[task_id]["children"])
    for task_id, task in tasks.items():  # anything detached, last (should not happen)
        ordered.setdefault(task_id, task)
    return ordered
