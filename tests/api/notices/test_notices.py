"""/api/notices/: the publisher's and the reader's side, over HTTP."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tests.conftest import SIMING, HostClient


def as_(username: str) -> HostClient:
    return HostClient(SIMING).login_as(username)


def draft(editor: HostClient, column: int, **fields) -> dict:
    body = {
        "column": column,
        "title": "关于报送年度预算的通知",
        "body_html": "<p>请于周五前报送。</p>",
        **fields,
    }
    response = editor.post("/api/notices/manage/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_publish_read_receipts_and_remind(cast):
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, audience_departments=[cast.finance.pk])
    published = editor.post(f"/api/notices/{notice['id']}/publish/").json()
    assert published["state"] == "published"
    assert published["counts"] == {"total": 2, "read": 0, "unread": 2}

    cashier = as_("cashier")
    listed = cashier.get("/api/notices/").json()["results"]
    assert [(n["title"], n["read"]) for n in listed] == [("关于报送年度预算的通知", False)]
    assert cashier.get("/api/notices/unread-count/").json() == {"unread": 1}
    read = cashier.post(f"/api/notices/{notice['id']}/read/").json()
    assert read["read_at"] and read["managing"] is False and read["counts"] is None
    assert cashier.get("/api/notices/unread-count/").json() == {"unread": 0}

    receipts = editor.get(f"/api/notices/{notice['id']}/receipts/").json()
    assert receipts["counts"] == {"total": 2, "read": 1, "unread": 1}
    assert [(r["user"]["username"], r["department"], bool(r["read_at"])) for r in receipts["receipts"]] == [
        ("accountant", "财务科", False),
        ("cashier", "财务科", True),
    ]
    assert editor.post(f"/api/notices/{notice['id']}/remind/").json() == {"reminded": 1}
    again = editor.post(f"/api/notices/{notice['id']}/remind/")
    assert again.status_code == 429 and again.json()["code"] == "throttled"


def test_a_colleague_outside_the_audience_is_refused_everywhere(cast):
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, audience_departments=[cast.finance.pk])
    editor.post(f"/api/notices/{notice['id']}/publish/")

    officer = as_("officer")
    assert officer.get("/api/notices/").json()["results"] == []
    for method, path in (
        ("get", f"/api/notices/{notice['id']}/"),
        ("post", f"/api/notices/{notice['id']}/read/"),
        ("get", f"/api/notices/{notice['id']}/receipts/"),
        ("post", f"/api/notices/{notice['id']}/remind/"),
        ("post", f"/api/notices/{notice['id']}/retract/"),
    ):
        response = getattr(officer, method)(path)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["code"] == "not_found"


def test_a_reader_may_not_manage_the_item(cast):
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, audience_departments=[cast.finance.pk])
    editor.post(f"/api/notices/{notice['id']}/publish/")

    cashier = as_("cashier")
    for method, path in (
        ("get", f"/api/notices/{notice['id']}/receipts/"),
        ("post", f"/api/notices/{notice['id']}/remind/"),
        ("post", f"/api/notices/{notice['id']}/retract/"),
        ("patch", f"/api/notices/{notice['id']}/"),
    ):
        response = getattr(cashier, method)(path, {}, format="json")
        assert response.status_code == 403, (path, response.content)
        assert response.json()["code"] == "permission_denied"
    assert cashier.get("/api/notices/manage/").status_code == 403


def test_retracted_and_expired_items_say_so_to_their_audience(cast):
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, audience_departments=[cast.finance.pk])
    editor.post(f"/api/notices/{notice['id']}/publish/")
    editor.post(f"/api/notices/{notice['id']}/retract/", {"reason": "重复发布"}, format="json")

    response = as_("cashier").get(f"/api/notices/{notice['id']}/")
    assert response.status_code == 410
    assert response.json() == {"code": "retracted", "detail": "这条信息已被发布人撤回。", "field": None}


def test_validation_errors_name_the_field(cast):
    editor = as_("editor")
    for body, field in (
        ({"title": "无栏目"}, "column"),
        ({"column": 999999, "title": "x"}, "column"),
        ({"column": cast.column.pk, "title": ""}, "title"),
        ({"column": cast.column.pk, "title": "x", "expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
        ({"column": cast.column.pk, "title": "x", "audience_roles": [999999]}, "audience_roles"),
    ):
        response = editor.post("/api/notices/manage/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["field"] == field, (body, response.json())
    notice = draft(editor, cast.column.pk)
    response = editor.post(f"/api/notices/{notice['id']}/publish/")
    assert (response.status_code, response.json()["field"]) == (400, "audience")


def test_columns_are_kept_by_the_unit_admin(cast):
    admin = as_("admin")
    created = admin.post(
        "/api/notices/columns/", {"name": "党建园地", "publishers": [cast.officer.pk]}, format="json"
    )
    assert created.status_code == 201, created.content
    assert [p["username"] for p in created.json()["publishers"]] == ["officer"]
    duplicate = admin.post("/api/notices/columns/", {"name": "党建园地"}, format="json")
    assert (duplicate.status_code, duplicate.json()["field"]) == (400, "name")
    flow = admin.patch(
        f"/api/notices/columns/{created.json()['id']}/", {"approval_flow": "leave"}, format="json"
    )
    assert flow.json()["field"] == "approval_flow"
    names = [c["name"] for c in as_("officer").get("/api/notices/columns/").json()]
    assert names == ["通知公告", "工作动态", "规章制度", "上级来文", "党建园地"]
    editor = as_("editor")
    assert editor.post("/api/notices/columns/", {"name": "x"}, format="json").status_code == 403


def test_the_list_takes_a_fixed_number_of_queries(cast):
    editor = as_("editor")
    for i in range(3):
        notice = draft(editor, cast.column.pk, title=f"通知{i}", audience_all=True)
        editor.post(f"/api/notices/{notice['id']}/publish/")
    cashier = as_("cashier")
    cashier.get("/api/notices/")
    with CaptureQueriesContext(connection) as few:
        assert len(cashier.get("/api/notices/").json()["results"]) == 3
    for i in range(5):
        notice = draft(editor, cast.column.pk, title=f"更多{i}", audience_all=True)
        editor.post(f"/api/notices/{notice['id']}/publish/")
    with CaptureQueriesContext(connection) as many:
        assert len(cashier.get("/api/notices/").json()["results"]) == 8
    assert len(many) == len(few)


def test_search_over_http(cast):
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, title="关于开展安全生产大检查的通知", audience_all=True)
    editor.post(f"/api/notices/{notice['id']}/publish/")
    cashier = as_("cashier")
    assert [n["id"] for n in cashier.get("/api/notices/", {"q": "安全生产"}).json()["results"]] == [
        notice["id"]
    ]
    assert cashier.get("/api/notices/", {"q": "防汛"}).json()["results"] == []


def test_the_unit_admin_picks_an_approval_flow_of_the_notices_module(cast):
    assert as_("admin").get("/api/notices/flows/").json() == [{"code": "notice", "name": "信息发布审批"}]
    assert as_("editor").get("/api/notices/flows/").status_code == 403


def test_publishing_to_other_units_answers_with_the_envelope(cast, settings, tmp_path):
    from oa.directory.models import Role, Staff

    settings.MEDIA_ROOT = tmp_path / "media"
    with schema_context(SIMING):
        Staff.objects.get(user=cast.editor).roles.add(Role.objects.get(code="office_head"))
    editor = as_("editor")
    notice = draft(editor, cast.column.pk, audience_all=True)
    editor.post(f"/api/notices/{notice['id']}/publish/")
    response = editor.post(f"/api/notices/{notice['id']}/send/", {"recipients": ["huli"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["envelope"]["recipients"] == ["huli"] and body["envelope"]["kind"] == "notice"
    assert body["skipped"] == []
    assert (
        as_("cashier")
        .post(f"/api/notices/{notice['id']}/send/", {"recipients": ["huli"]}, format="json")
        .status_code
        == 403
    )
