"""templates.manage reaches the system administrator of every unit, new and existing."""

import importlib

from django.apps import apps
from django_tenants.utils import schema_context

from oa.directory.models import Role
from tests.conftest import SIMING

grant = importlib.import_module("oa.directory.migrations.0003_sysadmin_templates_manage").grant


def test_new_units_sysadmin_can_manage_templates(db):
    with schema_context(SIMING):
        assert "templates.manage" in Role.objects.get(code="sysadmin").permissions
        assert "templates.manage" not in Role.objects.get(code="secadmin").permissions


def test_the_migration_grants_it_to_a_unit_provisioned_before_and_keeps_other_grants(db):
    with schema_context(SIMING):
        Role.objects.filter(code="sysadmin").update(
            permissions=["directory.manage", "roles.manage", "audit.view"]
        )
        grant(apps, None)
        grant(apps, None)  # and again: nothing more
        assert Role.objects.get(code="sysadmin").permissions == [
            "audit.view",
            "directory.manage",
            "roles.manage",
            "templates.manage",
        ]
