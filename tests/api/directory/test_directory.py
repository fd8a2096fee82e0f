import pytest
from django_tenants.utils import schema_context

from oa.core.models import AuditEvent
from oa.directory.models import Department, Staff
from tests.conftest import SIMING


def make_dept(client, name, parent=None):
    response = client.post("/api/directory/departments/", {"name": name, "parent": parent}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_admin_builds_a_department_tree(siming_admin):
    office = make_dept(siming_admin, "办公室")
    secretariat = make_dept(siming_admin, "秘书科", office)
    listed = {d["name"]: d for d in siming_admin.get("/api/directory/departments/").json()}
    assert listed["秘书科"]["parent"] == office
    renamed = siming_admin.patch(
        f"/api/directory/departments/{secretariat}/", {"name": "文秘科"}, format="json"
    )
    assert renamed.json()["name"] == "文秘科"
    with schema_context(SIMING):
        assert AuditEvent.objects.filter(action="directory.department_created").count() == 2
        assert AuditEvent.objects.filter(
            action="directory.department_updated", target_id=str(secretariat)
        ).exists()


def test_a_department_cannot_move_under_itself(siming_admin):
    office = make_dept(siming_admin, "办公室")
    child = make_dept(siming_admin, "秘书科", office)
    response = siming_admin.patch(f"/api/directory/departments/{office}/", {"parent": child}, format="json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "cycle",
        "parent",
    )


def test_department_names_are_unique_among_siblings(siming_admin):
    make_dept(siming_admin, "办公室")
    response = siming_admin.post("/api/directory/departments/", {"name": "办公室"}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "name")
    blank = siming_admin.post("/api/directory/departments/", {"name": "  "}, format="json")
    assert (blank.status_code, blank.json()["field"]) == (400, "name")


def test_a_department_with_children_or_staff_cannot_be_deleted(siming_admin):
    office = make_dept(siming_admin, "办公室")
    make_dept(siming_admin, "秘书科", office)
    response = siming_admin.delete(f"/api/directory/departments/{office}/")
    assert (response.status_code, response.json()["code"]) == (409, "in_use")
    empty = make_dept(siming_admin, "空部门")
    assert siming_admin.delete(f"/api/directory/departments/{empty}/").status_code == 204
    assert siming_admin.delete(f"/api/directory/departments/{empty}/").status_code == 404


def test_an_unknown_parent_is_named(siming_admin):
    response = siming_admin.post("/api/directory/departments/", {"name": "x", "parent": 99999}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "parent")


def test_admin_creates_staff_who_can_sign_in(siming_admin, siming):
    dept = make_dept(siming_admin, "办公室")
    position = siming_admin.post(
        "/api/directory/positions/", {"name": "科员", "rank": 40}, format="json"
    ).json()["id"]
    response = siming_admin.post(
        "/api/directory/staff/",
        {
            "username": "zhangsan",
            "display_name": "张三",
            "password": "Secure@2026pw",
            "department": dept,
            "position": position,
            "phone": "0592-1234567",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["department"]["name"] == "办公室"
    me = siming.post("/api/auth/login/", {"username": "zhangsan", "password": "Secure@2026pw"}, format="json")
    assert me.status_code == 200
    home = siming.get("/api/portal/home/").json()
    assert (home["user"]["display_name"], home["user"]["department"]["name"], home["unit"]["name"]) == (
        "张三",
        "办公室",
        "思明区政府办公室",
    )


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"username": ""}, "username", "required"),
        ({"username": "admin"}, "username", "duplicate"),
        ({"username": "ADMIN"}, "username", "duplicate"),
        ({"password": "abc"}, "password", "weak_password"),
        ({"display_name": ""}, "display_name", "required"),
        ({"department": 99999}, "department", "does_not_exist"),
        ({"email": "not-an-email"}, "email", "invalid"),
    ],
)
def test_bad_staff_input_is_refused_by_field(siming_admin, change, field, code):
    payload = {"username": "lisi", "display_name": "李四", "password": "Lisi@2026pass", **change}
    response = siming_admin.post("/api/directory/staff/", payload, format="json")
    assert response.status_code == 400, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    with schema_context(SIMING):
        assert not Staff.objects.filter(user__username="lisi").exists()


