"""The shared input layer (issue 19 items 4, 6, 7): query parameters (api.params), JSON bodies
(api.parsers), text and integer fields (api.validation), Django-level errors (api.errors). Each
reproducer here answered a 500, Django's HTML, or was accepted before the layer existed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from api.params import QUERY_PARAMETERS
from tests.conftest import HostClient

ROOT = Path(__file__).resolve().parents[2]


def _error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] and body["detail"]
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/exchange/inbox/",
        "/api/exchange/envelopes/",
        "/api/exchange/directory/",
        "/api/directory/staff/",
        "/api/documents/",
        "/api/importer/runs/",
    ],
)
def test_a_nul_byte_in_a_unit_query_parameter_is_a_400_naming_it(siming_admin, path):
    name = "search" if "staff" in path else "q"
    _error(siming_admin.get(f"{path}?{name}=%00"), 400, field=name)


@pytest.mark.parametrize(
    "path", ["/api/units/", "/api/exchange/parties/", "/api/exchange/deliveries/", "/api/audit-events/"]
)
def test_a_nul_byte_in_a_console_query_parameter_is_a_400_naming_it(provider, path):
    _error(provider.get(f"{path}?unit=a%00b&search=%00&q=%00"), 400)


def test_a_bidi_override_in_a_query_parameter_is_refused(siming_admin):
    body = _error(siming_admin.get("/api/exchange/inbox/?q=%E2%80%AEabc"), 400, field="q")
    assert "U+202E" in body["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2026-02-30T10:00:00", "since"),  # well formed, no such day: parse_datetime raised
        ("since=yesterday", "since"),
        ("document=%C2%B2", "document"),  # '²'.isdigit() is True, int('²') raised
        ("document=99999999999999999999", "document"),
        ("page=1e3", "page"),
        ("unread=maybe", "unread"),
    ],
)
def test_typed_query_parameters_are_checked_before_the_view(siming_admin, query, field):
    path = "/api/exchange/envelopes/" if query.startswith("document") else "/api/exchange/inbox/"
    _error(siming_admin.get(f"{path}?{query}"), 400, field=field)


def test_valid_typed_parameters_still_work(siming_admin, siming_auditor):
    assert siming_admin.get("/api/directory/staff/?department=3&page=1&page_size=20").status_code == 200
    assert siming_admin.get("/api/documents/?date_from=2026-01-01&mine=true&year=2026").status_code == 200
    assert siming_auditor.get("/api/audit-events/?since=2026-01-01T00:00:00%2B08:00").status_code == 200


def test_staff_department_given_as_an_unicode_digit_is_a_400(siming_admin):
    _error(siming_admin.get("/api/directory/staff/?department=%D9%A3"), 400, field="department")


def test_every_typed_query_parameter_of_both_schemas_is_in_the_registry():
    """A new integer/boolean/date parameter cannot skip the shared check."""
    missing = {}
    for name in ("console", "unit"):
        schema = yaml.safe_load((ROOT / "api" / "openapi" / f"{name}.yaml").read_text(encoding="utf-8"))
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] != "query":
                        continue
                    spec = parameter.get("schema", {})
                    kind = (
                        spec.get("format")
                        if spec.get("format") in ("date", "date-time")
                        else spec.get("type")
                    )
                    typed = kind in ("integer", "boolean", "date", "date-time")
                    if typed and QUERY_PARAMETERS.get(parameter["name"]) != kind:
                        missing[parameter["name"]] = kind
    assert not missing, f"add these to api.params.QUERY_PARAMETERS: {missing}"


@pytest.mark.parametrize("host", ["siming", None])
def test_json_nested_3000_deep_is_a_400_even_anonymously_on_login(db, host):
    client = HostClient(host)
    body = '{"username": ' + "[" * 3000 + "]" * 3000 + ', "password": "x"}'
    _error(client.post("/api/auth/login/", body, content_type="application/json"), 400)


def test_json_nested_within_the_limit_is_parsed(siming):
    body = json.dumps({"username": [[["a"]]], "password": "x"})
    response = siming.post("/api/auth/login/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "username"


def test_malformed_json_is_a_400_in_the_error_format(siming):
    _error(siming.post("/api/auth/login/", '{"username": NaN}', content_type="application/json"), 400)
    _error(siming.post("/api/auth/login/", b'{"username": "\xff"}', content_type="application/json"), 400)


def test_a_json_body_past_the_limit_is_a_413(siming, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "a" * 2000, "password": "x"})
    _error(siming.post("/api/auth/login/", body, content_type="application/json"), 413)


@pytest.mark.parametrize(("field", "value"), [("rank", 2**31), ("rank", -(2**40))])
def test_integers_out_of_range_are_a_400_naming_the_field(siming_admin, field, value):
    response = siming_admin.post("/api/directory/positions/", {"name": "科员", field: value}, format="json")
    _error(response, 400, field=field)


def test_department_order_out_of_range_is_a_400(siming_admin):
    response = siming_admin.post(
        "/api/directory/departments/", {"name": "办公室", "order": 10**12}, format="json"
    )
    _error(response, 400, field="order")


@pytest.mark.parametrize(
    "name",
    [
        "林\u202e主任",  # RIGHT-TO-LEFT OVERRIDE
        "林\u2066主任",  # LEFT-TO-RIGHT ISOLATE
        "林\u0007主任",  # BEL
        "林\n主任",  # a name is one line
        "林\x85主任",  # C1 control
    ],
)
def test_control_and_bidi_characters_are_refused_in_names(siming_admin, name):
    response = siming_admin.post("/api/directory/positions/", {"name": name}, format="json")
    body = _error(response, 400, field="name")
    assert "U+" in body["detail"]


def test_console_unit_names_refuse_bidi_overrides(provider):
    response = provider.post(
        "/api/units/",
        {
            "code": "bidi",
            "name": "思明\u202d区",
            "admin_username": "admin",
            "admin_display_name": "管理员",
            "admin_password": "Cast@2026pass",
        },
        format="json",
    )
    _error(response, 400, field="name")


def test_multi_line_text_keeps_its_line_breaks_but_not_other_controls():
    from rest_framework import serializers

    class Opinion(serializers.Serializer):
        opinion = serializers.CharField()

    assert Opinion(data={"opinion": "同意。\n请办公室落实。\t"}).is_valid()
    refused = Opinion(data={"opinion": "同意\x1b[31m"})
    assert not refused.is_valid() and "opinion" in refused.errors
    assert not Opinion(data={"opinion": "同意\u202e"}).is_valid()


@pytest.mark.parametrize(("host", "path"), [("siming", "/api/no-such-thing/"), (None, "/api/units/x/y/z/")])
def test_an_unknown_api_path_is_a_json_404(db, host, path):
    _error(HostClient(host).get(path), 404)


def test_an_unknown_page_path_is_still_the_spa_or_html(siming):
    response = siming.get("/static/no-such-file.js")
    assert not response["Content-Type"].startswith("application/json")


def test_a_form_body_past_the_limit_is_a_json_413(siming, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = siming.post(
        "/api/auth/login/",
        f"username={'a' * 3000}&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    _error(response, 413)
