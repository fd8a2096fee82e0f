"""Enabling and disabling a unit's modules is PATCH /api/units/{code}/ (docs/adr/0006)."""

from oa.core.models import AuditEvent
from tenants.models import Unit


def test_the_provider_disables_and_enables_modules(provider):
    response = provider.patch(
        "/api/units/siming/", {"modules": ["directory", "documents", "exchange"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["modules"] == ["directory", "documents", "exchange"]
    assert response.json()["starter_kit"] == "district_office"
    event = AuditEvent.objects.filter(action="unit.updated", target_id="siming").latest("id")
    assert event.detail["modules"][1] == ["directory", "documents", "exchange"]
    response = provider.patch("/api/units/siming/", {"modules": ["meetings", "directory"]}, format="json")
    assert Unit.objects.get(code="siming").modules == ["directory", "meetings"]  # catalogue order


def test_an_unknown_module_is_refused(provider):
    response = provider.patch("/api/units/siming/", {"modules": ["teleport"]}, format="json")
    assert response.status_code == 400
    assert response.json()["field"].startswith("modules")
