"""What each step of the 发文 and 收文 flows does to the document (the flows' module hooks).

The starter kits' flows (templates_lib/builtin/flows/fawen.bpmn, shouwen.bpmn) name their
user tasks Task_Draft, Task_Review, ...; a unit that edits its flow keeps these ids for the
steps that should act on the document (a step it adds with another id is a plain approval).
Each hook runs inside the workflow action's transaction: a refusal here leaves nothing written.
"""

from __future__ import annotations

from django.utils import timezone

from oa.core.errors import ActionError, ErrorCode
from oa.workflow.module_hooks import ModuleHooks

MODULE = "documents"

OUTGOING_STEPS = {
    "Task_Draft": "draft",
    "Task_Review": "review",
    "Task_Countersign": "countersign",
    "Task_SignOff": "sign_off",
    "Task_Recheck": "recheck",
    "Task_Register": "register",
    "Task_Seal": "seal",
    "Task_Dispatch": "dispatch",
}
INCOMING_STEPS = {
    "Task_Acknowledge": "acknowledge",
    "Task_Register": "register",
    "Task_Check": "first_check",
    "Task_Return": "return_to_sender",
    "Task_Propose": "propose",
    "Task_Instruct": "instruct",
    "Task_Handle": "handle",
    "Task_Circulate": "circulate",
    "Task_Close": "complete",
    "Task_Archive": "archive",
}
# Steps at which the handler may still change the text (核稿 and 签发 may edit the draft).
EDITABLE_STEPS = {"draft", "review", "sign_off"}


def step_of(document, element_id: str) -> str:
    from oa.documents.models import Direction

    steps = OUTGOING_STEPS if document.direction == Direction.OUTGOING else INCOMING_STEPS
    return steps.get(element_id, "")


def _document_for(instance):
    from oa.documents.models import Document

    return Document.objects.select_for_update().filter(process_instance_id=instance.pk).first()


def before_complete(task, *, acting_user, outcome, opinion, data, now=None) -> dict | None:
    from oa.documents import actions

    document = _document_for(task.instance)
    if document is None:
        return None
    if document.is_archived and step_of(document, task.element_id) != "archive":
        raise ActionError(ErrorCode.ARCHIVED, "公文已归档，不能再办理。", status=409)
    step = step_of(document, task.element_id)
    handler = getattr(actions, f"step_{step}", None) if step else None
    if handler is None:
        return None
    return handler(
        document,
        task=task,
        acting_user=acting_user,
        outcome=outcome,
        opinion=opinion,
        data=data,
        now=now or timezone.now(),
    )


def after_advance(instance, *, actor) -> None:
    from oa.documents import actions

    document = _document_for(instance)
    if document is not None:
        actions.sync_with_flow(document, instance, actor=actor)


HOOKS = ModuleHooks(before_complete=before_complete, after_advance=after_advance)
