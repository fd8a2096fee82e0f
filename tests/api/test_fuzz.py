"""Every operation of both committed OpenAPI schemas, fuzzed with schemathesis (issue 11 item 3).

The unit portal's schema (api/openapi/unit.yaml) runs on siming's host as its 系统管理员 `admin`,
the console's (api/openapi/console.yaml) on the base host as the provider. Requests go in-process
through Django's WSGI handler against the real PostgreSQL test database; each operation's test is
rolled back afterwards. On the console, destructive operations (suspend, delete, …) reach the
unit made for the run (`fuzzunit`, see `run_unit`) through the path values the hooks below prefer.

Every response must be no server error and match the schema (status code declared, content
type declared, body valid). `make test` runs a few deterministic examples per operation (well
under two minutes); `make fuzz` adds schemathesis' boundary and invalid-value cases and many
random examples (OA_FUZZ_COVERAGE=1 OA_FUZZ_RANDOM=1 OA_FUZZ_EXAMPLES=…).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD, SIMING, user_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("OA_FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("OA_FUZZ_RANDOM", "") == "1"
# schemathesis' explicit cases: the schemas' boundaries and every kind of invalid value per
# parameter (50–200 requests an operation, ~10 minutes in all): `make fuzz` only.
COVERAGE = os.environ.get("OA_FUZZ_COVERAGE", "") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
RUN_UNIT = "fuzzunit"

APP = WSGIHandler()

unit_schema = schemathesis.openapi.from_path(str(ROOT / "api" / "openapi" / "unit.yaml"))
unit_schema.app = APP
console_schema = schemathesis.openapi.from_path(str(ROOT / "api" / "openapi" / "console.yaml"))
console_schema.app = APP

FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate] if COVERAGE else [Phase.generate],
)


@pytest.fixture(autouse=True)
def _in_process_requests():
    """The handler must not close the test's connection between requests (Django's test
    client does the same): the whole operation runs in the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    connection.set_schema_to_public()


def _token(code: str | None, username: str) -> str:
    from oa.core.actions import do_create_api_token

    with schema_context(code or "public"):
        _, plaintext = do_create_api_token(user_in(code, username), name="fuzz")
    connection.set_schema_to_public()
    return plaintext


@pytest.fixture
def admin_token(db) -> str:
    return _token(SIMING, "admin")


@pytest.fixture
def run_unit(db, request):
    """A unit made for the run: the console's operations on one unit (suspend, resume, delete, …)
    aim at it, never at the cast's units. Made only for those operations (a schema clone)."""
    from tenants.actions import do_provision_unit
    from tenants.models import Unit

    if "/api/units/{code}" not in request.node.name:
        return None

    do_provision_unit(
        acting_user=None,
        code=RUN_UNIT,
        name="模糊测试单位",
        admin_username="admin",
        admin_display_name="系统管理员",
        admin_password=PASSWORD,
    )
    connection.set_schema_to_public()
    return Unit.objects.get(code=RUN_UNIT)


@pytest.fixture
def provider_token(db, run_unit) -> str:
    return _token(None, "provider")


@unit_schema.parametrize()
@FUZZ_SETTINGS
def test_unit_api_as_unit_admin(case, admin_token):
    response = case.call(
        base_url=f"http://{SIMING}.localhost", headers={"Authorization": f"Bearer {admin_token}"}
    )
    connection.set_schema_to_public()
    case.validate_response(response, checks=CHECKS)


@console_schema.parametrize()
@FUZZ_SETTINGS
def test_console_api_as_provider(case, provider_token, run_unit):
    if run_unit is not None:
        case.path_parameters["code"] = RUN_UNIT
    response = case.call(base_url="http://localhost", headers={"Authorization": f"Bearer {provider_token}"})
    connection.set_schema_to_public()
    case.validate_response(response, checks=CHECKS)
