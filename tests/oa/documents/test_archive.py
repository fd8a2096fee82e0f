"""归档: a finished document gets its 档号 and then nobody can change it, the database itself
refusing (the trigger of migration 0002)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from oa.core.errors import ActionError, ErrorCode
from oa.documents import actions
from oa.documents.models import BodyVersion, Document, DocumentFile
from tests.oa.documents.conftest import complete
from tests.oa.documents.test_outgoing import draft

ISSUE_STEPS = (
    "Task_Draft",
    "Task_Review",
    "Task_SignOff",
    "Task_Recheck",
    "Task_Register",
    "Task_Seal",
    "Task_Dispatch",
)


@pytest.fixture
def issued(people) -> Document:
    document = draft(people)
    for step in ISSUE_STEPS:
        complete(document, step, people)
    return document


def test_an_issued_document_is_archived_with_its_code(people, issued):
    archived = actions.do_archive_document(issued, acting_user=people["clerk2"], retention="Y")
    assert archived.state == Document.State.ARCHIVED and archived.archived_by == people["clerk2"]
    year = issued.issued_date.year
    assert archived.archive_code == f"SIMING-WS·{year}-Y-SECRETARIAT-0001"
    second = draft(people, title="第二份")
    for step in ISSUE_STEPS:
        complete(second, step, people)
    assert actions.do_archive_document(
        second, acting_user=people["clerk2"], retention="Y"
    ).archive_code.endswith("-0002")


def test_archiving_is_refused_to_others_and_before_the_end(people, issued):
    with pytest.raises(ActionError) as refused:
        actions.do_archive_document(issued, acting_user=people["clerk"], retention="Y")
    assert refused.value.status == 403
    running = draft(people, title="还在办理")
    with pytest.raises(ActionError) as refused:
        actions.do_archive_document(running, acting_user=people["clerk2"], retention="Y")
    assert refused.value.code == ErrorCode.STATE
    with pytest.raises(ActionError) as refused:
        actions.do_archive_document(issued, acting_user=people["clerk2"], retention="forever")
    assert refused.value.field == "retention"


def test_nobody_can_change_an_archived_document_not_even_the_database_user(people, issued):
    actions.do_archive_document(issued, acting_user=people["clerk2"], retention="D10")
    with pytest.raises(ActionError) as refused:
        actions.do_archive_document(issued, acting_user=people["clerk2"], retention="Y")
    assert refused.value.code == ErrorCode.ARCHIVED
    for attempt in (
        lambda: Document.objects.filter(pk=issued.pk).update(title="篡改"),
        lambda: Document.objects.filter(pk=issued.pk).delete(),
        lambda: BodyVersion.objects.filter(document=issued).update(body_html="<p>篡改</p>"),
        lambda: BodyVersion.objects.create(document=issued, number=99, created_by=people["clerk"]),
        lambda: DocumentFile.objects.create(
            document=issued,
            role="attachment",
            name="补充.pdf",
            kind="pdf",
            mime_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=people["clerk"],
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    issued.refresh_from_db()
    assert issued.title != "篡改" and issued.state == Document.State.ARCHIVED
