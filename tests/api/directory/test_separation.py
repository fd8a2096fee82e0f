"""三员分立 (separation of the three administrators, 等保 2.0 §8.1.4.2), issue 19 item 1.

The matrix: every admin endpoint of a unit (taken from the access matrix, which a test keeps
equal to the URL conf, so a new endpoint is covered here automatically) against each of the
three admins. Then each bypass the attack found, refused.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from oa.core.models import AuditEvent
from oa.directory.models import AdminRoleRequest, Role, Staff
from oa.directory.permissions import BUILTIN_ROLES, RESERVED_PERMISSIONS
from tests.api.test_access_matrix import ANON, MEMBER, PARTY, UNIT_ENDPOINTS, _call
from tests.conftest import PASSWORD, SIMING, HostClient, user_in

# The cast's three admins and the built-in role each holds.
ADMINS = {"admin": "sysadmin", "secadmin": "secadmin", "auditor": "auditadmin"}
ADMIN_ENDPOINTS = [(m, p, who) for m, p, who in UNIT_ENDPOINTS if who not in (ANON, MEMBER, PARTY)]


def role_permissions() -> dict[str, set[str]]:
    """What each built-in admin role holds in the unit (migrations add to them, e.g. importer)."""
    with schema_context(SIMING):
        return {r.code: set(r.permissions) for r in Role.objects.filter(code__in=ADMINS.values())}


def test_the_matrix_covers_every_admin_endpoint(db):
    # Each admin endpoint's permission belongs to at most one of the three duties, and every
    # duty's permission guards some endpoint.
    held = role_permissions()
    assert {code for code, _name, _perms in BUILTIN_ROLES} >= set(ADMINS.values())
    for _method, path, code in ADMIN_ENDPOINTS:
        holders = [r for r in ADMINS.values() if code in held[r]]
        assert len(holders) <= 1, (path, code, holders)
    assert {code for *_, code in ADMIN_ENDPOINTS} >= set().union(*held.values())


@pytest.mark.parametrize("username", list(ADMINS))
@pytest.mark.parametrize(("method", "path", "permission"), ADMIN_ENDPOINTS)
def test_each_admin_reaches_only_their_own_duty(db, username, method, path, permission):
    client = HostClient(SIMING).login_as(username)
    response = _call(client, method, path)
    own = permission in role_permissions()[ADMINS[username]]
    if own:
        assert response.status_code != 403 or response.json()["code"] == "separation_of_duties", (
            path,
            response.content,
        )
    else:
        assert response.status_code == 403, (username, method, path, response.content)
        assert response.json()["code"] == "permission_denied"


def staff_id(username: str) -> int:
    with schema_context(SIMING):
        return Staff.objects.get(user__username=username).pk


def role_id(code: str) -> int:
    with schema_context(SIMING):
        return Role.objects.get(code=code).pk


def refused(response, field: str, status: int = 400):
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == ("separation_of_duties", field), body
    return body


# --- reserved permissions: only through the built-in roles ---------------------------------------


@pytest.mark.parametrize("permission", sorted(RESERVED_PERMISSIONS))
def test_no_new_role_may_hold_a_reserved_permission(siming_admin, permission):
    response = siming_admin.post(
        "/api/directory/roles/",
        {"name": "旁门", "code": "sidedoor", "permissions": ["directory.manage", permission]},
        format="json",
    )
    refused(response, "permissions")
    with schema_context(SIMING):
        assert not Role.objects.filter(code="sidedoor").exists()


@pytest.mark.parametrize("permission", sorted(RESERVED_PERMISSIONS))
def test_the_builtin_staff_role_cannot_be_given_a_reserved_permission(siming_admin, permission):
    response = siming_admin.patch(
        f"/api/directory/roles/{role_id('staff')}/", {"permissions": [permission]}, format="json"
    )
    refused(response, "permissions")


def test_a_role_row_that_holds_audit_view_grants_nothing(siming_director):
    # Defence in depth: even a row written behind the actions' back gives no reserved power.
    with schema_context(SIMING):
        rogue = Role.objects.create(code="rogue", name="流氓角色", permissions=["audit.view"])
        Staff.objects.get(user__username="director").roles.add(rogue)
    assert "audit.view" not in siming_director.get("/api/auth/me/").json()["permissions"]
    assert siming_director.get("/api/audit-events/").status_code == 403


# --- admin roles: never through the directory ----------------------------------------------------


def test_the_admin_cannot_give_itself_the_audit_role(siming_admin, siming_auditor):
    me = staff_id("admin")
    response = siming_admin.patch(
        f"/api/directory/staff/{me}/", {"roles": [role_id("sysadmin"), role_id("auditadmin")]}, format="json"
    )
    assert response.json()["code"] in ("role_conflict", "separation_of_duties")
    assert response.status_code == 400
    assert siming_admin.get("/api/audit-events/").status_code == 403


def test_the_admin_cannot_give_a_colleague_an_admin_role(siming_admin):
    response = siming_admin.patch(
        f"/api/directory/staff/{staff_id('director')}/", {"roles": [role_id("auditadmin")]}, format="json"
    )
    refused(response, "roles")


def test_the_admin_cannot_create_an_auditor_with_a_password_it_chose(siming_admin, siming):
    response = siming_admin.post(
        "/api/directory/staff/",
        {
            "username": "fakeaudit",
            "display_name": "假审计",
            "password": "Chosen@2026pw",
            "roles": [role_id("auditadmin")],
        },
        format="json",
    )
    refused(response, "roles")
    with schema_context(SIMING):
        assert not Staff.objects.filter(user__username="fakeaudit").exists()


def test_the_admin_cannot_import_an_auditor(siming_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "username,display_name,roles,password\nfakeaudit,假审计,auditadmin,Chosen@2026pw\n"
    response = siming_admin.post(
        "/api/directory/staff/import/",
        {"file": SimpleUploadedFile("s.csv", csv.encode()), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "roles")]


# --- nobody edits, deactivates, strips or resets the other two -----------------------------------


@pytest.mark.parametrize("victim", ["secadmin", "auditor"])
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"is_active": False}, "is_active"),
        ({"roles": []}, "roles"),
        ({"display_name": "改名"}, "display_name"),
        ({"email": "x@example.com"}, "email"),
    ],
)
def test_the_admin_cannot_deactivate_strip_or_rename_the_other_two(siming_admin, victim, change, field):
    response = siming_admin.patch(f"/api/directory/staff/{staff_id(victim)}/", change, format="json")
    refused(response, field, status=403)
    assert user_in(SIMING, victim).is_active


def test_the_admin_may_still_place_the_other_admins_in_the_org_tree(siming_admin):
    dept = siming_admin.post("/api/directory/departments/", {"name": "保密办"}, format="json").json()["id"]
    auditor = siming_admin.get(f"/api/directory/staff/{staff_id('auditor')}/").json()
    # The edit form sends every field back; unchanged account fields are no edit of the account.
    response = siming_admin.patch(
        f"/api/directory/staff/{auditor['id']}/",
        {
            "department": dept,
            "phone": "0592-1",
            "display_name": auditor["display_name"],
            "email": auditor["email"],
            "is_active": True,
            "roles": [r["id"] for r in auditor["roles"]],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["department"]["id"] == dept


@pytest.mark.parametrize("victim", ["admin", "auditor"])
def test_the_security_admin_cannot_reset_the_other_two(siming_secadmin, siming, victim):
    response = siming_secadmin.post(
        f"/api/directory/staff/{staff_id(victim)}/reset-password/",
        {"password": "Chosen@2026pw"},
        format="json",
    )
    refused(response, "id", status=403)
    assert (
        siming.post("/api/auth/login/", {"username": victim, "password": PASSWORD}, format="json").json()[
            "must_change_password"
        ]
        is False
    )


def test_the_security_admin_resets_a_colleague_with_a_one_time_password(siming_secadmin):
    response = siming_secadmin.post(f"/api/directory/staff/{staff_id('director')}/reset-password/")
    assert response.status_code == 200
    assert response.json()["username"] == "director"
    with schema_context(SIMING):
        event = AuditEvent.objects.filter(action="auth.password_reset").latest("id")
        assert response.json()["password"] not in str(event.detail) + event.summary


# --- the two-person rule: the 安全管理员 asks, the provider decides ----------------------------------


def ask(client, username, role, action="grant", reason="岗位调整"):
    return client.post(
        "/api/directory/admin-role-requests/",
        {"staff": staff_id(username), "role": role, "action": action, "reason": reason},
        format="json",
    )


def test_a_request_takes_effect_only_when_the_provider_approves(siming_secadmin, siming_director, provider):
    request = ask(siming_secadmin, "director", "auditadmin")
    assert request.status_code == 201, request.content
    assert request.json()["status"] == "pending"
    assert siming_director.get("/api/audit-events/").status_code == 403  # not yet
    listed = provider.get("/api/units/siming/admins/").json()
    assert [r["id"] for r in listed["requests"] if r["status"] == "pending"] == [request.json()["id"]]
    assert {a["username"] for a in listed["admins"]} == {"admin", "secadmin", "auditor"}
    approved = provider.post(f"/api/units/siming/admins/requests/{request.json()['id']}/approve/", {})
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert siming_director.get("/api/audit-events/").status_code == 200
    again = provider.post(f"/api/units/siming/admins/requests/{request.json()['id']}/approve/", {})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    with schema_context(SIMING):
        event = AuditEvent.objects.filter(action="directory.admin_role_request_approved").latest("id")
        assert event.actor_name == "平台运营方 provider"
    assert AuditEvent.objects.filter(action="units.admin_role_request_approved").exists()


def test_a_rejected_request_changes_nothing(siming_secadmin, siming_director, provider):
    request = ask(siming_secadmin, "director", "auditadmin").json()
    rejected = provider.post(
        f"/api/units/siming/admins/requests/{request['id']}/reject/", {"note": "未经党组研究"}, format="json"
    )
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert siming_director.get("/api/audit-events/").status_code == 403


def test_a_revocation_also_needs_the_provider(siming_secadmin, siming_auditor, provider):
    request = ask(siming_secadmin, "auditor", "auditadmin", action="revoke").json()
    assert siming_auditor.get("/api/audit-events/").status_code == 200
    provider.post(f"/api/units/siming/admins/requests/{request['id']}/approve/", {})
    assert siming_auditor.get("/api/audit-events/").status_code == 403


def test_the_security_admin_cannot_ask_for_itself(siming_secadmin):
    refused(ask(siming_secadmin, "secadmin", "secadmin", action="revoke"), "staff", status=403)


def test_a_request_cannot_make_one_person_hold_two_admin_roles(siming_secadmin):
    response = ask(siming_secadmin, "auditor", "sysadmin")
    assert (response.status_code, response.json()["code"]) == (400, "role_conflict")


def test_only_the_three_admin_roles_can_be_requested(siming_secadmin):
    response = ask(siming_secadmin, "director", "clerk")
    assert (response.status_code, response.json()["field"]) == (400, "role")


def test_a_duplicate_pending_request_is_refused(siming_secadmin):
    assert ask(siming_secadmin, "director", "auditadmin").status_code == 201
    response = ask(siming_secadmin, "director", "auditadmin")
    assert (response.status_code, response.json()["code"]) == (409, "duplicate")


def test_the_provider_appoints_a_units_first_officers_directly(provider, siming_director):
    response = provider.post(
        "/api/units/siming/admins/",
        {"username": "director", "role": "auditadmin", "action": "grant"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "director" in {a["username"] for a in response.json()["admins"]}
    assert siming_director.get("/api/audit-events/").status_code == 200


def test_the_provider_names_an_unknown_username(provider):
    response = provider.post(
        "/api/units/siming/admins/",
        {"username": "ghost", "role": "auditadmin", "action": "grant"},
        format="json",
    )
    assert (response.status_code, response.json()["field"]) == (404, "username")


def test_only_the_provider_resets_an_admin_with_a_one_time_password(provider, siming):
    response = provider.post(f"/api/units/siming/admins/{staff_id('auditor')}/reset-password/", {})
    assert response.status_code == 200
    one_time = response.json()["password"]
    signed_in = siming.post("/api/auth/login/", {"username": "auditor", "password": one_time}, format="json")
    assert signed_in.json()["must_change_password"] is True
    # Ordinary staff are the unit's 安全管理员's to reset, not the provider's.
    ordinary = provider.post(f"/api/units/siming/admins/{staff_id('director')}/reset-password/", {})
    assert (ordinary.status_code, ordinary.json()["field"]) == (409, "id")


def test_the_provider_decides_only_for_the_unit_in_the_path(siming_secadmin, provider):
    request = ask(siming_secadmin, "director", "auditadmin").json()
    # huli has no request with this id: the decision cannot reach into siming from huli's path.
    response = provider.post(f"/api/units/huli/admins/requests/{request['id']}/approve/", {})
    assert response.status_code == 404
    with schema_context(SIMING):
        assert AdminRoleRequest.objects.get(pk=request["id"]).status == "pending"
