"""Workflow actions: the only writers of flows, each one transaction with its trail row
(TaskEvent) and its audit event. docs/workflow.md says what each Chinese OA action means here.

Every action on an instance first locks its row (SELECT ... FOR UPDATE), then re-reads the
task under the lock: two people in a candidate pool pressing 办理 at once cannot both win.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from SpiffWorkflow.util.task import TaskState

from oa.core.audit import actor_label, record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Staff
from oa.workflow import engine, module_hooks, notifying, queries
from oa.workflow.assignment import (
    Assignment,
    expand_variables,
    parse_rules,
    resolve_assignment,
    user_matches,
)
from oa.workflow.bpmn import DECISION_VAR, DECISIONS_VAR, REJECT, STARTER_VAR, due_at_from
from oa.workflow.models import CirculationRecord, HumanTask, ProcessDefinition, ProcessInstance, TaskEvent
from oa.workflow.validation import validate_bpmn

logger = logging.getLogger(__name__)
Action = TaskEvent.Action
RESERVED_VARS = {DECISION_VAR, DECISIONS_VAR, STARTER_VAR}
MAX_DATA_BYTES = 64 * 1024
# A person may urge the same task again only after this long (manual 催办).
REMIND_INTERVAL = timedelta(minutes=10)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- helpers shared by the actions ------------------------------------------------------------


def _text(
    value: str | None, *, field: str, label: str, required: bool = False, max_length: int = 2000
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ActionError(ErrorCode.INVALID, f"{label}不超过 {max_length} 个字符。", field=field)
    return value


def clean_data(data) -> dict:
    """Form data becomes process variables that gateways test: plain JSON under names an
    expression can use, and never the engine's own variables."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ActionError(ErrorCode.INVALID, "表单数据须为键值对象。", field="data")
    for key in data:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            raise ActionError(
                ErrorCode.INVALID, f"表单字段名“{key}”须为合法变量名（不以数字或下划线开头）。", field="data"
            )
        if key in RESERVED_VARS:
            raise ActionError(ErrorCode.INVALID, f"表单字段名“{key}”由流程引擎使用，不能提交。", field="data")
    try:
        encoded = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ActionError(
            ErrorCode.INVALID, "表单数据只能包含文本、数字、布尔、列表和对象。", field="data"
        ) from exc
    if len(encoded.encode("utf-8")) > MAX_DATA_BYTES:
        raise ActionError(ErrorCode.INVALID, "表单数据过大。", field="data")
    return json.loads(encoded)


def _lock(task: HumanTask) -> tuple[HumanTask, ProcessInstance]:
    instance = _lock_instance(task.instance_id)
    return HumanTask.objects.select_related("instance").get(pk=task.pk), instance


def _lock_instance(pk: int) -> ProcessInstance:
    return (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("definition", "starter")
        .get(pk=pk)
    )


def _require_running(instance: ProcessInstance) -> None:
    if instance.state != ProcessInstance.State.RUNNING:
        raise ActionError(ErrorCode.STATE, "流程已办结或已终止。", status=409)


def _require_handler(task: HumanTask, user) -> None:
    if task.state != HumanTask.State.OPEN:
        raise ActionError(ErrorCode.STATE, f"该事项已{task.get_state_display()}，请刷新。", status=409)
    if not queries.can_handle(task, user):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有该事项的办理人可以执行此操作。", status=403)


def _ready_spiff_task(workflow, task: HumanTask):
    spiff_task = engine.get_task(workflow, task.spiff_task_id)
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise ActionError(ErrorCode.STATE, "流程状态已变化，请刷新后重试。", status=409)
    return spiff_task


def _staff_user(user, *, field: str):
    """An active member of this unit (someone with a staff profile)."""
    if (
        user is None
        or not get_user_model().objects.filter(pk=user.pk, is_active=True, staff__isnull=False).exists()
    ):
        raise ActionError(ErrorCode.INVALID, "人员不存在或已停用。", field=field)
    return user


def _event(
    instance, action, *, actor, at, task=None, step="", outcome="", opinion="", detail=None
) -> TaskEvent:
    return TaskEvent.objects.create(
        instance=instance,
        task=task,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_label(actor),
        action=action,
        step=step or (task.name if task else ""),
        outcome=outcome,
        opinion=opinion,
        at=at,
        detail=detail or {},
    )


def _detail(event: TaskEvent, **detail) -> None:
    """Complete a trail row written before the engine ran (so it precedes its consequences)."""
    event.detail.update(detail)
    event.save(update_fields=["detail"])


