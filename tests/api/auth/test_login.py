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


def login_from(client, ip, username, password=PASSWORD):
    return client.post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


@override_settings(OA_LOCKOUT_THRESHOLD=5, OA_LOCKOUT_MINUTES=15)
def test_a_stranger_cannot_lock_the_admin_out_from_their_own_address(siming):
    for _ in range(5):
        assert login_from(siming, "203.0.113.9", "admin", "Wrong@12345").status_code == 400
    # The stranger's address is locked, even with the right password ...
    assert login_from(siming, "203.0.113.9", "admin").status_code == 423
    # ... but the admin, from their own address, signs in.
    assert login_from(siming, "10.0.0.5", "admin").status_code == 200


@override_settings(OA_LOCKOUT_THRESHOLD=1000, OA_LOGIN_BACKOFF_AFTER=20, OA_LOGIN_BACKOFF_MAX_SECONDS=60)
def test_guessing_spread_over_many_addresses_is_slowed_per_username(siming):
    for n in range(20):
        assert login_from(siming, f"198.51.100.{n}", "director", "Wrong@12345").status_code == 400
    # The 21st attempt from yet another address comes too soon after the last failure.
    slowed = login_from(siming, "198.51.100.200", "director", "Wrong@12345")
    assert (slowed.status_code, slowed.json()["code"]) == (429, "throttled")
    with schema_context(SIMING):
        from oa.core.models import LoginThrottle

        # Once the delay has passed the right password is accepted (it is a delay, not a lock).
        LoginThrottle.objects.filter(username="director", ip="").update(
            last_failure_at=timezone.now() - timedelta(seconds=61)
        )
    assert login_from(siming, "198.51.100.200", "director").status_code == 200


def test_the_per_username_backoff_is_capped_at_a_minute():
    from oa.core.actions import backoff_seconds

    assert backoff_seconds(19) == 0
    assert backoff_seconds(20) == 1
    assert backoff_seconds(22) == 4
    assert backoff_seconds(10_000) == 60


def test_an_unknown_username_is_locked_like_a_real_one(siming, settings):
    settings.OA_LOCKOUT_THRESHOLD = 3
    for name in ("director", "nobody-here"):
        answers = [login(siming, name, "Wrong@12345").status_code for _ in range(4)]
        assert answers == [400, 400, 400, 423], name


def test_failed_logins_for_unknown_usernames_are_audited(siming):
    assert login(siming, "Nobody-Here", "Wrong@12345").status_code == 400
    with schema_context(SIMING):
        event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.detail == {"username": "nobody-here", "known": False}
    assert "nobody-here" in event.summary
    assert event.ip == "127.0.0.1"


ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]


def test_an_unknown_username_answers_no_faster_than_a_wrong_password(siming):
    import time

    with override_settings(PASSWORD_HASHERS=ARGON2):
        director = user_in(SIMING, "director")
        with schema_context(SIMING):
            director.set_password(PASSWORD)
            director.save(update_fields=["password"])

        def elapsed(username):
            started = time.perf_counter()
            assert login_from(siming, "192.0.2.7", username, "Wrong@12345").status_code == 400
            return time.perf_counter() - started

        elapsed("nobody")  # first use builds the dummy hash
        wrong = sorted(elapsed("director") for _ in range(3))[1]
        unknown = sorted(elapsed("nobody") for _ in range(3))[1]
    # Without the dummy hash an unknown name answered in a fraction of the time.
    assert unknown > 0.6 * wrong, (unknown, wrong)


def test_changing_the_password_revokes_api_tokens_and_other_sessions(siming_director):
    token = siming_director.post("/api/auth/tokens/", {"name": "对接"}, format="json").json()["token"]
    integration = HostClient(SIMING)
    integration.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    other_session = HostClient(SIMING)
    assert login(other_session, "director").status_code == 200
    assert integration.get("/api/auth/me/").status_code == 200
    changed = siming_director.post(
        "/api/auth/password/", {"old_password": PASSWORD, "new_password": "Better@2027pass"}, format="json"
    )
    assert changed.status_code == 204
    assert siming_director.get("/api/auth/me/").status_code == 200  # this session stays
    assert integration.get("/api/auth/me/").status_code == 401
    assert other_session.get("/api/auth/me/").status_code == 401


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


def test_a_reset_gives_a_one_time_password_that_must_be_changed(siming, siming_secadmin):
    with schema_context(SIMING):
        staff_id = user_in(SIMING, "director").staff.pk
    # The resetter cannot choose the password: a chosen one is ignored, a generated one returned.
    reset = siming_secadmin.post(
        f"/api/directory/staff/{staff_id}/reset-password/", {"password": "Chosen@2026abc"}, format="json"
    )
    assert reset.status_code == 200
    one_time = reset.json()["password"]
    assert one_time != "Chosen@2026abc" and len(one_time) >= 12
    assert login(siming, "director", "Chosen@2026abc").status_code == 400
    signed_in = login(siming, "director", one_time)
    assert signed_in.json()["must_change_password"] is True
    # Until it is changed, the API refuses everything else.
    refused = siming.get("/api/directory/staff/")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    changed = siming.post(
        "/api/auth/password/", {"old_password": one_time, "new_password": "Mine@2027pass"}, format="json"
    )
    assert changed.status_code == 204
    assert siming.get("/api/directory/staff/").status_code == 200


def test_a_reset_revokes_the_persons_api_tokens(siming_director, siming_secadmin):
    token = siming_director.post("/api/auth/tokens/", {"name": "对接"}, format="json").json()["token"]
    with schema_context(SIMING):
        staff_id = user_in(SIMING, "director").staff.pk
    assert siming_secadmin.post(f"/api/directory/staff/{staff_id}/reset-password/").status_code == 200
    integration = HostClient(SIMING)
    integration.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert integration.get("/api/auth/me/").status_code == 401
    assert siming_director.get("/api/auth/me/").status_code == 401  # the session ended too


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


def test_the_hourly_purge_forgets_old_login_failures_but_keeps_locks(siming, settings):
    from oa.core.models import LoginThrottle
    from oa.core.tasks import purge_expired_sessions

    settings.OA_LOCKOUT_THRESHOLD = 2
    for _ in range(2):
        login_from(siming, "203.0.113.1", "director", "Wrong@12345")  # locks this pair
    login_from(siming, "203.0.113.2", "director", "Wrong@12345")
    with schema_context(SIMING):
        LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(days=2))
    purge_expired_sessions()
    with schema_context(SIMING):
        assert list(LoginThrottle.objects.values_list("ip", flat=True)) == ["203.0.113.1"]