def test_one_person_cannot_hold_two_of_the_three_admin_roles(provider):
    # Even the provider, the only one who grants admin roles directly, cannot give two.
    response = provider.post(
        "/api/units/siming/admins/",
        {"username": "auditor", "role": "secadmin", "action": "grant"},
        format="json",
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "role_conflict",
        "roles",
    )


def test_roles_grant_permissions_and_unknown_codes_are_refused(siming_admin, siming_director):
    bad = siming_admin.post(
        "/api/directory/roles/",
        {"name": "人事", "code": "hr", "permissions": ["launch.missiles"]},
        format="json",
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "permissions")
    role = siming_admin.post(
        "/api/directory/roles/",
        {"name": "人事专员", "code": "hr", "permissions": ["directory.manage"]},
        format="json",
    )
    assert role.status_code == 201
    with schema_context(SIMING):
        director = Staff.objects.get(user__username="director")
    granted = siming_admin.patch(
        f"/api/directory/staff/{director.pk}/", {"roles": [role.json()["id"]]}, format="json"
    )
    assert granted.status_code == 200
    assert "directory.manage" in siming_director.get("/api/auth/me/").json()["permissions"]
    assert (
        siming_director.post("/api/directory/departments/", {"name": "人事科"}, format="json").status_code
        == 201
    )


def test_builtin_roles_cannot_be_deleted_or_have_their_permissions_changed(siming_admin):
    roles = {r["code"]: r["id"] for r in siming_admin.get("/api/directory/roles/").json()}
    assert siming_admin.delete(f"/api/directory/roles/{roles['sysadmin']}/").status_code == 400
    response = siming_admin.patch(
        f"/api/directory/roles/{roles['auditadmin']}/", {"permissions": []}, format="json"
    )
    assert (response.status_code, response.json()["field"]) == (400, "permissions")
    assert response.json()["code"] == "separation_of_duties"


def test_granting_roles_needs_the_roles_permission(siming_admin, siming_secadmin):
    # The security admin may not hand out roles (and cannot edit staff at all).
    with schema_context(SIMING):
        director = Staff.objects.get(user__username="director")
    response = siming_secadmin.patch(f"/api/directory/staff/{director.pk}/", {"roles": []}, format="json")
    assert response.status_code == 403


def test_an_admin_cannot_disable_themselves(siming_admin):
    with schema_context(SIMING):
        me = Staff.objects.get(user__username="admin")
    response = siming_admin.patch(f"/api/directory/staff/{me.pk}/", {"is_active": False}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "is_active")


def test_staff_list_searches_and_filters_by_department_subtree(siming_admin):
    office = make_dept(siming_admin, "办公室")
    child = make_dept(siming_admin, "秘书科", office)
    siming_admin.post(
        "/api/directory/staff/",
        {"username": "zs", "display_name": "张三", "password": "Secure@2026pw", "department": child},
        format="json",
    )
    assert [
        s["username"]
        for s in siming_admin.get(f"/api/directory/staff/?department={office}").json()["results"]
    ] == ["zs"]
    assert [s["username"] for s in siming_admin.get("/api/directory/staff/?search=张").json()["results"]] == [
        "zs"
    ]


