import pytest

from tests.conftest import SIMING, HostClient
from tests.oa.documents.conftest import cast, people  # noqa: F401 (fixtures)


@pytest.fixture
def client_for(people):  # noqa: F811 (the fixture imported above)
    def make(username: str) -> HostClient:
        return HostClient(SIMING).login_as(username)

    return make
