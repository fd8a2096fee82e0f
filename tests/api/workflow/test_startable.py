"""The portal's 发起 page: the unit's flows a person may start, with their start forms."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from oa.templates import actions as template_actions
from oa.templates.models import UnitTemplate
from tests.conftest import SIMING, HostClient


def test_startable_lists_the_units_flows_with_their_forms(cast):
    body = HostClient(SIMING).login_as("clerk").get("/api/workflow/startable/").json()
    flows = {f["key"]: f for f in body}
    assert set(flows) == {"leave", "vehicle", "seal", "meeting"}
    leave = flows["leave"]
    assert (leave["name"], leave["module"], leave["form_key"]) == ("请假审批", "affairs", "leave")
    assert "days" in leave["schema"]["required"] and leave["ui"]["submit_label"] == "提交"


def test_a_flow_limited_to_some_starters_is_listed_for_them_only(cast):
    with schema_context(SIMING):
        template = UnitTemplate.objects.get(kind="flow", code="vehicle")
        limited = template.content.replace(
            'isExecutable="true"', 'isExecutable="true" camunda:candidateStarterGroups="role:leader"', 1
        )
        template_actions.do_edit_unit_template(template, acting_user=cast.director, content=limited)
    connection.set_schema_to_public()
    assert "vehicle" not in {
        f["key"] for f in HostClient(SIMING).login_as("clerk").get("/api/workflow/startable/").json()
    }
    assert "vehicle" in {
        f["key"] for f in HostClient(SIMING).login_as("deputy").get("/api/workflow/startable/").json()
    }
    refused = (
        HostClient(SIMING)
        .login_as("clerk")
        .post(
            "/api/workflow/instances/",
            {
                "key": "vehicle",
                "title": "用车",
                "data": {
                    "purpose": "赴市政府开会",
                    "destination": "市政府",
                    "depart_at": "2026-12-01T08:30:00+08:00",
                    "return_at": "2026-12-01T12:00:00+08:00",
                    "passengers": 2,
                    "contact_phone": "13800000000",
                },
            },
            format="json",
        )
    )
    assert refused.status_code == 403


def test_an_unknown_key_is_not_found(cast):
    response = (
        HostClient(SIMING)
        .login_as("clerk")
        .post("/api/workflow/instances/", {"key": "nope", "title": "x", "data": {}}, format="json")
    )
    assert response.status_code == 404
