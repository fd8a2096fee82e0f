from tests.oa.archive.conftest import cast, classified_ok, people  # noqa: F401 (fixtures)
