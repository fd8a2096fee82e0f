from tests.exchange.conftest import clerks, media  # noqa: F401 (fixtures)
from tests.oa.documents.conftest import cast, people  # noqa: F401 (fixtures)
