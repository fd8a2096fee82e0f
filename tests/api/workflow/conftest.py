import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import SIMING, HostClient
from tests.oa.workflow.cast import deploy, make_cast


@pytest.fixture
def cast(db):
    """The workflow cast in siming and the flows they use; the tests then talk HTTP."""
    with schema_context(SIMING):
        made = make_cast()
        for name in ("approval.bpmn", "countersign.bpmn"):
            deploy(name)
    connection.set_schema_to_public()
    return made


@pytest.fixture
def as_user(cast):
    def client(username: str) -> HostClient:
        return HostClient(SIMING).login_as(username)

    return client


def staff_id(user) -> int:
    from oa.directory.models import Staff

    with schema_context(SIMING):
        return Staff.objects.get(user=user).pk
