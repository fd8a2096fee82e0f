from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from oa.core.models import Account, AuditEvent
from tests.conftest import PASSWORD, SIMING, HostClient, user_in


def login(client, username, password=PASSWORD):
    return client.post("/api/auth/login/", {"username": username, "password": password}, format="json")


def test_it_signs_in_a_unit_user_and_returns_who_they_are(siming):
    response = login(siming, "director")
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "林建国"
    assert body["kind"] == "unit"
    assert siming.get("/api/auth/me/").status_code == 200


def test_it_signs_in_provider_staff_on_the_console(console):
    assert login(console, "provider").json()["kind"] == "provider"


def test_a_unit_account_cannot_sign_in_on_another_unit_or_the_console(db):
    assert login(HostClient("huli"), "director").json()["code"] == "invalid_credentials"
    assert login(HostClient(None), "admin").json()["code"] == "invalid_credentials"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(siming):
    wrong = login(siming, "director", "Nope@12345")
    unknown = login(siming, "nobody", "Nope@12345")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid_credentials"


def test_missing_fields_name_the_field(siming):
    response = siming.post("/api/auth/login/", {"username": "director"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "password"


@override_settings(OA_LOCKOUT_THRESHOLD=3, OA_LOCKOUT_MINUTES=15)
def test_it_locks_the_account_after_repeated_failures_and_a_security_admin_unlocks_it(
    siming, siming_secadmin
):
    for _ in range(3):
        assert login(siming, "director", "Wrong@12345").status_code == 400
    locked = login(siming, "director")  # even the right password
    assert locked.status_code == 423
    assert locked.json()["code"] == "account_locked"
    director = user_in(SIMING, "director")
    with schema_context(SIMING):
        staff_id = director.staff.pk
        assert AuditEvent.objects.filter(action="auth.login_failed", target_id=str(director.pk)).count() == 3
    assert siming_secadmin.get("/api/directory/staff/").json()["results"]
    assert siming_secadmin.post(f"/api/directory/staff/{staff_id}/unlock/").status_code == 204
    assert login(siming, "director").status_code == 200


def test_a_disabled_account_is_refused(siming, siming_admin):
    with schema_context(SIMING):
        staff_id = user_in(SIMING, "director").staff.pk
    assert (
        siming_admin.patch(
            f"/api/directory/staff/{staff_id}/", {"is_active": False}, format="json"
        ).status_code
        == 200
    )
    assert login(siming, "director").json()["code"] == "account_disabled"


def test_login_is_csrf_protected(db):
    client = HostClient(SIMING, enforce_csrf_checks=True)
    assert login(client, "director").status_code == 403
    client.get("/api/auth/csrf/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/auth/login/",
        {"username": "director", "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_logout_ends_the_session(siming_director):
    assert siming_director.post("/api/auth/logout/").status_code == 204
    assert siming_director.get("/api/auth/me/").status_code == 401


def test_the_session_cookie_expires_after_the_idle_timeout(siming, settings):
    login(siming, "director")
    with schema_context(SIMING):
        from django.contrib.sessions.models import Session

        session = Session.objects.get(session_key=siming.cookies["sessionid"].value)
        remaining = session.expire_date - timezone.now()
    assert (
        timedelta(seconds=settings.OA_IDLE_TIMEOUT_SECONDS - 60)
        < remaining
        <= timedelta(seconds=settings.OA_IDLE_TIMEOUT_SECONDS)
    )


def test_a_session_past_the_absolute_timeout_is_ended(siming, settings):
    login(siming, "director")
    siming.get("/api/auth/me/")
    with schema_context(SIMING):
        session = siming.session
        session["oa_login_at"] = int(timezone.now().timestamp()) - settings.OA_ABSOLUTE_TIMEOUT_SECONDS - 10
        session.save()
    assert siming.get("/api/auth/me/").status_code == 401


def test_change_password_checks_the_old_one_and_the_policy(siming_director):
    def change(old, new):
        return siming_director.post(
            "/api/auth/password/", {"old_password": old, "new_password": new}, format="json"
        )

    wrong = change("Wrong@1234", "Better@2027pass")
    assert (wrong.status_code, wrong.json()["field"]) == (400, "old_password")
    weak = change(PASSWORD, "password")
    assert (weak.json()["code"], weak.json()["field"]) == ("weak_password", "new_password")
    same = change(PASSWORD, PASSWORD)
    assert same.json()["code"] == "weak_password"
    assert change(PASSWORD, "Better@2027pass").status_code == 204
    assert siming_director.get("/api/auth/me/").status_code == 200  # still signed in
    assert change("Better@2027pass", PASSWORD).json()["code"] == "weak_password"  # history


def test_a_reset_password_must_be_changed_at_next_login(siming, siming_secadmin):
    with schema_context(SIMING):
        staff_id = user_in(SIMING, "director").staff.pk
    weak = siming_secadmin.post(
        f"/api/directory/staff/{staff_id}/reset-password/", {"password": "123"}, format="json"
    )
    assert (weak.status_code, weak.json()["field"]) == (400, "password")
    ok = siming_secadmin.post(
        f"/api/directory/staff/{staff_id}/reset-password/", {"password": "Reset@2026abc"}, format="json"
    )
    assert ok.status_code == 204
    assert login(siming, "director", "Reset@2026abc").json()["must_change_password"] is True


def test_api_tokens_authenticate_until_revoked(siming_director):
    created = siming_director.post("/api/auth/tokens/", {"name": "公文系统对接"}, format="json")
    assert created.status_code == 201
    token = created.json()["token"]
    assert [t["name"] for t in siming_director.get("/api/auth/tokens/").json()] == ["公文系统对接"]
    assert "token" not in siming_director.get("/api/auth/tokens/").json()[0]
    integration = HostClient(SIMING)
    integration.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert integration.get("/api/auth/me/").json()["username"] == "director"
    assert siming_director.delete(f"/api/auth/tokens/{created.json()['id']}/").status_code == 204
    assert integration.get("/api/auth/me/").status_code == 401


def test_a_user_cannot_revoke_a_colleagues_token(siming_director, siming_admin):
    token_id = siming_director.post("/api/auth/tokens/", {"name": "x"}, format="json").json()["id"]
    assert siming_admin.delete(f"/api/auth/tokens/{token_id}/").status_code == 404


def test_token_name_is_required(siming_director):
    response = siming_director.post("/api/auth/tokens/", {"name": ""}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "name")


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer oa_forged"])
def test_malformed_or_forged_tokens_are_refused(siming, header):
    siming.credentials(HTTP_AUTHORIZATION=header)
    assert siming.get("/api/auth/me/").status_code == 401


def test_account_security_state_lives_in_the_units_schema(db):
    with schema_context(SIMING):
        assert Account.objects.filter(user__username="director").exists()
    with schema_context("huli"):
        assert not Account.objects.filter(user__username="director").exists()
