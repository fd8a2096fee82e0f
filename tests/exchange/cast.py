"""The exchange cast, on top of tests/conftest.py's units and tests/oa/documents' people:

siming (思明区政府办公室)  the sender: the 办文 cast (clerk 张科员 drafts and dispatches, ...)
huli   (湖里区政府办公室)  a recipient: hl_clerk 文书 (签收), hl_staff (no document role)
jmqu   (集美区政府办公室)  a second recipient, provisioned in each test's transaction: jm_clerk 文书

The three are district offices, so the 全市区政府办公室 group holds them all (the sender is
left out of its own sends).
"""

from __future__ import annotations

from django.db import connection, transaction
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD

JIMEI = "jmqu"


def provision_jmqu() -> None:
    """Provision the third unit (inside the caller's transaction: rolled back with the test)."""
    from tenants.actions import do_provision_unit
    from tenants.models import Unit

    if not Unit.objects.filter(code=JIMEI).exists():
        do_provision_unit(
            acting_user=None,
            code=JIMEI,
            name="集美区政府办公室",
            admin_username="admin",
            admin_display_name="系统管理员",
            admin_password=PASSWORD,
        )
    connection.set_schema_to_public()


def make_clerks() -> dict:
    """A 文书 (clerk role: documents.receive, dispatch) in huli and jimei, and a colleague
    without any document role in huli. Inside the test's transaction."""
    from oa.directory.actions import create_staff
    from oa.directory.models import Role

    people = {}
    for code, username, display, role in (
        ("huli", "hl_clerk", "湖里文书", "clerk"),
        ("huli", "hl_staff", "湖里科员", None),
        (JIMEI, "jm_clerk", "集美文书", "clerk"),
    ):
        with schema_context(code), transaction.atomic():
            staff = create_staff(
                username=username,
                display_name=display,
                password=PASSWORD,
                roles=list(Role.objects.filter(code=role)) if role else [],
            )
            people[username] = staff.user
    connection.set_schema_to_public()
    return people
