"""The 档案 cast in siming, on top of the 办文 cast (tests/oa/documents/conftest.py):

clerk2 李科员   档案管理员 (archivist: archive.manage)
director 林建国 主要领导 (director: archive.approve)
clerk 张科员    a staff member who borrows
auditor         a colleague with no archive role

`filed(...)` makes an archived item quickly: a draft whose flow is set aside, marked done and
archived through the real action (the 档号 counter, the search index, the trigger).
"""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from oa.directory.models import Role, Staff
from oa.documents import actions as document_actions
from oa.documents.models import Document
from tests.conftest import SIMING
from tests.oa.documents.conftest import ROLE_HOLDERS, classified_ok, set_agency_abbr
from tests.oa.workflow.cast import make_cast

__all__ = ["classified_ok", "filed"]


@pytest.fixture
def cast(db):
    with schema_context(SIMING):
        yield make_cast()


@pytest.fixture
def people(cast):
    for code, usernames in ROLE_HOLDERS.items():
        for username in usernames:
            Staff.objects.get(user__username=username).roles.add(Role.objects.get(code=code))
    set_agency_abbr("思政办", acting_user=cast.director)
    users = (cast.director, cast.deputy, cast.secretary, cast.clerk, cast.clerk2, cast.auditor)
    return {u.username: u for u in users}


def filed(
    people,
    *,
    title="关于做好档案工作的通知",
    year=2010,
    retention="D10",
    files: list[tuple[str, bytes]] | None = None,
    **fields,
) -> Document:
    document = document_actions.do_create_outgoing(
        acting_user=people["clerk"],
        fields={"title": title, "doc_type": "通知", "body_html": f"<p>{title}的正文。</p>", **fields},
    )
    if files:
        document_actions.do_add_files(document, acting_user=people["clerk"], files=files)
    Document.objects.filter(pk=document.pk).update(
        state=Document.State.DONE, issued_date=date(year, 3, 1), doc_number=f"思政办〔{year}〕{document.pk}号"
    )
    document.refresh_from_db()
    return document_actions.do_archive_document(document, acting_user=people["clerk2"], retention=retention)
