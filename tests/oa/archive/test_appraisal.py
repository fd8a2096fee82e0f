"""鉴定与销毁: items past their retention are listed; keep or destroy only by an approved
decision; destruction keeps the register row and the document's record, removes the content,
and the immutability trigger still refuses everything else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from oa.archive import actions, queries
from oa.archive.models import Appraisal, DestructionRecord
from oa.core.errors import ActionError, ErrorCode
from oa.core.models import AuditEvent
from oa.documents.models import BodyVersion, Document, DocumentFile
from oa.documents.storage import blob_exists
from tests.oa.archive.conftest import filed
from tests.oa.documents.samples import pdf

THIS_YEAR = timezone.localdate().year


def _due(people):
    return {i.pk for i in queries.due_for_appraisal(people["clerk2"])}


def test_items_past_their_retention_are_due(people):
    old = filed(people, year=2010, retention="D10")
    recent = filed(people, title="近年", year=THIS_YEAR - 5, retention="D10")
    permanent = filed(people, title="永久", year=1990, retention="Y")
    due = _due(people)
    assert old.pk in due and recent.pk not in due and permanent.pk not in due


def test_destroying_needs_an_approved_decision(people):
    item = filed(people)
    with pytest.raises(ActionError) as refused:
        actions.do_destroy_item(item, acting_user=people["clerk2"])
    assert refused.value.code == ErrorCode.NO_DECISION and refused.value.status == 409
    proposal = actions.do_propose_appraisal(
        item, acting_user=people["clerk2"], proposal="destroy", reason="已无保存价值"
    )
    with pytest.raises(ActionError) as refused:
        actions.do_destroy_item(item, acting_user=people["clerk2"])
    assert refused.value.code == ErrorCode.NO_DECISION
    # The proposer cannot approve their own proposal; a colleague without archive.approve neither.
    for user in (people["clerk2"], people["auditor"]):
        with pytest.raises(ActionError) as refused:
            actions.do_decide_appraisal(proposal, acting_user=user, approve=True)
        assert refused.value.status == 403
    actions.do_decide_appraisal(proposal, acting_user=people["director"], approve=False, opinion="再议")
    with pytest.raises(ActionError) as refused:
        actions.do_destroy_item(item, acting_user=people["clerk2"])
    assert refused.value.code == ErrorCode.NO_DECISION
    assert not DestructionRecord.objects.exists()


def test_an_approved_destruction_removes_the_content_and_keeps_the_record(people):
    item = filed(people, files=[("附件一.pdf", pdf(["附件一的内容"]))])
    attachment = item.files.get()
    assert blob_exists(attachment.sha256)
    proposal = actions.do_propose_appraisal(
        item, acting_user=people["clerk2"], proposal="destroy", reason="已无保存价值"
    )
    actions.do_decide_appraisal(proposal, acting_user=people["director"], approve=True)
    with pytest.raises(ActionError) as refused:
        actions.do_destroy_item(item, acting_user=people["auditor"])
    assert refused.value.status == 403

    record = actions.do_destroy_item(item, acting_user=people["clerk2"])
    assert (record.archive_code, record.title) == (item.archive_code, item.title)
    assert (
        record.files[0]["sha256"] == attachment.sha256 and record.appraisal.decided_by == people["director"]
    )
    kept = Document.objects.get(pk=item.pk)
    assert kept.archived_at == item.archived_at and kept.archive_code == item.archive_code
    assert kept.body_html == "" and kept.body_text == ""
    assert all(v.body_html == "" for v in BodyVersion.objects.filter(document=item))
    assert all(f.removed_at is not None and f.text == "" for f in DocumentFile.objects.filter(document=item))
    assert Appraisal.objects.get(pk=proposal.pk).state == Appraisal.State.DONE
    assert item.pk not in {i.pk for i in queries.catalogue(people["clerk2"], queries.CatalogueFilters())}
    assert item.pk in {
        i.pk for i in queries.catalogue(people["clerk2"], queries.CatalogueFilters(include_destroyed=True))
    }
    assert AuditEvent.objects.filter(action="archive.item_destroyed", target_id=str(item.pk)).exists()
    # Destroyed once: no second destruction, no second decision.
    with pytest.raises(ActionError):
        actions.do_destroy_item(item, acting_user=people["clerk2"])


def test_the_blob_goes_once_the_destruction_commits(people, django_capture_on_commit_callbacks):
    item = filed(people, files=[("附件二.pdf", pdf(["只此一份的附件"]))])
    digest = item.files.get().sha256
    proposal = actions.do_propose_appraisal(
        item, acting_user=people["clerk2"], proposal="destroy", reason="到期"
    )
    actions.do_decide_appraisal(proposal, acting_user=people["director"], approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_destroy_item(item, acting_user=people["clerk2"])
    assert not blob_exists(digest)


def test_the_archive_stays_immutable_outside_the_controlled_path(people):
    item = filed(people, files=[("附件.pdf", pdf(["附件"]))])
    for attempt in (
        lambda: Document.objects.filter(pk=item.pk).update(body_html="", body_text=""),
        lambda: Document.objects.filter(pk=item.pk).delete(),
        lambda: BodyVersion.objects.filter(document=item).update(body_html=""),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    # Even inside the path, only the content may go: no other column, and never a DELETE.
    for attempt in (
        lambda: Document.objects.filter(pk=item.pk).update(body_html="", body_text="", title="篡改"),
        lambda: Document.objects.filter(pk=item.pk).update(body_html="<p>换掉</p>"),
        lambda: Document.objects.filter(pk=item.pk).delete(),
        lambda: DocumentFile.objects.filter(document=item).update(name="改名.pdf", removed_at=timezone.now()),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            actions._controlled_destruction()
            attempt()
    assert Document.objects.get(pk=item.pk).body_html == item.body_html
    assert item.files.get().removed_at is None


def test_the_controlled_path_closes_when_the_destruction_is_done(people):
    first, second = filed(people), filed(people, title="第二件")
    proposal = actions.do_propose_appraisal(
        first, acting_user=people["clerk2"], proposal="destroy", reason="到期"
    )
    actions.do_decide_appraisal(proposal, acting_user=people["director"], approve=True)
    actions.do_destroy_item(first, acting_user=people["clerk2"])
    # Same outer transaction (the test's): the path is shut again for everything that follows.
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=second.pk).update(body_html="", body_text="")


def test_a_keep_decision_takes_the_item_off_the_due_list_for_its_years(people):
    item = filed(people)
    proposal = actions.do_propose_appraisal(
        item, acting_user=people["clerk2"], proposal="keep", reason="仍有查考价值", keep_years=5
    )
    with pytest.raises(ActionError) as refused:
        actions.do_propose_appraisal(item, acting_user=people["clerk2"], proposal="destroy", reason="重复")
    assert refused.value.field == "document"
    decided = actions.do_decide_appraisal(proposal, acting_user=people["director"], approve=True)
    assert decided.state == Appraisal.State.DONE and decided.review_year == THIS_YEAR + 5
    assert item.pk not in _due(people)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"proposal": "burn", "reason": "x"}, "proposal"),
        ({"proposal": "destroy", "reason": ""}, "reason"),
        ({"proposal": "keep", "reason": "x"}, "keep_years"),
        ({"proposal": "keep", "reason": "x", "keep_years": 0}, "keep_years"),
    ],
)
def test_a_proposal_names_the_field_it_refuses(people, values, field):
    item = filed(people)
    with pytest.raises(ActionError) as refused:
        actions.do_propose_appraisal(item, acting_user=people["clerk2"], **values)
    assert refused.value.field == field


def test_an_item_not_yet_due_cannot_be_proposed(people):
    item = filed(people, year=THIS_YEAR, retention="D10")
    with pytest.raises(ActionError) as refused:
        actions.do_propose_appraisal(item, acting_user=people["clerk2"], proposal="destroy", reason="x")
    assert refused.value.code == ErrorCode.STATE
