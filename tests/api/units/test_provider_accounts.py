from tests.conftest import HostClient, user_in


def test_provider_staff_manage_console_accounts(provider):
    created = provider.post(
        "/api/provider-accounts/",
        {
            "username": "ops",
            "display_name": "运维值班",
            "email": "ops@example.gov.cn",
            "password": "Console@2026pw",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert [a["username"] for a in provider.get("/api/provider-accounts/").json()["results"]] == [
        "provider",
        "ops",
    ]
    ops = HostClient(None)
    assert (
        ops.post(
            "/api/auth/login/", {"username": "ops", "password": "Console@2026pw"}, format="json"
        ).status_code
        == 200
    )
    disabled = provider.patch(
        f"/api/provider-accounts/{created.json()['id']}/", {"is_active": False}, format="json"
    )
    assert disabled.json()["is_active"] is False
    assert ops.get("/api/auth/me/").status_code == 401
    again = HostClient(None).post(
        "/api/auth/login/", {"username": "ops", "password": "Console@2026pw"}, format="json"
    )
    assert again.json()["code"] == "account_disabled"


def test_bad_provider_accounts_are_refused_by_field(provider):
    weak = provider.post(
        "/api/provider-accounts/", {"username": "ops", "display_name": "x", "password": "123"}, format="json"
    )
    assert (weak.status_code, weak.json()["field"]) == (400, "password")
    dup = provider.post(
        "/api/provider-accounts/",
        {"username": "provider", "display_name": "x", "password": "Console@2026pw"},
        format="json",
    )
    assert (dup.status_code, dup.json()["field"]) == (400, "username")


def test_a_provider_cannot_disable_themselves(provider):
    me = user_in(None, "provider")
    response = provider.patch(f"/api/provider-accounts/{me.pk}/", {"is_active": False}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "is_active")


def test_unknown_units_and_jobs_answer_404(provider):
    assert provider.get("/api/units/nosuch/").json()["code"] == "not_found"
    assert provider.get("/api/jobs/999999/").status_code == 404
    assert (
        provider.patch("/api/provider-accounts/999999/", {"is_active": False}, format="json").status_code
        == 404
    )


def test_the_unit_catalogues_are_listed(provider):
    assert {k["code"] for k in provider.get("/api/unit-kinds/").json()} >= {
        "district_office",
        "street_office",
    }
    assert "documents" in {m["code"] for m in provider.get("/api/modules/").json()}
    assert provider.get("/api/units/siming/").json()["name"] == "思明区政府办公室"
