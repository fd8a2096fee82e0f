"""What the 借阅 flow's steps do to the loan (the flow's module hooks).

The library's `jieyue` flow has one decision step, Task_Approve (档案管理员审批); a unit that
adds steps before it (a department head's check) keeps that id for the step whose approval
lends the items. A flow that ends without Task_Approve approving (an earlier step refused)
leaves the loan refused; a cancelled flow withdraws it.
"""

from __future__ import annotations

from django.utils import timezone

from oa.workflow.module_hooks import ModuleHooks

MODULE = "archive"
APPROVAL_STEP = "Task_Approve"


def _loan_for(instance):
    from oa.archive.models import Loan

    return Loan.objects.select_for_update().filter(process_instance_id=instance.pk).first()


def before_complete(task, *, acting_user, outcome, opinion, data, now=None) -> dict | None:
    from oa.archive import actions

    if task.element_id != APPROVAL_STEP:
        return None
    loan = _loan_for(task.instance)
    if loan is None:
        return None
    actions.step_decide_loan(
        loan, acting_user=acting_user, outcome=outcome, opinion=opinion, now=now or timezone.now()
    )
    return None


def after_advance(instance, *, actor) -> None:
    from oa.archive import actions

    loan = _loan_for(instance)
    if loan is not None:
        actions.sync_loan_with_flow(loan, instance, actor=actor)


HOOKS = ModuleHooks(before_complete=before_complete, after_advance=after_advance)
