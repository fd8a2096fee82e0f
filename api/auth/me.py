"""The signed-in user as the frontend sees it (permission codes gate its menus and buttons)."""

from __future__ import annotations

from oa.core.actions import get_account
from oa.directory.queries import permissions_of, staff_for
from tenants.modules import BY_CODE


def me_payload(user, *, on_console: bool) -> dict:
    account = get_account(user)
    payload = {
        "id": user.pk,
        "username": user.username,
        "display_name": account.display_name,
        "email": user.email,
        "kind": "provider" if on_console else "unit",
        "permissions": [],
        "department": None,
        "position": None,
        "roles": [],
        "must_change_password": account.must_change_password,
    }
    if on_console:
        payload["permissions"] = ["console.manage"] if user.is_staff else []
        return payload
    staff = staff_for(user)
    payload["permissions"] = sorted(permissions_of(user))
    if staff is not None:
        if staff.department:
            payload["department"] = {"id": staff.department.pk, "name": staff.department.name}
        if staff.position:
            payload["position"] = {"id": staff.position.pk, "name": staff.position.name}
        payload["roles"] = [{"id": r.pk, "name": r.name} for r in staff.roles.all()]
    return payload


def modules_payload(unit) -> list[dict]:
    return [
        {"code": m.code, "name": m.name, "name_en": m.name_en, "available": m.available}
        for code in unit.modules
        if (m := BY_CODE.get(code))
    ]