def test_the_staff_list_runs_a_fixed_number_of_queries(siming_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert siming_admin.get("/api/directory/staff/").status_code == 200
        return len(captured)

    def add(count, start):
        for i in range(start, start + count):
            siming_admin.post(
                "/api/directory/staff/",
                {"username": f"u{i}", "display_name": f"人员{i}", "password": "Secure@2026pw", "roles": []},
                format="json",
            )

    add(2, 0)
    few = queries_for_list()
    add(20, 2)
    assert queries_for_list() == few


def test_positions_in_use_cannot_be_deleted(siming_admin):
    position = siming_admin.post("/api/directory/positions/", {"name": "科长"}, format="json").json()["id"]
    siming_admin.post(
        "/api/directory/staff/",
        {"username": "zs", "display_name": "张三", "password": "Secure@2026pw", "position": position},
        format="json",
    )
    assert siming_admin.delete(f"/api/directory/positions/{position}/").status_code == 409
    dup = siming_admin.post("/api/directory/positions/", {"name": "科长"}, format="json")
    assert (dup.status_code, dup.json()["field"]) == (400, "name")


def test_audit_events_are_listed_for_the_audit_admin_only(siming_admin, siming_auditor):
    make_dept(siming_admin, "办公室")
    assert siming_admin.get("/api/audit-events/").status_code == 403
    events = siming_auditor.get("/api/audit-events/").json()["results"]
    assert events[0]["action"] == "directory.department_created"
    assert events[0]["actor"] == "系统管理员 (admin)"
    with schema_context(SIMING):
        assert Department.objects.count() == 1


def test_the_provider_lists_console_audit_events(provider):
    provider.post("/api/units/siming/suspend/", {"reason": "检查"}, format="json")
    events = provider.get("/api/audit-events/?action=unit.").json()["results"]
    assert events[0]["action"] == "unit.suspended"


@pytest.fixture
def siming_hr(siming_admin):
    """A colleague who may manage the directory but not grant roles."""
    role = siming_admin.post(
        "/api/directory/roles/",
        {"name": "人事专员", "code": "hr", "permissions": ["directory.manage"]},
        format="json",
    ).json()
    siming_admin.post(
        "/api/directory/staff/",
        {"username": "hr1", "display_name": "人事", "password": "Secure@2026pw", "roles": [role["id"]]},
        format="json",
    )
    with schema_context(SIMING):
        from oa.core.models import Account

        Account.objects.filter(user__username="hr1").update(must_change_password=False)
    from tests.conftest import HostClient

    return HostClient(SIMING).login_as("hr1")


def test_a_directory_manager_cannot_grant_roles_when_creating_staff(siming_admin, siming_hr):
    sysadmin = next(
        r["id"] for r in siming_admin.get("/api/directory/roles/").json() if r["code"] == "sysadmin"
    )
    response = siming_hr.post(
        "/api/directory/staff/",
        {"username": "sneaky", "display_name": "越权", "password": "Secure@2026pw", "roles": [sysadmin]},
        format="json",
    )
    assert (response.status_code, response.json()["field"]) == (403, "roles")
    with schema_context(SIMING):
        assert not Staff.objects.filter(user__username="sneaky").exists()
    plain = siming_hr.post(
        "/api/directory/staff/",
        {"username": "plain", "display_name": "普通", "password": "Secure@2026pw"},
        format="json",
    )
    assert plain.status_code == 201


def test_a_directory_manager_cannot_grant_roles_by_import(siming_hr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "username,display_name,roles\nsneaky,越权,sysadmin\n"
    response = siming_hr.post(
        "/api/directory/staff/import/",
        {"file": SimpleUploadedFile("s.csv", csv.encode()), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "roles")]


def test_staff_created_by_an_admin_must_change_the_password_first(siming_admin, siming):
    siming_admin.post(
        "/api/directory/staff/",
        {"username": "newbie", "display_name": "新人", "password": "Secure@2026pw"},
        format="json",
    )
    me = siming.post(
        "/api/auth/login/", {"username": "newbie", "password": "Secure@2026pw"}, format="json"
    ).json()
    assert me["must_change_password"] is True
    refused = siming.get("/api/directory/departments/")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    assert siming.get("/api/portal/home/").status_code == 200
    siming.post(
        "/api/auth/password/",
        {"old_password": "Secure@2026pw", "new_password": "Mine#2026newbie"},
        format="json",
    )
    assert siming.get("/api/directory/departments/").status_code == 200


@pytest.mark.parametrize("code", ["fe角色", "FE_Upper", "1abc", "-x", "a" * 41])
def test_role_codes_follow_the_rule(siming_admin, code):
    response = siming_admin.post(
        "/api/directory/roles/", {"name": f"角色{code}", "code": code, "permissions": []}, format="json"
    )
    assert (response.status_code, response.json()["field"]) == (400, "code")


def test_the_password_policy_speaks_chinese(siming_admin):
    response = siming_admin.post(
        "/api/directory/staff/",
        {"username": "x1", "display_name": "x", "password": "Ab1!"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert "至少需要 8 个字符" in response.json()["detail"]
    assert "This password" not in response.json()["detail"]
