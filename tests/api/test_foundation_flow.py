"""The issue's walk-through, through the API as an integration would do it: the provider
creates a unit, its admin builds a department and a staff member, who then signs in."""

from tests.conftest import PASSWORD, HostClient


def csrf_login(code, username, password):
    client = HostClient(code, enforce_csrf_checks=True)
    client.get("/api/auth/csrf/")
    token = client.cookies["csrftoken"].value
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    response = client.post("/api/auth/login/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value  # rotated at login
    return client


def test_provider_to_staff_member_through_the_api(db):
    console = csrf_login(None, "provider", PASSWORD)
    created = console.post(
        "/api/units/",
        {
            "code": "tongan",
            "name": "同安区政府办公室",
            "kind": "district_office",
            "admin_username": "admin",
            "admin_display_name": "同安管理员",
            "admin_password": "Tongan@2026pass",
        },
        format="json",
    )
    assert created.status_code == 201, created.content

    admin = csrf_login("tongan", "admin", "Tongan@2026pass")
    dept = admin.post("/api/directory/departments/", {"name": "办公室"}, format="json").json()
    staff = admin.post(
        "/api/directory/staff/",
        {
            "username": "chenjing",
            "display_name": "陈静",
            "password": "Qingshui#2026",
            "department": dept["id"],
        },
        format="json",
    )
    assert staff.status_code == 201, staff.content

    member = csrf_login("tongan", "chenjing", "Qingshui#2026")
    # The admin chose that password, so it must be changed before anything else.
    refused = member.get("/api/directory/staff/")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    changed = member.post(
        "/api/auth/password/",
        {"old_password": "Qingshui#2026", "new_password": "Xiamen@2026mine"},
        format="json",
    )
    assert changed.status_code == 204
    assert member.get("/api/directory/staff/").status_code == 200
    home = member.get("/api/portal/home/").json()
    assert home["user"]["display_name"] == "陈静"
    assert home["user"]["must_change_password"] is False
    assert home["user"]["department"]["name"] == "办公室"
    assert home["unit"]["name"] == "同安区政府办公室"
    assert member.post("/api/directory/departments/", {"name": "越权"}, format="json").status_code == 403
