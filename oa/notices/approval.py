"""A column's approval flow (信息审批): an item sent for approval starts the column's flow, a
flow of the template library's module `notices` (templates_lib/builtin/flows/notice.bpmn ships
one: 办公室主任审核). When the flow ends the item is published, or sent back to its author as
未通过 when a step said no. The flow calls back through the workflow engine's module hooks."""

from __future__ import annotations

from django.utils import timezone

from oa.workflow.module_hooks import ModuleHooks

MODULE = "notices"


def notice_flows() -> list[dict]:
    """The unit's flows of the notices module (what a column may name as its approval flow)."""
    from oa.templates.models import UnitTemplate
    from templates_lib.kinds import TemplateKind
    from templates_lib.models import Template

    modules = dict(Template.objects.filter(kind=TemplateKind.FLOW).values_list("code", "module"))
    return [
        {"code": t.code, "name": t.name}
        for t in UnitTemplate.objects.filter(kind=TemplateKind.FLOW).order_by("code")
        if modules.get(t.parent_code or t.code, "") == MODULE
    ]


def notice_flow_keys() -> set[str]:
    return {flow["code"] for flow in notice_flows()}


def start(notice, *, acting_user, now, ip) -> None:
    from oa.templates import flows
    from oa.workflow import actions as workflow_actions

    definition = flows.current_definition(
        flows.flow_template(notice.column.approval_flow), acting_user=acting_user
    )
    instance = workflow_actions.do_start_process(
        definition,
        acting_user=acting_user,
        title=notice.title,
        data={"notice": notice.pk, "column": notice.column.name},
        business_key=f"notices.notice:{notice.pk}",
        now=now,
        ip=ip,
    )
    notice.process_instance = instance


def after_advance(instance, *, actor) -> None:
    from oa.core.audit import record_event
    from oa.notices.actions import publish_now
    from oa.notices.models import Notice
    from oa.workflow.models import HumanTask, ProcessInstance

    notice = Notice.objects.select_for_update().filter(process_instance_id=instance.pk).first()
    if (
        notice is None
        or notice.state != Notice.State.PENDING
        or instance.state == ProcessInstance.State.RUNNING
    ):
        return
    rejected = (
        instance.state == ProcessInstance.State.CANCELLED
        or HumanTask.objects.filter(
            instance_id=instance.pk, state=HumanTask.State.COMPLETED, outcome="reject"
        ).exists()
    )
    if rejected:
        notice.state = Notice.State.REJECTED
        notice.save(update_fields=["state", "updated_at"])
        record_event(
            "notices.rejected", acting_user=actor, target=notice, summary=f"信息未通过审批：{notice.title}"
        )
        return
    # Published as the author sent it; the approver is on the flow's trail.
    count = publish_now(notice, actor=notice.author, now=timezone.now())
    record_event(
        "notices.published", acting_user=actor, target=notice, summary=f"发布信息（审批通过）：{notice.title}",
        detail={"column": notice.column.name, "recipients": count, "instance": instance.pk},
    )  # fmt: skip


HOOKS = ModuleHooks(after_advance=after_advance)
