"""The cast (healthchecks' alice/bob/charlie): two units and their people, created once.

siming (思明区政府办公室):
  admin      系统管理员 (directory.manage, roles.manage)
  secadmin   安全管理员 (security.manage)
  auditor    审计管理员 (audit.view)
  director   林主任, no admin role: the "unauthorised colleague"
huli (湖里区政府办公室):
  outsider   a unit admin of another unit
console:
  provider   provider staff

Tests run inside a transaction that is rolled back, so what they create is gone afterwards.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

PASSWORD = "Cast@2026pass"
SIMING = "siming"
HULI = "huli"


def host(code: str | None) -> str:
    return "localhost" if code is None else f"{code}.localhost"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from oa.directory.models import Role
    from tenants.actions import do_create_provider_account, do_provision_unit
    from tenants.migration_pass import run_migration_pass

    with django_db_blocker.unblock():
        run_migration_pass()
        do_create_provider_account(
            acting_user=None, username="provider", display_name="平台运营员", password=PASSWORD
        )
        for code, name in ((SIMING, "思明区政府办公室"), (HULI, "湖里区政府办公室")):
            result = do_provision_unit(
                acting_user=None,
                code=code,
                name=name,
                admin_username="admin",
                admin_display_name="系统管理员",
                admin_password=PASSWORD,
            )
            with schema_context(code):
                from oa.directory.actions import create_staff

                people = (
                    [
                        ("secadmin", "吴安全", "secadmin"),
                        ("auditor", "刘审计", "auditadmin"),
                        ("director", "林建国", None),
                    ]
                    if code == SIMING
                    else [("outsider", "外单位管理员", "sysadmin")]
                )
                from django.db import transaction

                with transaction.atomic():
                    for username, display, role in people:
                        create_staff(
                            username=username,
                            display_name=display,
                            password=PASSWORD,
                            roles=list(Role.objects.filter(code=role)) if role else [],
                        )
            assert result.created
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    connection.set_schema_to_public()


def user_in(code: str | None, username: str):
    from django.contrib.auth import get_user_model

    with schema_context(code or "public"):
        return get_user_model().objects.select_related("account").get(username=username)


class HostClient(APIClient):
    """An API client bound to one host (the console or a unit)."""

    def __init__(self, code: str | None, **kwargs):
        super().__init__(HTTP_HOST=host(code), **kwargs)
        self.code = code

    def request(self, **kwargs):
        try:
            return super().request(**kwargs)
        finally:
            # The tenant middleware leaves the connection on the host's schema; tests read
            # the public schema unless they say otherwise.
            connection.set_schema_to_public()

    def login_as(self, username: str) -> HostClient:
        user = user_in(self.code, username)
        with schema_context(self.code or "public"):
            self.force_login(user)
            session = self.session
            session["oa_schema"] = self.code or "public"
            session.save()
        connection.set_schema_to_public()
        return self


@pytest.fixture
def console(db) -> HostClient:
    return HostClient(None)


@pytest.fixture
def provider(db) -> HostClient:
    return HostClient(None).login_as("provider")


@pytest.fixture
def siming(db) -> HostClient:
    """Anonymous client on siming's host."""
    return HostClient(SIMING)


@pytest.fixture
def siming_admin(db) -> HostClient:
    return HostClient(SIMING).login_as("admin")


@pytest.fixture
def siming_director(db) -> HostClient:
    return HostClient(SIMING).login_as("director")


@pytest.fixture
def siming_secadmin(db) -> HostClient:
    return HostClient(SIMING).login_as("secadmin")


@pytest.fixture
def siming_auditor(db) -> HostClient:
    return HostClient(SIMING).login_as("auditor")


@pytest.fixture
def huli_outsider(db) -> HostClient:
    return HostClient(HULI).login_as("outsider")
