"""A unit admin's templates: list, edit, fork, and upgrade with a preview and a conflict."""

import copy

from django.db import connection
from django_tenants.utils import schema_context

from oa.templates.models import UnitTemplate
from templates_lib import actions as library
from templates_lib.models import Template
from tests.conftest import SIMING, user_in


def unit_template_id(kind: str, code: str) -> int:
    with schema_context(SIMING):
        return UnitTemplate.objects.get(kind=kind, code=code).pk


def publish_form(code: str, change) -> None:
    connection.set_schema_to_public()
    template = Template.objects.get(kind="form", code=code)
    content = change(copy.deepcopy(template.versions.order_by("-number").first().content))
    provider = user_in(None, "provider")
    draft = library.do_add_draft_version(template, acting_user=provider, content=content)
    library.do_publish_version(draft, acting_user=provider)


def test_the_unit_admin_lists_the_units_templates(siming_admin, django_assert_max_num_queries):
    # The request's own (host, session, user, account, permissions, session save) plus two,
    # the copies and the library's latest versions; each with django-tenants' SET search_path.
    with django_assert_max_num_queries(20):
        response = siming_admin.get("/api/templates/")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 20
    leave = next(t for t in body if (t["kind"], t["code"]) == ("flow", "leave"))
    assert (leave["parent_version"], leave["latest_version"], leave["upgrade_available"]) == (1, 1, False)
    assert [t["code"] for t in siming_admin.get("/api/templates/?kind=numbering").json()] == [
        "incoming",
        "letter",
        "outgoing",
    ]


def test_the_library_shows_what_the_unit_has(siming_admin):
    entries = siming_admin.get("/api/templates/library/").json()
    installed = {(e["kind"], e["code"]) for e in entries if e["installed"]}
    assert ("roleset", "district") in installed and ("roleset", "street") not in installed
    response = siming_admin.post("/api/templates/", {"kind": "roleset", "code": "street"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["content"]["roles"][0]["code"] == "director"


def test_an_edit_is_validated_and_saved(siming_admin):
    pk = unit_template_id("numbering", "outgoing")
    rule = siming_admin.get(f"/api/templates/{pk}/").json()["content"]
    bad = siming_admin.patch(
        f"/api/templates/{pk}/", {"content": {**rule, "pattern": "思政办{序号}"}}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["where"] == "/pattern"
    good = siming_admin.patch(
        f"/api/templates/{pk}/", {"content": {**rule, "agency_abbr": "思政办"}}, format="json"
    )
    assert good.status_code == 200
    assert (good.json()["content"]["agency_abbr"], good.json()["edited"]) == ("思政办", True)


def test_a_template_is_forked_under_a_new_code(siming_admin):
    pk = unit_template_id("form", "leave")
    response = siming_admin.post(
        f"/api/templates/{pk}/fork/", {"code": "sick_leave", "name": "病假申请"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["forked"], response.json()["parent_code"]) == (True, "leave")
    bad = siming_admin.post(f"/api/templates/{pk}/fork/", {"code": "Sick Leave", "name": "x"}, format="json")
    assert bad.json()["field"] == "code"


def test_an_upgrade_is_previewed_then_applied_choosing_per_conflict(siming_admin):
    pk = unit_template_id("form", "vehicle")
    form = siming_admin.get(f"/api/templates/{pk}/").json()["content"]
    form["schema"]["properties"]["passengers"]["maximum"] = 7  # the unit's cars are small
    form["ui"]["submit_label"] = "申请派车"
    siming_admin.patch(f"/api/templates/{pk}/", {"content": form}, format="json")

    def library_change(new):
        new["schema"]["properties"]["passengers"]["maximum"] = 45
        new["schema"]["properties"]["cost_center"] = {"type": "string", "title": "费用科目"}
        return new

    publish_form("vehicle", library_change)
    listed = next(t for t in siming_admin.get("/api/templates/?kind=form").json() if t["id"] == pk)
    assert (listed["latest_version"], listed["upgrade_available"]) == (2, True)

    preview = siming_admin.post(f"/api/templates/{pk}/upgrade/preview/", {}, format="json").json()
    assert (preview["from_version"], preview["to_version"], preview["clean"]) == (1, 2, False)
    assert preview["conflicts"] == [
        {
            "where": "/schema/properties/passengers/maximum",
            "detail": "本单位与新版本对此处做了不同的修改。",
            "element": "",
            "name": "",
            "base": 50,
            "ours": 7,
            "theirs": 45,
            "resolution": None,
        }
    ]
    assert preview["content"]["ui"]["submit_label"] == "申请派车"
    assert '"cost_center"' in preview["result_diff"]
    assert siming_admin.get(f"/api/templates/{pk}/").json()["parent_version"] == 1  # nothing written

    refused = siming_admin.post(f"/api/templates/{pk}/upgrade/", {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "merge_conflict")
    assert refused.json()["errors"][0]["where"] == "/schema/properties/passengers/maximum"

    resolutions = {"/schema/properties/passengers/maximum": "ours"}
    chosen = siming_admin.post(
        f"/api/templates/{pk}/upgrade/preview/", {"resolutions": resolutions}, format="json"
    ).json()
    assert chosen["clean"] and chosen["conflicts"][0]["resolution"] == "ours"
    done = siming_admin.post(f"/api/templates/{pk}/upgrade/", {"resolutions": resolutions}, format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["parent_version"], body["upgrade_available"], body["edited"]) == (2, False, True)
    assert body["content"]["schema"]["properties"]["passengers"]["maximum"] == 7
    assert "cost_center" in body["content"]["schema"]["properties"]
    assert body["content"]["ui"]["submit_label"] == "申请派车"


def test_a_bad_resolution_value_is_refused(siming_admin):
    pk = unit_template_id("form", "seal")
    publish_form("seal", lambda f: {**f, "ui": {**f["ui"], "submit_label": "申请用印"}})
    response = siming_admin.post(
        f"/api/templates/{pk}/upgrade/", {"resolutions": {"/ui": "mine"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"].startswith("resolutions")


def test_an_unknown_template_is_not_found(siming_admin):
    assert siming_admin.get("/api/templates/999999/").status_code == 404
    assert siming_admin.post("/api/templates/999999/upgrade/preview/", {}, format="json").status_code == 404


def test_units_do_not_see_each_others_templates(huli_outsider, siming_admin):
    pk = unit_template_id("form", "leave")
    siming_admin.patch(f"/api/templates/{pk}/", {"name": "思明请假单"}, format="json")
    with schema_context("huli"):
        huli_pk = UnitTemplate.objects.get(kind="form", code="leave").pk
    assert huli_outsider.get(f"/api/templates/{huli_pk}/").json()["name"] == "请假申请表"


def test_a_flow_naming_a_role_the_unit_lacks_is_refused_at_save(siming_admin):
    pk = unit_template_id("flow", "leave")
    content = siming_admin.get(f"/api/templates/{pk}/").json()["content"]
    import re

    broken = re.sub(
        r'camunda:candidateGroups="[^"]*"',
        'camunda:candidateGroups="role:nonexistent_role"',
        content,
        count=1,
    )
    response = siming_admin.patch(f"/api/templates/{pk}/", {"content": broken}, format="json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "bpmn_invalid",
        "content",
    )
    assert "nonexistent_role" in response.json()["detail"]
    assert siming_admin.get(f"/api/templates/{pk}/").json()["content"] == content  # nothing saved
