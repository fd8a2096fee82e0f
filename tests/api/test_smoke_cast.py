def test_cast_can_sign_in_on_their_own_hosts(siming_admin, provider):
    me = siming_admin.get("/api/auth/me/")
    assert me.status_code == 200, me.content
    assert me.json()["username"] == "admin"
    assert "directory.manage" in me.json()["permissions"]
    assert provider.get("/api/auth/me/").json()["kind"] == "provider"
