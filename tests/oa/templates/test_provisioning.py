"""Provisioning gives a unit its starter kit: template copies and the role set's roles."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from oa.directory.models import Role
from oa.templates.models import UnitTemplate
from templates_lib.models import StarterKit
from tenants.actions import do_provision_unit
from tenants.models import Domain, Unit
from tenants.provisioning import schema_exists

NEW = {
    "acting_user": None,
    "name": "集美区政府办公室",
    "admin_username": "admin",
    "admin_display_name": "管理员",
    "admin_password": "Jimei@2026pass",
}


def test_the_cast_units_got_the_district_office_kit(db):
    kit = StarterKit.objects.get(code="district_office")
    siming = Unit.objects.get(code="siming")
    assert siming.starter_kit == "district_office"
    with schema_context("siming"):
        copies = {(t.kind, t.code): t for t in UnitTemplate.objects.all()}
        assert len(copies) == kit.versions.count() == 20
        leave = copies[("flow", "leave")]
        assert (leave.parent_code, leave.parent_version, leave.forked, leave.edited) == (
            "leave",
            1,
            False,
            False,
        )
        assert (
            leave.content_text == kit.versions.get(template__kind="flow", template__code="leave").content_text
        )
        roles = dict(Role.objects.values_list("code", "name"))
        assert roles["office_head"] == "办公室主任" and roles["director"] == "主要领导"
        assert "documents.sign" in Role.objects.get(code="director").permissions
        assert "templates.manage" in Role.objects.get(code="sysadmin").permissions
        event = AuditEvent.objects.get(action="templates.kit_instantiated")
        assert len(event.detail["templates"]) == 20 and "office_head" in event.detail["roles"]


@pytest.mark.parametrize(
    ("kind", "kit", "roleset", "director"),
    [
        ("street_office", "street_office", "street", "街道办主任"),
        ("city_bureau", "city_bureau", "bureau", "局长"),
        ("city_office", "district_office", "district", "主要领导"),  # also_suits
    ],
)
def test_the_kit_is_picked_by_the_unit_kind(db, kind, kit, roleset, director):
    result = do_provision_unit(code="jimei", kind=kind, **NEW)
    unit = result.unit
    assert unit.starter_kit == kit
    assert unit.modules == StarterKit.objects.get(code=kit).modules
    with schema_context("jimei"):
        assert UnitTemplate.objects.get(kind="roleset").code == roleset
        assert Role.objects.get(code="director").name == director


def test_a_kit_can_be_named_and_modules_given_explicitly(db):
    unit = do_provision_unit(
        code="jimei", kind="street_office", starter_kit="city_bureau", modules=["documents"], **NEW
    ).unit
    assert (unit.starter_kit, unit.modules) == ("city_bureau", ["documents"])


def test_an_unknown_kit_is_refused_and_nothing_is_created(db):
    with pytest.raises(ActionError) as caught:
        do_provision_unit(code="jimei", starter_kit="moon_base", **NEW)
    assert caught.value.field == "starter_kit"
    assert not Unit.objects.filter(code="jimei").exists()


def test_a_failure_while_applying_the_kit_leaves_nothing_half_created(db, monkeypatch):
    from oa.templates import actions

    def broken_bulk_create(objs, *args, **kwargs):
        # The template copies are written by now; the roles fail.
        assert UnitTemplate.objects.exists()
        raise ActionError("invalid", "角色写入失败（测试）")

    monkeypatch.setattr(actions.Role.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(ActionError):
        do_provision_unit(code="jimei", **NEW)
    connection.set_schema_to_public()
    assert not Unit.objects.filter(code="jimei").exists()
    assert not Domain.objects.filter(domain__startswith="jimei.").exists()
    assert not schema_exists("jimei")
    assert not AuditEvent.objects.filter(action="unit.created", target_id="jimei").exists()


def test_a_unit_is_provisioned_bare_when_the_library_has_no_kit(db):
    StarterKit.objects.all().delete()
    unit = do_provision_unit(code="jimei", **NEW).unit
    assert unit.starter_kit == ""
    with schema_context("jimei"):
        assert not UnitTemplate.objects.exists()
