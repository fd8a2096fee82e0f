"""The committed OpenAPI schemas (the frontend's types come from them) match the code."""

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("urlconf", "committed"), [("config.urls_public", "console.yaml"), ("config.urls_tenant", "unit.yaml")]
)
def test_committed_schema_matches_the_code(tmp_path, urlconf, committed):
    out = tmp_path / committed
    call_command("spectacular", urlconf=urlconf, file=str(out), validate=True, fail_on_warn=True)
    expected = (ROOT / "api" / "openapi" / committed).read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == expected, (
        f"api/openapi/{committed} is stale: run `make schema` and commit it (and `npm run gen:types` in frontend/)"
    )


def test_schema_is_served_on_every_host(console, siming):
    for client in (console, siming):
        response = client.get("/api/schema/")
        assert response.status_code == 200
        assert b"openapi" in response.content
    assert b"/api/units/" in console.get("/api/schema/").content
    assert b"/api/directory/staff/" in siming.get("/api/schema/").content
