import pytest
from django_tenants.utils import schema_context

from tests.conftest import SIMING
from tests.oa.workflow.cast import make_cast


@pytest.fixture
def cast(db):
    """Run the test in siming's schema, with the workflow cast."""
    with schema_context(SIMING):
        yield make_cast()
