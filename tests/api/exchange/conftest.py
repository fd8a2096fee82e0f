import pytest

from tests.conftest import SIMING, HostClient
from tests.exchange.conftest import (  # noqa: F401 (fixtures)
    cast,
    clerks,
    media,
    people,
    sealed,
)


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Run what the actions queue after commit (fan-out, delivery) in-line, through Celery's
    eager mode: the same tasks a worker runs."""
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        yield django_capture_on_commit_callbacks
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def client_in():
    def make(code: str, username: str) -> HostClient:
        return HostClient(code).login_as(username)

    return make


@pytest.fixture
def siming_clerk(people):  # noqa: F811
    return HostClient(SIMING).login_as("clerk")