def _close(task: HumanTask, state, *, actor, at, outcome="", opinion="") -> None:
    task.state = state
    task.completed_by = actor
    task.completed_at = at
    task.outcome = outcome
    task.opinion = opinion
    task.save(update_fields=["state", "completed_by", "completed_at", "outcome", "opinion"])


def _create_row(
    instance, spiff_task, assignment: Assignment, *, kind, now, transferred_from=None
) -> HumanTask:
    spec = spiff_task.task_spec
    return HumanTask.objects.create(
        instance=instance,
        spiff_task_id=spiff_task.id,
        element_id=spec.bpmn_id,
        name=engine.step_name(spec),
        kind=kind,
        form_key=spec.form_key or "",
        assignee_id=assignment.assignee_id,
        candidate_users=assignment.users,
        candidate_roles=assignment.roles,
        candidate_departments=assignment.departments,
        due_at=due_at_from(spec.due_date, now) if spec.due_date else None,
        created_at=now,
        transferred_from=transferred_from,
    )


def _materialise(instance, workflow, *, now, prefer: dict) -> tuple[list[HumanTask], list[HumanTask]]:
    """Make the rows match the engine: a row for each newly ready user task (assigned by its
    rules, its signer, or `prefer`: who handled it before a return or withdrawal), and close
    the rows of tasks the engine no longer waits for (or-sign siblings, interrupted steps)."""
    ready = {t.id: t for t in engine.ready_user_tasks(workflow)}
    cancelled, open_ids = [], set()
    for row in instance.tasks.filter(state=HumanTask.State.OPEN):
        if row.spiff_task_id in ready:
            open_ids.add(row.spiff_task_id)
        else:
            row.state = HumanTask.State.CANCELLED
            row.completed_at = now
            row.save(update_fields=["state", "completed_at"])
            cancelled.append(row)
    created = []
    User = get_user_model()
    for task_id, spiff_task in ready.items():
        if task_id in open_ids:
            continue
        spec = spiff_task.task_spec
        signer = engine.signer_of(spiff_task)
        if signer is not None:
            user = User.objects.filter(username=signer, is_active=True).first()
            if user is None:
                raise ActionError(
                    ErrorCode.NO_ASSIGNEE,
                    f"步骤“{engine.step_name(spec)}”的签署人“{signer}”不存在或已停用。",
                    status=409,
                )
            assignment, kind = Assignment(assignee_id=user.pk), HumanTask.Kind.SIGNER
        elif task_id in prefer and User.objects.filter(pk=prefer[task_id], is_active=True).exists():
            assignment, kind = Assignment(assignee_id=prefer[task_id]), HumanTask.Kind.SINGLE
        else:
            step = engine.step_name(spec)
            rules = expand_variables(spec.candidate_groups, spiff_task.data, step=step)
            assignment = resolve_assignment(parse_rules(rules), starter=instance.starter, step=step)
            kind = HumanTask.Kind.SINGLE
        created.append(_create_row(instance, spiff_task, assignment, kind=kind, now=now))
    return created, cancelled


def _advance(instance, workflow, *, now, actor, prefer: dict | None = None) -> list[HumanTask]:
    """Run the engine as far as it goes, sync the rows, and store the state."""
    engine.advance(workflow, now=now)
    created, _cancelled = _materialise(instance, workflow, now=now, prefer=prefer or {})
    if workflow.is_completed():
        instance.state = ProcessInstance.State.COMPLETED
        instance.ended_at = now
        instance.next_timer_at = None
        _event(instance, Action.END, actor=None, at=now, step="办结")
    else:
        instance.next_timer_at = engine.next_timer_at(workflow)
    engine.store(instance, workflow)
    instance.save(update_fields=["state", "ended_at", "next_timer_at", "spiff_state", "data"])
    module_hooks.after_advance(instance, actor=actor)
    return created


# --- definitions --------------------------------------------------------------------------------


