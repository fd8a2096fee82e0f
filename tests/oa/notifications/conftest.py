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


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(monkeypatch):
    """Channels' database_sync_to_async closes connections whose autocommit differs from the
    settings, which is every connection inside a test's rolled-back transaction; keep it open
    (the consumer's queries then run in the test's transaction, on the test's thread)."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
