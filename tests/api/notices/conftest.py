import pytest
from django_tenants.utils import schema_context

from tests.conftest import SIMING
from tests.oa.notices.cast import make_cast


@pytest.fixture
def cast(db):
    with schema_context(SIMING):
        made = make_cast()
    return made