@transaction.atomic
def do_deploy_process_definition(
    *,
    acting_user,
    key: str,
    name: str,
    bpmn_xml: str,
    module: str = "",
    template_code: str = "",
    template_version: int | None = None,
    form_key: str = "",
    ip=None,
) -> ProcessDefinition:
    """Validate and store a new version of a flow. The same BPMN as the latest version is
    not a new version (instantiating a template twice changes nothing)."""
    key = _text(key, field="key", label="流程代码", required=True, max_length=64)
    if not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
        raise ActionError(ErrorCode.INVALID, "流程代码只能包含英文字母、数字、- 和 _。", field="key")
    name = _text(name, field="name", label="流程名称", required=True, max_length=128)
    parsed = validate_bpmn(bpmn_xml)
    latest = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    form_key = (form_key or "").strip()
    if (
        latest is not None
        and latest.bpmn_xml == bpmn_xml
        and latest.name == name
        and latest.form_key == form_key
    ):
        return latest
    version = (ProcessDefinition.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0) + 1
    definition = ProcessDefinition.objects.create(
        key=key,
        name=name,
        version=version,
        bpmn_xml=bpmn_xml,
        process_id=parsed.process_id,
        starter_groups=", ".join(str(r) for r in parsed.starter_rules),
        module=(module or "").strip(),
        template_code=(template_code or "").strip(),
        template_version=template_version,
        form_key=form_key,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    record_event(
        "workflow.definition_deployed",
        acting_user=acting_user,
        target=definition,
        summary=f"部署流程：{name}（{key} 第 {version} 版）",
        detail={"key": key, "version": version, "template": template_code},
        ip=ip,
    )
    return definition


def latest_definition(key: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise ActionError(ErrorCode.NOT_FOUND, f"流程“{key}”不存在。", field="definition", status=404)
    return definition


# --- starting and ending ------------------------------------------------------------------------


@transaction.atomic
def do_start_process(
    definition: ProcessDefinition,
    *,
    acting_user,
    title: str,
    data: dict | None = None,
    business_key: str = "",
    urgency: str = ProcessInstance.Urgency.NORMAL,
    now: datetime | None = None,
    ip=None,
) -> ProcessInstance:
    now = _now(now)
    title = _text(title, field="title", label="标题", required=True, max_length=200)
    data = clean_data(data)
    if urgency not in ProcessInstance.Urgency.values:
        raise ActionError(ErrorCode.INVALID, "紧急程度无效。", field="urgency")
    if not Staff.objects.filter(user_id=acting_user.pk).exists():
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有本单位人员可以发起流程。", status=403)
    if definition.starter_groups and not user_matches(
        acting_user, parse_rules(definition.starter_groups), starter=acting_user
    ):
        raise ActionError(ErrorCode.PERMISSION_DENIED, f"您不能发起“{definition.name}”。", status=403)
    instance = ProcessInstance.objects.create(
        definition=definition,
        title=title,
        business_key=_text(business_key, field="business_key", label="业务标识", max_length=100),
        module=definition.module,
        urgency=urgency,
        starter=acting_user,
        started_at=now,
        data=data,
    )
    workflow = engine.new_workflow(
        definition, starter=acting_user, data={**data, STARTER_VAR: acting_user.username}
    )
    _event(
        instance, Action.START, actor=acting_user, at=now, step="发起", detail={"version": definition.version}
    )
    created = _advance(instance, workflow, now=now, actor=acting_user)
    notifying.new_tasks(created, actor=acting_user)
    record_event(
        "workflow.process_started",
        acting_user=acting_user,
        target=instance,
        summary=f"发起流程：{title}（{definition.name}）",
        detail={
            "definition": definition.key,
            "version": definition.version,
            "tasks": [t.pk for t in created],
        },
        ip=ip,
    )
    return instance


@transaction.atomic
def do_cancel_process(
    instance: ProcessInstance, *, acting_user, reason: str, now=None, ip=None
) -> ProcessInstance:
    """终止: the starter stops a running flow; open tasks are closed."""
    now = _now(now)
    instance = _lock_instance(instance.pk)
    _require_running(instance)
    if instance.starter_id != acting_user.pk:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有发起人可以终止流程。", status=403)
    reason = _text(reason, field="reason", label="终止原因", required=True, max_length=500)
    workflow = engine.restore(instance)
    with engine.engine_errors():
        workflow.cancel()
    instance.tasks.filter(state=HumanTask.State.OPEN).update(
        state=HumanTask.State.CANCELLED, completed_at=now
    )
    instance.state = ProcessInstance.State.CANCELLED
    instance.ended_at = now
    instance.next_timer_at = None
    engine.store(instance, workflow)
    instance.save(update_fields=["state", "ended_at", "next_timer_at", "spiff_state"])
    _event(instance, Action.CANCEL, actor=acting_user, at=now, step="终止", opinion=reason)
    module_hooks.after_advance(instance, actor=acting_user)
    record_event(
        "workflow.process_cancelled",
        acting_user=acting_user,
        target=instance,
        summary=f"终止流程：{instance.title}",
        detail={"reason": reason},
        ip=ip,
    )
    return instance


# --- handling a task ----------------------------------------------------------------------------


@transaction.atomic
def do_complete_task(
    task: HumanTask,
    *,
    acting_user,
    outcome: str,
    opinion: str = "",
    data: dict | None = None,
    now: datetime | None = None,
    ip=None,
) -> HumanTask:
    """办理: decide on a step (approve/reject or the step's own outcomes) with an opinion."""
    now = _now(now)
    task, instance = _lock(task)
    _require_running(instance)
    _require_handler(task, acting_user)
    workflow = engine.restore(instance)
    start_task = engine.get_task(workflow, task.spiff_task_id)
    if start_task is not None and engine.is_start(start_task):
        _resubmit(
            task,
            instance,
            workflow,
            start_task,
            acting_user=acting_user,
            outcome=outcome,
            opinion=opinion,
            data=data,
            now=now,
        )
        record_event(
            "workflow.task_completed",
            acting_user=acting_user,
            target=task,
            summary=f"重新提交：{instance.title}",
            detail={"instance": instance.pk, "outcome": outcome},
            ip=ip,
        )
        return task
    spiff_task = _ready_spiff_task(workflow, task)
    outcomes = spiff_task.task_spec.outcomes
    if outcome not in outcomes:
        raise ActionError(ErrorCode.INVALID, f"办理结果应为：{'、'.join(outcomes)}。", field="outcome")
    opinion = _text(opinion, field="opinion", label="不同意的意见", required=outcome == REJECT)
    data = clean_data(data)
    extra = module_hooks.before_complete(
        task, acting_user=acting_user, outcome=outcome, opinion=opinion, data=data, now=now
    )
    if extra:
        data = {**data, **extra}

    _close(task, HumanTask.State.COMPLETED, actor=acting_user, at=now, outcome=outcome, opinion=opinion)
    instance.data.update(data)
    engine.record_decision(spiff_task, username=acting_user.username, outcome=outcome, data=data)
    # A step with added signers (加签) moves on only when the last of them has decided.
    waiting = instance.tasks.filter(state=HumanTask.State.OPEN, spiff_task_id=task.spiff_task_id).exists()
    event = _event(
        instance, Action.COMPLETE, actor=acting_user, at=now, task=task, outcome=outcome, opinion=opinion
    )
    created = []
    if waiting:
        engine.store(instance, workflow)
        instance.save(update_fields=["spiff_state", "data"])
    else:
        engine.finish(spiff_task, now=now)
        created = _advance(instance, workflow, now=now, actor=acting_user)
        notifying.new_tasks(created, actor=acting_user)
    _detail(event, step_done=not waiting, next=[t.pk for t in created], data=sorted(data))
    record_event(
        "workflow.task_completed",
        acting_user=acting_user,
        target=task,
        summary=f"办理“{task.name}”：{instance.title}（{outcome}）",
        detail={"instance": instance.pk, "outcome": outcome},
        ip=ip,
    )
    return task


RESUBMIT = "submit"


def _return_to_starter(instance, start_task, *, now) -> HumanTask:
    """退回发起人: every open step closes and the starter gets the item back to correct and
    resubmit; the engine is left as it is until then (resubmitting starts the flow over)."""
    instance.tasks.filter(state=HumanTask.State.OPEN).update(
        state=HumanTask.State.CANCELLED, completed_at=now
    )
    instance.next_timer_at = None
    instance.save(update_fields=["next_timer_at"])
    return HumanTask.objects.create(
        instance=instance,
        spiff_task_id=start_task.id,
        element_id=start_task.task_spec.bpmn_id,
        name=engine.step_name(start_task.task_spec),
        kind=HumanTask.Kind.SINGLE,
        form_key=instance.definition.form_key,
        assignee_id=instance.starter_id,
        created_at=now,
    )


def _resubmit(task, instance, workflow, start_task, *, acting_user, outcome, opinion, data, now):
    """The starter resubmits after 退回发起人: the flow starts over with the corrected data."""
    if outcome != RESUBMIT:
        raise ActionError(ErrorCode.INVALID, f"办理结果应为：{RESUBMIT}。", field="outcome")
    opinion = _text(opinion, field="opinion", label="说明")
    data = clean_data(data)
    _close(task, HumanTask.State.COMPLETED, actor=acting_user, at=now, outcome=outcome, opinion=opinion)
    instance.data.update(data)
    event = _event(
        instance, Action.COMPLETE, actor=acting_user, at=now, task=task, outcome=outcome, opinion=opinion
    )
    engine.reset_to(workflow, start_task, now=now)
    start_task = engine.get_task(workflow, task.spiff_task_id)
    start_task.data.update(data)
    for name in (DECISION_VAR, DECISIONS_VAR):
        start_task.data.pop(name, None)
    created = _advance(instance, workflow, now=now, actor=acting_user)
    notifying.new_tasks(created, actor=acting_user)
    _detail(event, step_done=True, next=[t.pk for t in created], data=sorted(data))
    return task


@transaction.atomic
def do_return_task(
    task: HumanTask, *, acting_user, to_element: str, opinion: str, now: datetime | None = None, ip=None
) -> HumanTask:
    """退回: send the flow back to an earlier completed step, with a reason. The step goes
    back to whoever handled it last (a multi-instance step starts over with its signers)."""
    now = _now(now)
    task, instance = _lock(task)
    _require_running(instance)
    _require_handler(task, acting_user)
    opinion = _text(opinion, field="opinion", label="退回理由", required=True)
    workflow = engine.restore(instance)
    spiff_task = _ready_spiff_task(workflow, task)
    targets = {t.task_spec.bpmn_id: t for t in engine.return_targets(spiff_task)}
    target = targets.get(to_element)
    if target is None:
        raise ActionError(ErrorCode.INVALID, "只能退回到本流程中已办理过的前序步骤。", field="to_element")
    prefer = {}
    last = (
        instance.tasks.filter(spiff_task_id=target.id, state=HumanTask.State.COMPLETED)
        .order_by("-completed_at", "-id")
        .first()
    )
    if last is not None and last.completed_by_id:
        prefer[target.id] = last.completed_by_id
    _close(task, HumanTask.State.RETURNED, actor=acting_user, at=now, outcome="return", opinion=opinion)
    target_name = engine.step_name(target.task_spec)
    event = _event(
        instance,
        Action.RETURN,
        actor=acting_user,
        at=now,
        task=task,
        outcome="return",
        opinion=opinion,
        detail={"to": to_element, "to_name": target_name},
    )
    if engine.is_start(target):
        created = [_return_to_starter(instance, target, now=now)]
    else:
        engine.reset_to(workflow, target, now=now)
        created = _advance(instance, workflow, now=now, actor=acting_user, prefer=prefer)
    notifying.new_tasks(created, actor=acting_user, kind="todo.returned", reason=opinion)
    _detail(event, next=[t.pk for t in created])
    record_event(
        "workflow.task_returned",
        acting_user=acting_user,
        target=task,
        summary=f"退回“{task.name}”至“{target_name}”：{instance.title}",
        detail={"instance": instance.pk, "to": to_element, "reason": opinion},
        ip=ip,
    )
    return task


@transaction.atomic
def do_withdraw_task(task: HumanTask, *, acting_user, reason: str = "", now: datetime | None = None, ip=None):
    """撤回: whoever completed a step takes it back while the next step is untouched (nobody
    has completed, returned, transferred or added a signer since). The step reopens for them."""
    now = _now(now)
    task, instance = _lock(task)
    if task.completed_by_id != acting_user.pk:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有办理人本人可以撤回。", status=403)
    refusal = queries.withdraw_refusal(task)
    if refusal:
        raise ActionError(ErrorCode.STATE, refusal, status=409)
    reason = _text(reason, field="reason", label="撤回原因", max_length=500)
    workflow = engine.restore(instance)
    spiff_task = engine.get_task(workflow, task.spiff_task_id)
    if spiff_task is None or spiff_task.state != TaskState.COMPLETED:
        raise ActionError(ErrorCode.STATE, "流程状态已变化，不能撤回。", status=409)
    task.state = HumanTask.State.WITHDRAWN
    task.save(update_fields=["state"])
    event = _event(instance, Action.WITHDRAW, actor=acting_user, at=now, task=task, opinion=reason)
    engine.reset_to(workflow, spiff_task, now=now)
    created = _advance(instance, workflow, now=now, actor=acting_user, prefer={spiff_task.id: acting_user.pk})
    _detail(event, reopened=[t.pk for t in created])
    record_event(
        "workflow.task_withdrawn",
        acting_user=acting_user,
        target=task,
        summary=f"撤回“{task.name}”：{instance.title}",
        detail={"instance": instance.pk, "reason": reason},
        ip=ip,
    )
    return next((t for t in created if t.spiff_task_id == task.spiff_task_id), None)


@transaction.atomic
def do_transfer_task(
    task: HumanTask, *, acting_user, to_user, opinion: str = "", now: datetime | None = None, ip=None
) -> HumanTask:
    """转办: hand my share of a step to someone else; the flow itself does not move."""
    now = _now(now)
    task, instance = _lock(task)
    _require_running(instance)
    _require_handler(task, acting_user)
    target = _staff_user(to_user, field="to_user")
    if target.pk == acting_user.pk:
        raise ActionError(ErrorCode.INVALID, "不能转办给自己。", field="to_user")
    opinion = _text(opinion, field="opinion", label="转办说明")
    _close(task, HumanTask.State.TRANSFERRED, actor=acting_user, at=now, outcome="transfer", opinion=opinion)
    new = HumanTask.objects.create(
        instance=instance,
        spiff_task_id=task.spiff_task_id,
        element_id=task.element_id,
        name=task.name,
        kind=task.kind,
        form_key=task.form_key,
        assignee=target,
        due_at=task.due_at,
        overdue=task.overdue,
        created_at=now,
        transferred_from=task,
    )
    notifying.new_tasks([new], actor=acting_user)
    _event(
        instance,
        Action.TRANSFER,
        actor=acting_user,
        at=now,
        task=task,
        outcome="transfer",
        opinion=opinion,
        detail={"to": target.username, "to_name": actor_label(target), "new_task": new.pk},
    )
    record_event(
        "workflow.task_transferred",
        acting_user=acting_user,
        target=task,
        summary=f"转办“{task.name}”给 {actor_label(target)}：{instance.title}",
        detail={"instance": instance.pk, "to": target.username},
        ip=ip,
    )
    return new


@transaction.atomic
def do_add_signer(
    task: HumanTask, *, acting_user, user, opinion: str = "", now: datetime | None = None, ip=None
) -> HumanTask | None:
    """加签: one more person must sign this step.

    On a multi-instance step (会签/或签/依次审批) the person joins its signers: at once when
    parallel, after the others when sequential. On a single step they sign alongside the
    holder, and the step moves on when both have decided (any rejection rejects it).
    """
    now = _now(now)
    task, instance = _lock(task)
    _require_running(instance)
    _require_handler(task, acting_user)
    signer = _staff_user(user, field="user")
    opinion = _text(opinion, field="opinion", label="加签说明")
    workflow = engine.restore(instance)
    spiff_task = _ready_spiff_task(workflow, task)
    parent = engine.multi_instance_parent(spiff_task)
    event = _event(
        instance,
        Action.ADD_SIGNER,
        actor=acting_user,
        at=now,
        task=task,
        opinion=opinion,
        detail={"signer": signer.username, "signer_name": actor_label(signer)},
    )
    new = None
    if parent is not None:
        if signer.username in engine.signers_of(parent):
            raise ActionError(ErrorCode.DUPLICATE, f"{actor_label(signer)}已是本步骤的签署人。", field="user")
        engine.add_signer(workflow, parent, signer.username, now=now)
        created = _advance(instance, workflow, now=now, actor=acting_user)
        new = next((t for t in created if t.assignee_id == signer.pk), None)
    else:
        holders = instance.tasks.filter(spiff_task_id=task.spiff_task_id, state=HumanTask.State.OPEN)
        if signer.pk == acting_user.pk or holders.filter(assignee=signer).exists():
            raise ActionError(ErrorCode.DUPLICATE, f"{actor_label(signer)}已在办理本步骤。", field="user")
        new = _create_row(
            instance, spiff_task, Assignment(assignee_id=signer.pk), kind=HumanTask.Kind.ADDED, now=now
        )
        if task.assignee_id is None:
            # A pool's task becomes the adder's own: the added signer signs alongside a person.
            task.assignee = acting_user
            task.candidate_users, task.candidate_roles, task.candidate_departments = [], [], []
            task.save(
                update_fields=["assignee", "candidate_users", "candidate_roles", "candidate_departments"]
            )
    if parent is not None:
        notifying.new_tasks(created, actor=acting_user)
    elif new is not None:
        notifying.new_tasks([new], actor=acting_user)
    _detail(event, new_task=new.pk if new else None)
    record_event(
        "workflow.signer_added",
        acting_user=acting_user,
        target=task,
        summary=f"加签“{task.name}”：{actor_label(signer)}（{instance.title}）",
        detail={"instance": instance.pk, "signer": signer.username},
        ip=ip,
    )
    return new


@transaction.atomic
def do_remind_task(task: HumanTask, *, acting_user, note: str = "", now: datetime | None = None, ip=None):
    """催办 by hand: a party to the instance urges whoever holds an open task."""
    now = _now(now)
    task, instance = _lock(task)
    _require_running(instance)
    if task.state != HumanTask.State.OPEN:
        raise ActionError(ErrorCode.STATE, "该事项已办理，无需催办。", status=409)
    if not queries.is_party(instance, acting_user) or queries.can_handle(task, acting_user):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有发起人和经办人可以催办他人的待办。", status=403)
    note = _text(note, field="note", label="催办说明", max_length=500)
    last = instance.events.filter(task=task, action=Action.REMIND, actor=acting_user).order_by("-at").first()
    if last is not None and now - last.at < REMIND_INTERVAL:
        raise ActionError(ErrorCode.THROTTLED, "刚刚已催办过，请稍后再试。", status=429)
    task.reminded_at = now
    task.remind_count += 1
    task.save(update_fields=["reminded_at", "remind_count"])
    _event(instance, Action.REMIND, actor=acting_user, at=now, task=task, opinion=note)
    notifying.urged(task, actor=acting_user, note=note)
    record_event(
        "workflow.task_reminded",
        acting_user=acting_user,
        target=task,
        summary=f"催办“{task.name}”：{instance.title}",
        detail={"instance": instance.pk},
        ip=ip,
    )
    return task


# --- 传阅 circulation ----------------------------------------------------------------------------


@transaction.atomic
def do_circulate(
    instance: ProcessInstance,
    *,
    acting_user,
    recipients: list,
    note: str = "",
    task: HumanTask | None = None,
    now: datetime | None = None,
    ip=None,
) -> list[CirculationRecord]:
    """传阅: send the item to people for reading; each gets a record whose read_at is the
    receipt, so the sender sees who has not read it yet. Sending again to someone is a no-op."""
    now = _now(now)
    instance = _lock_instance(instance.pk)
    holds_task = HumanTask.objects.filter(
        queries.handler_q(acting_user), instance=instance, state=HumanTask.State.OPEN
    ).exists()
    if not (holds_task or queries.is_party(instance, acting_user)):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有经办人可以传阅。", status=403)
    if not recipients:
        raise ActionError(ErrorCode.REQUIRED, "请选择传阅对象。", field="recipients")
    note = _text(note, field="note", label="传阅说明", max_length=500)
    recipients = [_staff_user(u, field="recipients") for u in {u.pk: u for u in recipients}.values()]
    already = set(instance.circulations.values_list("recipient_id", flat=True))
    records = [
        CirculationRecord.objects.create(
            instance=instance, task=task, sender=acting_user, recipient=r, note=note, created_at=now
        )
        for r in recipients
        if r.pk not in already and r.pk != acting_user.pk
    ]
    if records:
        _event(
            instance,
            Action.CIRCULATE,
            actor=acting_user,
            at=now,
            task=task,
            step="传阅",
            opinion=note,
            detail={"recipients": [r.recipient.username for r in records]},
        )
        record_event(
            "workflow.circulated",
            acting_user=acting_user,
            target=instance,
            summary=f"传阅：{instance.title}（{len(records)} 人）",
            detail={"recipients": [r.recipient.username for r in records]},
            ip=ip,
        )
    return records


@transaction.atomic
def do_read_circulation(record: CirculationRecord, *, acting_user, now: datetime | None = None, ip=None):
    """The read receipt (已阅). Reading again keeps the first time."""
    now = _now(now)
    record = CirculationRecord.objects.select_for_update().select_related("instance").get(pk=record.pk)
    if record.recipient_id != acting_user.pk:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有传阅对象本人可以签阅。", status=403)
    if record.read_at is not None:
        return record
    record.read_at = now
    record.save(update_fields=["read_at"])
    _event(record.instance, Action.READ, actor=acting_user, at=now, step="传阅", detail={"record": record.pk})
    record_event(
        "workflow.circulation_read",
        acting_user=acting_user,
        target=record,
        summary=f"阅读传阅：{record.instance.title}",
        ip=ip,
    )
    return record


# --- deadlines and timers (the beat task calls these in each unit's schema) -----------------


@dataclass
class DeadlineReport:
    timers_fired: int = 0
    due_soon: int = 0
    overdue: int = 0


def do_fire_due_timers(*, now: datetime | None = None) -> int:
    """Advance every running instance whose BPMN timer is due; one transaction each, and an
    instance another worker holds is left for the next sweep."""
    now = _now(now)
    fired = 0
    due = ProcessInstance.objects.filter(state=ProcessInstance.State.RUNNING, next_timer_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        try:
            fired += _fire_timers(pk, now=now)
        except ActionError as exc:
            # E.g. the escalation step's rules match nobody: this instance waits (and is
            # retried at the next sweep) without holding up the others.
            logger.warning("workflow instance %s: timer could not fire: %s", pk, exc.detail)
    return fired


@transaction.atomic
def _fire_timers(pk: int, *, now: datetime) -> int:
    instance = (
        ProcessInstance.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("definition", "starter")
        .filter(pk=pk, state=ProcessInstance.State.RUNNING, next_timer_at__lte=now)
        .first()
    )
    if instance is None:
        return 0
    workflow = engine.restore(instance)
    before = set(instance.tasks.filter(state=HumanTask.State.OPEN).values_list("pk", flat=True))
    event = _event(instance, Action.TIMER, actor=None, at=now, step="定时")
    created = _advance(instance, workflow, now=now, actor=None)
    notifying.new_tasks(created, actor=None)
    closed = before - set(instance.tasks.filter(state=HumanTask.State.OPEN).values_list("pk", flat=True))
    _detail(event, closed=sorted(closed), opened=[t.pk for t in created])
    record_event(
        "workflow.timer_fired",
        acting_user=None,
        target=instance,
        summary=f"定时事件触发：{instance.title}",
        detail={"closed": sorted(closed), "opened": [t.pk for t in created]},
    )
    return 1


@transaction.atomic
def do_mark_deadlines(*, now: datetime | None = None) -> DeadlineReport:
    """Automatic 催办: a reminder when a task's deadline is near (once: within
    OA_WORKFLOW_DUE_SOON_HOURS and in the last quarter of its time), and the overdue flag with a
    reminder when it has passed (once). Safe to run twice: each flips a flag."""
    now = _now(now)
    report = DeadlineReport()
    soon = now + timedelta(hours=settings.OA_WORKFLOW_DUE_SOON_HOURS)
    open_tasks = HumanTask.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
        "instance"
    )
    for task in open_tasks.filter(
        state=HumanTask.State.OPEN, due_at__gt=now, due_at__lte=soon, auto_reminded_at__isnull=True
    ):
        # A step given four hours is not "due soon" the moment it starts: remind only in the
        # last quarter of the time it was given.
        if task.due_at - now > (task.due_at - task.created_at) / 4:
            continue
        task.auto_reminded_at = task.reminded_at = now
        task.remind_count += 1
        task.save(update_fields=["auto_reminded_at", "reminded_at", "remind_count"])
        _event(
            task.instance,
            Action.AUTO_REMIND,
            actor=None,
            at=now,
            task=task,
            detail={"due_at": task.due_at.isoformat()},
        )
        notifying.deadline(task, overdue=False)
        report.due_soon += 1
    for task in open_tasks.filter(state=HumanTask.State.OPEN, due_at__lte=now, overdue=False):
        task.overdue = True
        task.reminded_at = now
        task.remind_count += 1
        task.save(update_fields=["overdue", "reminded_at", "remind_count"])
        _event(
            task.instance,
            Action.OVERDUE,
            actor=None,
            at=now,
            task=task,
            detail={"due_at": task.due_at.isoformat()},
        )
        notifying.deadline(task, overdue=True)
        report.overdue += 1
    if report.due_soon or report.overdue:
        record_event(
            "workflow.deadlines_marked",
            acting_user=None,
            summary=f"自动催办 {report.due_soon} 项，标记超期 {report.overdue} 项",
            detail={"due_soon": report.due_soon, "overdue": report.overdue},
        )
    return report


def do_process_deadlines(*, now: datetime | None = None) -> DeadlineReport:
    """The deadline sweep for the current schema: BPMN timers first, then task deadlines."""
    now = _now(now)
    fired = do_fire_due_timers(now=now)
    report = do_mark_deadlines(now=now)
    report.timers_fired = fired
    return report
