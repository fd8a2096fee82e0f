import pytest
from django_tenants.utils import schema_context

from tests.conftest import SIMING, user_in


@pytest.fixture
def people(db):
    """siming's cast (admin, secadmin, auditor, director), in siming's schema."""
    names = ("admin", "secadmin", "auditor", "director")
    users = {name: user_in(SIMING, name) for name in names}
    with schema_context(SIMING):
        yield users


@pytest.fixture
def eager_celery():
    """The worker's job, run in this process: the task and the push are real."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
