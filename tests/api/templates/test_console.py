"""The template library on the console: provider staff browse, upload, diff and publish."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from templates_lib.loading import BUILTIN_DIR
from templates_lib.models import StarterKit, Template

LEAVE_FLOW = (BUILTIN_DIR / "flows" / "leave.bpmn").read_text(encoding="utf-8")


def template_id(kind: str, code: str) -> int:
    return Template.objects.get(kind=kind, code=code).pk


# Query counts include django-tenants' SET search_path before each statement; a list is one
# query (templates) or three (kits with their versions and templates) on top of the request's
# own (host, session, user, account, session save).


def test_the_library_lists_templates_by_kind(provider, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = provider.get("/api/templates/?kind=flow")
    assert response.status_code == 200
    body = response.json()
    assert [t["code"] for t in body] == [
        "fawen",
        "jieyue",
        "leave",
        "meeting",
        "notice",
        "seal",
        "shouwen",
        "vehicle",
    ]
    assert body[0] | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "kind": "flow",
        "kind_display": "流程",
        "code": "fawen",
        "name": "发文办理",
        "description": body[0]["description"],
        "module": "documents",
        "builtin": True,
        "version_count": 1,
        "latest_version": 1,
        "latest_published": 1,
        "created_at": "",
        "updated_at": "",
    }
    assert len(provider.get("/api/templates/").json()) == 22


def test_a_template_shows_its_versions_and_a_versions_content(provider):
    pk = template_id("flow", "leave")
    detail = provider.get(f"/api/templates/{pk}/").json()
    assert [(v["number"], v["state"]) for v in detail["versions"]] == [(1, "published")]
    version = provider.get(f"/api/templates/{pk}/versions/1/").json()
    assert version["content"] == LEAVE_FLOW and version["text"] == LEAVE_FLOW
    form = provider.get(f"/api/templates/{template_id('form', 'leave')}/versions/1/").json()
    assert form["content"]["schema"]["title"] == "请假申请"
    assert form["text"].startswith("{\n")
    assert provider.get(f"/api/templates/{pk}/versions/9/").status_code == 404
    assert provider.get("/api/templates/999999/").status_code == 404


def test_a_new_flow_version_is_uploaded_as_a_file_diffed_and_published(provider):
    pk = template_id("flow", "leave")
    changed = LEAVE_FLOW.replace('name="办公室备案"', 'name="人事备案"')
    upload = SimpleUploadedFile("leave.bpmn", changed.encode(), content_type="application/xml")
    response = provider.post(
        f"/api/templates/{pk}/versions/", {"file": upload, "notes": "改名"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["state"]) == (2, "draft")

    diff = provider.get(f"/api/templates/{pk}/diff/?from=1&to=2").json()
    assert '-    <bpmn:userTask id="Task_Record" name="办公室备案"' in diff["unified"]
    assert diff["changes"] == [
        {
            "where": "Task_Record",
            "change": "changed",
            "element": "bpmn:userTask",
            "name": "人事备案",
            "diagram": False,
            "attributes": {"name": ["办公室备案", "人事备案"]},
            "content_changed": False,
        }
    ]
    published = provider.post(f"/api/templates/{pk}/versions/2/publish/")
    assert published.json()["state"] == "published" and published.json()["published_at"]
    for kit in StarterKit.objects.all():
        assert kit.versions.get(template_id=pk).number == 2


def test_a_json_version_is_uploaded_in_the_body_and_refusals_say_where(provider):
    pk = template_id("numbering", "outgoing")
    current = provider.get(f"/api/templates/{pk}/versions/1/").json()["content"]
    bad = {**current, "pattern": "{机关代字}〔{年}〕{号码}号"}
    response = provider.post(f"/api/templates/{pk}/versions/", {"content": bad}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("template_invalid", "content")
    assert body["errors"][0]["where"] == "/pattern" and "{号码}" in body["detail"]

    good = {**current, "start": 10}
    response = provider.post(f"/api/templates/{pk}/versions/", {"content": json.dumps(good)}, format="json")
    assert response.status_code == 201
    diff = provider.get(f"/api/templates/{pk}/diff/?from=1&to=2").json()
    assert diff["changes"] == [{"where": "/start", "change": "changed", "before": 1, "after": 10}]


def test_a_bpmn_upload_that_is_not_well_formed_names_the_line(provider):
    pk = template_id("flow", "seal")
    broken = SimpleUploadedFile("seal.bpmn", b'<?xml version="1.0"?>\n<bpmn:definitions>\n</oops>')
    response = provider.post(f"/api/templates/{pk}/versions/", {"file": broken}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 2


def test_a_published_version_cannot_be_edited_through_the_api(provider):
    pk = template_id("layout", "red_header")
    response = provider.patch(f"/api/templates/{pk}/versions/1/", {"notes": "改"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")
    assert provider.post(f"/api/templates/{pk}/versions/1/publish/").status_code == 409


def test_a_draft_can_be_edited_through_the_api(provider):
    pk = template_id("numbering", "letter")
    content = provider.get(f"/api/templates/{pk}/versions/1/").json()["content"]
    provider.post(f"/api/templates/{pk}/versions/", {"content": content, "notes": "草稿"}, format="json")
    response = provider.patch(
        f"/api/templates/{pk}/versions/2/",
        {"content": {**content, "start": 3}, "notes": "从 3 开始"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["content"]["start"], response.json()["notes"]) == (3, "从 3 开始")


def test_a_new_template_is_created_then_versioned(provider):
    response = provider.post(
        "/api/templates/",
        {"kind": "numbering", "code": "meeting_minutes", "name": "会议纪要编号", "module": "meetings"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version_count"] == 0
    duplicate = provider.post(
        "/api/templates/", {"kind": "flow", "code": "leave", "name": "x"}, format="json"
    )
    assert (duplicate.status_code, duplicate.json()["field"]) == (409, "code")
    bad_module = provider.post(
        "/api/templates/", {"kind": "flow", "code": "trip", "name": "出差", "module": "travel"}, format="json"
    )
    assert bad_module.json()["field"] == "module"


def test_the_diff_needs_both_versions(provider):
    pk = template_id("flow", "leave")
    response = provider.get(f"/api/templates/{pk}/diff/?from=1")
    assert (response.status_code, response.json()["field"]) == (400, "to")
    assert provider.get(f"/api/templates/{pk}/diff/?from=1&to=7").json()["field"] == "to"


def test_starter_kits_list_their_templates(provider, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        kits = provider.get("/api/starter-kits/").json()
    assert [k["code"] for k in kits] == ["city_bureau", "district_office", "street_office"]
    street = next(k for k in kits if k["code"] == "street_office")
    assert street["unit_kind_display"] == "街道办事处"
    assert {"kind": "roleset", "code": "street", "name": "街道办事处角色集", "version": 1} in street[
        "templates"
    ]
    detail = provider.get(f"/api/starter-kits/{street['id']}/").json()
    assert detail == street
    assert provider.get("/api/starter-kits/999999/").status_code == 404
