"""借阅: a request goes through the unit's 借阅 flow; an approved loan lends the items until its
end, checked at every access, and the beat sweep marks it expired; every view is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from oa.archive import actions, queries
from oa.archive.models import AccessRecord, Loan
from oa.core.errors import ActionError, ErrorCode
from oa.core.models import AuditEvent
from oa.notifications.models import Notification
from oa.workflow import actions as workflow_actions
from oa.workflow.models import HumanTask
from tests.oa.archive.conftest import filed


def _approval(loan) -> HumanTask:
    return HumanTask.objects.get(instance_id=loan.process_instance_id, state=HumanTask.State.OPEN)


def _decide(loan, user, outcome="approve", opinion="同意借阅。", now=None):
    workflow_actions.do_complete_task(
        _approval(loan), acting_user=user, outcome=outcome, opinion=opinion, now=now
    )
    loan.refresh_from_db()
    return loan


def test_it_lends_through_the_flow_and_the_loan_expires_by_itself(people):
    item = filed(people)
    loan = actions.do_request_loan(acting_user=people["clerk"], documents=[item.pk], purpose="查考", days=3)
    assert loan.state == Loan.State.PENDING and loan.process_instance.definition.key == "jieyue"
    task = _approval(loan)
    assert task.element_id == "Task_Approve"
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, item.pk)
    assert refused.value.code == ErrorCode.LOAN_EXPIRED

    approved_at = timezone.now()
    _decide(loan, people["clerk2"], now=approved_at)
    assert loan.state == Loan.State.APPROVED and loan.decided_by == people["clerk2"]
    assert loan.expires_at == approved_at + timedelta(days=3)
    lent_loan, lent = queries.loaned_item(people["clerk"], loan.pk, item.pk)
    actions.do_record_access(lent_loan, lent, acting_user=people["clerk"], action=AccessRecord.Action.VIEW)
    assert [r.action for r in queries.access_records(people["clerk2"], loan)] == ["view"]

    # At the end time access stops, before any sweep has run...
    after = loan.expires_at + timedelta(seconds=1)
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, item.pk, now=after)
    assert refused.value.code == ErrorCode.LOAN_EXPIRED and refused.value.status == 403
    # ...and the sweep marks it, once.
    assert actions.do_expire_loans(now=after) == 1
    assert actions.do_expire_loans(now=after) == 0
    loan.refresh_from_db()
    assert loan.state == Loan.State.EXPIRED
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, item.pk)
    assert refused.value.code == ErrorCode.LOAN_EXPIRED
    actions_logged = set(AuditEvent.objects.filter(target_id=str(loan.pk)).values_list("action", flat=True))
    assert {"archive.loan_requested", "archive.loan_approved", "archive.loan_expired"} <= actions_logged
    told = Notification.objects.filter(recipient=people["clerk"], source_id=str(loan.pk))
    assert set(told.values_list("kind", flat=True)) == {"archive.loan_approved", "archive.loan_expired"}


def test_a_refused_loan_lends_nothing(people):
    item = filed(people)
    loan = actions.do_request_loan(acting_user=people["clerk"], documents=[item.pk], purpose="查考", days=3)
    _decide(loan, people["clerk2"], outcome="reject", opinion="用途不明。")
    assert loan.state == Loan.State.REJECTED and loan.expires_at is None
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, item.pk)
    assert refused.value.code == ErrorCode.LOAN_EXPIRED


def test_only_the_borrower_uses_a_loan_and_downloads_need_leave(people):
    item = filed(people)
    loan = actions.do_request_loan(acting_user=people["clerk"], documents=[item.pk], purpose="查考", days=1)
    _decide(loan, people["clerk2"])
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["auditor"], loan.pk, item.pk)
    assert refused.value.status == 404
    with pytest.raises(ActionError) as refused:
        actions.do_record_access(loan, item, acting_user=people["clerk"], action=AccessRecord.Action.DOWNLOAD)
    assert refused.value.status == 403
    other = filed(people, title="另一件")
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, other.pk)
    assert refused.value.status == 404


def test_an_archivist_cannot_approve_their_own_loan(people):
    item = filed(people)
    loan = actions.do_request_loan(acting_user=people["clerk2"], documents=[item.pk], purpose="自查", days=1)
    with pytest.raises(ActionError) as refused:
        _decide(loan, people["clerk2"])
    assert refused.value.status == 403
    assert Loan.objects.get(pk=loan.pk).state == Loan.State.PENDING


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 31}, "days"),
        ({"purpose": " "}, "purpose"),
        ({"documents": []}, "documents"),
        ({"documents": [999999]}, "documents"),
    ],
)
def test_a_loan_request_names_the_field_it_refuses(people, changes, field):
    item = filed(people)
    values = {"documents": [item.pk], "purpose": "查考", "days": 3, **changes}
    with pytest.raises(ActionError) as refused:
        actions.do_request_loan(acting_user=people["clerk"], **values)
    assert refused.value.field == field
    assert not Loan.objects.exists()


def test_a_classified_item_is_not_in_a_staff_members_catalogue(people, classified_ok):
    secret = filed(
        people, title="机密件", classification="confidential", secrecy_period="10年", copy_number="000001"
    )
    with pytest.raises(ActionError) as refused:
        actions.do_request_loan(acting_user=people["clerk"], documents=[secret.pk], purpose="查考", days=1)
    assert refused.value.field == "documents"
    assert queries.get_item(people["clerk2"], secret.pk).pk == secret.pk


def test_the_borrower_may_return_early(people):
    item = filed(people)
    loan = actions.do_request_loan(acting_user=people["clerk"], documents=[item.pk], purpose="查考", days=5)
    _decide(loan, people["clerk2"])
    actions.do_end_loan(loan, acting_user=people["clerk"])
    with pytest.raises(ActionError) as refused:
        queries.loaned_item(people["clerk"], loan.pk, item.pk)
    assert refused.value.code == ErrorCode.LOAN_EXPIRED
