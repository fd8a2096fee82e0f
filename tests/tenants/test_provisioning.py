import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from oa.core.models import AuditEvent
from oa.directory.models import Role
from tenants.actions import do_provision_unit
from tenants.models import Domain, Unit
from tenants.provisioning import schema_exists

NEW = {
    "code": "jimei",
    "name": "集美区政府办公室",
    "kind": "district_office",
    "admin_username": "admin",
    "admin_display_name": "管理员",
    "admin_password": "Jimei@2026pass",
}


def catalogue_counts(schema: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND relkind = 'r'),
                   (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND relkind = 'i'),
                   (SELECT count(*) FROM pg_constraint k WHERE k.connamespace = n.oid),
                   (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                     WHERE c.relnamespace = n.oid AND NOT t.tgisinternal)
            FROM pg_namespace n WHERE n.nspname = %s
            """,
            [schema],
        )
        return cursor.fetchone()


def test_the_console_creates_a_unit_whose_admin_can_sign_in(provider):
    response = provider.post("/api/units/", NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == "http://jimei.localhost:8000/"
    assert body["admin_password"] is None  # given, so not echoed
    assert catalogue_counts("jimei") == catalogue_counts("unit_template")
    with schema_context("jimei"):
        assert set(Role.objects.values_list("code", flat=True)) >= {"sysadmin", "secadmin", "auditadmin"}
    from tests.conftest import HostClient

    me = HostClient("jimei").post(
        "/api/auth/login/", {"username": "admin", "password": NEW["admin_password"]}, format="json"
    )
    assert me.status_code == 200
    assert "directory.manage" in me.json()["permissions"]
    assert AuditEvent.objects.filter(action="unit.created", target_id="jimei").exists()


def test_a_generated_admin_password_is_shown_once_and_must_be_changed(provider):
    body = provider.post("/api/units/", {**NEW, "admin_password": None}, format="json").json()
    assert body["admin_password"]
    from tests.conftest import HostClient

    me = HostClient("jimei").post(
        "/api/auth/login/", {"username": "admin", "password": body["admin_password"]}, format="json"
    )
    assert me.json()["must_change_password"] is True


def test_provisioning_is_idempotent_from_the_command_line(db, capsys):
    call_command("provision_unit", code="jimei", name="集美区政府办公室", admin_password="Jimei@2026pass")
    call_command("provision_unit", code="jimei", name="集美区政府办公室", admin_password="Jimei@2026pass")
    out = capsys.readouterr().out
    assert "已开通" in out and "已存在" in out
    assert Unit.objects.filter(code="jimei").count() == 1


def test_a_duplicate_code_is_refused_with_a_clear_message(provider):
    response = provider.post("/api/units/", {**NEW, "code": "siming"}, format="json")
    assert response.status_code == 409
    assert response.json()["field"] == "code"
    assert "思明区政府办公室" in response.json()["detail"]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "required"),
        ("J", "invalid"),
        ("1abc", "invalid"),
        ("ab-c", "invalid"),
        ("ab_c", "invalid"),
        ("Abc", "invalid"),
        ("a" * 31, "invalid"),
        ("public", "reserved"),
        ("pgdata", "reserved"),
        ("www", "reserved"),
        ("ab;drop", "invalid"),
    ],
)
def test_a_malformed_code_is_refused_and_nothing_is_created(provider, code, error):
    response = provider.post("/api/units/", {**NEW, "code": code}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (error, "code")
    assert Unit.objects.count() == 3  # public, siming, huli


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "planet"}, "kind"),
        ({"admin_password": "weak"}, "admin_password"),
        ({"admin_username": "bad name!"}, "admin_username"),
    ],
)
def test_bad_fields_are_named_and_leave_no_half_created_unit(provider, change, field):
    response = provider.post("/api/units/", {**NEW, **change}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Unit.objects.filter(code="jimei").exists()
    assert not Domain.objects.filter(domain="jimei.localhost").exists()
    assert not schema_exists("jimei")


def test_a_suspended_unit_shows_a_clear_page_and_refuses_its_api(provider, siming_director):
    response = provider.post("/api/units/siming/suspend/", {"reason": "年度安全检查"}, format="json")
    assert response.json()["status"] == "suspended"
    page = siming_director.get("/", HTTP_ACCEPT="text/html")
    assert page.status_code == 403
    assert "已停用" in page.content.decode() and "年度安全检查" in page.content.decode()
    api = siming_director.get("/api/auth/me/")
    assert (api.status_code, api.json()["code"]) == (403, "unit_suspended")
    assert provider.post("/api/units/siming/suspend/", {"reason": "again"}, format="json").status_code == 409
    assert provider.post("/api/units/siming/resume/").json()["status"] == "active"
    assert siming_director.get("/api/auth/me/").status_code == 200


def test_suspending_needs_a_reason(provider):
    response = provider.post("/api/units/siming/suspend/", {"reason": ""}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "reason")


def test_deleting_a_unit_needs_its_code_typed_to_confirm(provider, siming):
    provider.post("/api/units/", NEW, format="json")
    wrong = provider.delete("/api/units/jimei/", {"confirm": "siming"}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "confirmation_mismatch")
    assert schema_exists("jimei")
    assert provider.delete("/api/units/jimei/?confirm=jimei").status_code == 204
    assert not schema_exists("jimei")
    assert not Unit.objects.filter(code="jimei").exists()
    from tests.conftest import HostClient

    assert HostClient("jimei").get("/api/context/").status_code == 404


def test_an_unknown_host_gets_a_clear_not_found_page(db):
    from tests.conftest import HostClient

    client = HostClient("nosuchunit")
    page = client.get("/", HTTP_ACCEPT="text/html")
    assert page.status_code == 404
    assert "未找到该单位" in page.content.decode()
    api = client.get("/api/context/")
    assert (api.status_code, api.json()["code"]) == (404, "unknown_host")


def test_units_can_be_listed_and_searched(provider):
    assert [u["code"] for u in provider.get("/api/units/").json()["results"]] == ["huli", "siming"]
    assert [u["code"] for u in provider.get("/api/units/?search=思明").json()["results"]] == ["siming"]
    provider.post("/api/units/siming/suspend/", {"reason": "检查"}, format="json")
    assert [u["code"] for u in provider.get("/api/units/?status=suspended").json()["results"]] == ["siming"]


def test_modules_can_be_enabled_and_disabled(provider, siming_director):
    response = provider.patch("/api/units/siming/", {"modules": ["directory", "documents"]}, format="json")
    assert response.json()["modules"] == ["directory", "documents"]
    home = siming_director.get("/api/portal/home/").json()
    assert [m["code"] for m in home["modules"]] == ["directory", "documents"]
    bad = provider.patch("/api/units/siming/", {"modules": ["teleport"]}, format="json")
    assert bad.status_code == 400 and bad.json()["field"].startswith("modules")


def test_provisioning_fails_whole_when_the_admin_cannot_be_created(db):
    from oa.core.errors import ActionError

    with pytest.raises(ActionError):
        do_provision_unit(acting_user=None, code="jimei", name="集美", admin_password="short")
    assert not schema_exists("jimei") and not Unit.objects.filter(code="jimei").exists()


def test_a_provider_account_is_created_from_the_command_line(db, monkeypatch, capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError

    monkeypatch.setenv("NEW_PROVIDER_PASSWORD", "Console@2026pw")
    call_command(
        "create_provider_account",
        username="ops",
        display_name="运维值班",
        password_env="NEW_PROVIDER_PASSWORD",
    )
    assert get_user_model().objects.get(username="ops").is_staff
    monkeypatch.setenv("NEW_PROVIDER_PASSWORD", "weak")
    with pytest.raises(CommandError, match="password"):
        call_command(
            "create_provider_account", username="ops2", display_name="x", password_env="NEW_PROVIDER_PASSWORD"
        )


def column_storage(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, a.attstorage
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY 1, 2
            """,
            [schema],
        )
        return cursor.fetchall()


def test_a_cloned_unit_keeps_the_column_storage_its_migrations_set(db):
    from django.conf import settings

    # given the template, where a migration keeps the documents' search vector inline
    template = column_storage(settings.OA_TEMPLATE_SCHEMA)
    assert ("documents_document", "search_vector", "m") in template
    # then a unit cloned from it has the same storage for every column
    assert column_storage("siming") == template
