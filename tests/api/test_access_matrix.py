"""Every endpoint, on both hosts, against the people who must be refused.

ENDPOINTS lists every route and method with who may call it; a test checks that the list
covers every route the URL confs serve, so a new endpoint cannot ship without its refusals.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from tests.conftest import HULI, SIMING, HostClient

ANON, MEMBER, PROVIDER = "anon", "member", "provider"
# A signed-in member who is a party to the object in the path (a task's assignee or candidate,
# an instance's starter or handler, a circulation's recipient); anyone else gets 404.
PARTY = "party"
# A publisher of at least one 信息发布 column (oa/notices); a colleague who is none gets 403.
PUBLISHER = "publisher"

# (urlconf, method, path, who may call it: anon | member (any signed-in user) | party | provider |
# a permission code)
CONSOLE_ENDPOINTS = [
    ("GET", "/api/context/", ANON),
    ("GET", "/api/auth/csrf/", ANON),
    ("POST", "/api/auth/login/", ANON),
    ("POST", "/api/auth/logout/", ANON),
    ("GET", "/api/auth/me/", MEMBER),
    ("POST", "/api/auth/password/", MEMBER),
    ("GET", "/api/auth/tokens/", MEMBER),
    ("POST", "/api/auth/tokens/", MEMBER),
    ("DELETE", "/api/auth/tokens/1/", MEMBER),
    ("GET", "/api/audit-events/", PROVIDER),
    ("GET", "/api/schema/", ANON),
    ("GET", "/api/docs/", ANON),
    ("GET", "/api/units/", PROVIDER),
    ("POST", "/api/units/", PROVIDER),
    ("POST", "/api/units/bulk/", PROVIDER),
    ("GET", "/api/units/siming/", PROVIDER),
    ("PATCH", "/api/units/siming/", PROVIDER),
    ("DELETE", "/api/units/siming/", PROVIDER),
    ("POST", "/api/units/siming/suspend/", PROVIDER),
    ("POST", "/api/units/siming/resume/", PROVIDER),
    ("GET", "/api/units/siming/admins/", PROVIDER),
    ("POST", "/api/units/siming/admins/", PROVIDER),
    ("POST", "/api/units/siming/admins/requests/1/approve/", PROVIDER),
    ("POST", "/api/units/siming/admins/requests/1/reject/", PROVIDER),
    ("POST", "/api/units/siming/admins/1/reset-password/", PROVIDER),
    ("GET", "/api/jobs/1/", PROVIDER),
    ("POST", "/api/jobs/1/resume/", PROVIDER),
    ("GET", "/api/modules/", PROVIDER),
    ("GET", "/api/unit-kinds/", PROVIDER),
    ("GET", "/api/provider-accounts/", PROVIDER),
    ("POST", "/api/provider-accounts/", PROVIDER),
    ("PATCH", "/api/provider-accounts/1/", PROVIDER),
    ("GET", "/api/templates/", PROVIDER),
    ("POST", "/api/templates/", PROVIDER),
    ("GET", "/api/templates/1/", PROVIDER),
    ("POST", "/api/templates/1/versions/", PROVIDER),
    ("GET", "/api/templates/1/versions/1/", PROVIDER),
    ("PATCH", "/api/templates/1/versions/1/", PROVIDER),
    ("POST", "/api/templates/1/versions/1/publish/", PROVIDER),
    ("GET", "/api/templates/1/diff/", PROVIDER),
    ("GET", "/api/starter-kits/", PROVIDER),
    ("GET", "/api/starter-kits/1/", PROVIDER),
    ("GET", "/api/exchange/parties/", PROVIDER),
    ("POST", "/api/exchange/parties/", PROVIDER),
    ("PATCH", "/api/exchange/parties/siming/", PROVIDER),
    ("DELETE", "/api/exchange/parties/siming/", PROVIDER),
    ("GET", "/api/exchange/groups/", PROVIDER),
    ("POST", "/api/exchange/groups/", PROVIDER),
    ("GET", "/api/exchange/groups/1/", PROVIDER),
    ("PATCH", "/api/exchange/groups/1/", PROVIDER),
    ("DELETE", "/api/exchange/groups/1/", PROVIDER),
    ("GET", "/api/exchange/monitor/", PROVIDER),
    ("GET", "/api/stats/overview/", PROVIDER),
    ("GET", "/api/stats/units/", PROVIDER),
    ("GET", "/api/stats/units/export/", PROVIDER),
    ("GET", "/api/exchange/deliveries/", PROVIDER),
    ("POST", "/api/exchange/deliveries/1/retry/", PROVIDER),
    ("GET", "/api/exchange/refusals/", PROVIDER),
    ("GET", "/api/exchange/gateway/", PROVIDER),
    ("POST", "/api/exchange/gateway/trust/", PROVIDER),
    ("POST", "/api/exchange/gateway/export/", PROVIDER),
    ("POST", "/api/exchange/gateway/import/", PROVIDER),
    ("GET", "/api/exchange/gateway/bundles/", PROVIDER),
    ("GET", "/api/exchange/gateway/bundles/1/file/", PROVIDER),
]
UNIT_ENDPOINTS = [
    ("GET", "/api/context/", ANON),
    ("GET", "/api/auth/csrf/", ANON),
    ("POST", "/api/auth/login/", ANON),
    ("POST", "/api/auth/logout/", ANON),
    ("GET", "/api/auth/me/", MEMBER),
    ("POST", "/api/auth/password/", MEMBER),
    ("GET", "/api/auth/tokens/", MEMBER),
    ("POST", "/api/auth/tokens/", MEMBER),
    ("DELETE", "/api/auth/tokens/1/", MEMBER),
    ("GET", "/api/audit-events/", "audit.view"),
    ("GET", "/api/schema/", ANON),
    ("GET", "/api/docs/", ANON),
    ("GET", "/api/portal/home/", MEMBER),
    ("GET", "/api/directory/departments/", MEMBER),
    ("POST", "/api/directory/departments/", "directory.manage"),
    ("PATCH", "/api/directory/departments/1/", "directory.manage"),
    ("DELETE", "/api/directory/departments/1/", "directory.manage"),
    ("GET", "/api/directory/positions/", MEMBER),
    ("POST", "/api/directory/positions/", "directory.manage"),
    ("PATCH", "/api/directory/positions/1/", "directory.manage"),
    ("DELETE", "/api/directory/positions/1/", "directory.manage"),
    ("GET", "/api/directory/roles/", MEMBER),
    ("POST", "/api/directory/roles/", "roles.manage"),
    ("PATCH", "/api/directory/roles/1/", "roles.manage"),
    ("DELETE", "/api/directory/roles/1/", "roles.manage"),
    ("GET", "/api/directory/permissions/", MEMBER),
    ("GET", "/api/directory/staff/", MEMBER),
    ("POST", "/api/directory/staff/", "directory.manage"),
    ("POST", "/api/directory/staff/import/", "directory.manage"),
    ("GET", "/api/directory/staff/1/", MEMBER),
    ("PATCH", "/api/directory/staff/1/", "directory.manage"),
    ("POST", "/api/directory/staff/1/reset-password/", "security.manage"),
    ("POST", "/api/directory/staff/1/unlock/", "security.manage"),
    ("GET", "/api/directory/admin-role-requests/", "security.manage"),
    ("POST", "/api/directory/admin-role-requests/", "security.manage"),
    ("GET", "/api/templates/", "templates.manage"),
    ("POST", "/api/templates/", "templates.manage"),
    ("GET", "/api/templates/library/", "templates.manage"),
    ("GET", "/api/templates/1/", "templates.manage"),
    ("PATCH", "/api/templates/1/", "templates.manage"),
    ("POST", "/api/templates/1/fork/", "templates.manage"),
    ("POST", "/api/templates/1/upgrade/preview/", "templates.manage"),
    ("POST", "/api/templates/1/upgrade/", "templates.manage"),
    ("GET", "/api/workflow/tasks/", MEMBER),
    ("GET", "/api/workflow/tasks/1/", PARTY),
    ("POST", "/api/workflow/tasks/1/complete/", PARTY),
    ("POST", "/api/workflow/tasks/1/return/", PARTY),
    ("POST", "/api/workflow/tasks/1/withdraw/", PARTY),
    ("POST", "/api/workflow/tasks/1/transfer/", PARTY),
    ("POST", "/api/workflow/tasks/1/add-signer/", PARTY),
    ("POST", "/api/workflow/tasks/1/remind/", PARTY),
    ("GET", "/api/workflow/definitions/", MEMBER),
    ("GET", "/api/workflow/startable/", MEMBER),
    ("POST", "/api/workflow/instances/", MEMBER),
    ("GET", "/api/workflow/instances/1/", PARTY),
    ("POST", "/api/workflow/instances/1/circulate/", PARTY),
    ("GET", "/api/workflow/circulations/", MEMBER),
    ("POST", "/api/workflow/circulations/1/read/", PARTY),
    ("GET", "/api/documents/", MEMBER),
    ("POST", "/api/documents/outgoing/", "documents.draft"),
    ("POST", "/api/documents/incoming/", "documents.receive"),
    ("GET", "/api/documents/search/", MEMBER),
    ("GET", "/api/documents/registers/outgoing/", "documents.register"),
    ("GET", "/api/documents/registers/outgoing/export/", "documents.register"),
    ("GET", "/api/documents/registers/incoming/", "documents.receive"),
    ("GET", "/api/documents/registers/incoming/export/", "documents.receive"),
    ("GET", "/api/documents/1/", PARTY),
    ("PATCH", "/api/documents/1/", PARTY),
    ("POST", "/api/documents/1/files/", PARTY),
    ("GET", "/api/documents/1/files/1/", PARTY),
    ("DELETE", "/api/documents/1/files/1/", PARTY),
    ("GET", "/api/documents/1/pdf/", PARTY),
    ("POST", "/api/documents/1/archive/", PARTY),
    ("GET", "/api/importer/options/", "importer.manage"),
    ("GET", "/api/importer/runs/", "importer.manage"),
    ("POST", "/api/importer/runs/", "importer.manage"),
    ("GET", "/api/importer/runs/1/", "importer.manage"),
    ("POST", "/api/importer/runs/1/start/", "importer.manage"),
    ("GET", "/api/importer/runs/1/quarantine/", "importer.manage"),
    ("GET", "/api/importer/runs/1/documents/", "importer.manage"),
    ("GET", "/api/importer/quarantine/1/", "importer.manage"),
    ("POST", "/api/importer/quarantine/1/retry/", "importer.manage"),
    ("GET", "/api/exchange/directory/", MEMBER),
    ("GET", "/api/exchange/directory/groups/", MEMBER),
    ("GET", "/api/exchange/sendable/", "documents.dispatch"),
    ("GET", "/api/exchange/sendable/meetings/", "documents.dispatch"),
    ("POST", "/api/exchange/meeting-notices/", "documents.dispatch"),
    ("GET", "/api/exchange/envelopes/", "documents.dispatch"),
    ("POST", "/api/exchange/envelopes/", "documents.dispatch"),
    ("GET", "/api/exchange/envelopes/1/", "documents.dispatch"),
    ("POST", "/api/exchange/envelopes/1/recall/", "documents.dispatch"),
    ("POST", "/api/exchange/envelopes/1/urge/", "documents.dispatch"),
    ("GET", "/api/exchange/inbox/", "documents.receive"),
    ("GET", "/api/exchange/inbox/1/", "documents.receive"),
    ("GET", "/api/exchange/inbox/1/files/1/", "documents.receive"),
    ("GET", "/api/exchange/inbox/1/package/", "documents.receive"),
    ("POST", "/api/exchange/inbox/1/sign/", "documents.receive"),
    ("POST", "/api/exchange/inbox/1/return/", "documents.receive"),
    ("POST", "/api/exchange/packages/", "documents.dispatch"),
    # 档案 (oa/archive): the catalogue is browsable by members; the rest is the archivist's,
    # appraisal decisions a leader's; a loan's own pages are its borrower's (and the archivist's).
    ("GET", "/api/archive/catalogue/", MEMBER),
    ("GET", "/api/archive/catalogue/facets/", MEMBER),
    ("GET", "/api/archive/catalogue/1/", MEMBER),
    ("GET", "/api/archive/catalogue/directory/pdf/", "archive.manage"),
    ("GET", "/api/archive/catalogue/directory/xlsx/", "archive.manage"),
    ("GET", "/api/archive/catalogue/box-labels/", "archive.manage"),
    ("GET", "/api/archive/loans/", MEMBER),
    ("POST", "/api/archive/loans/", MEMBER),
    ("GET", "/api/archive/loans/all/", "archive.manage"),
    ("GET", "/api/archive/loans/1/", PARTY),
    ("POST", "/api/archive/loans/1/end/", PARTY),
    ("GET", "/api/archive/loans/1/items/1/pdf/", PARTY),
    ("GET", "/api/archive/loans/1/items/1/files/1/", PARTY),
    ("GET", "/api/archive/access-records/", "archive.manage"),
    ("GET", "/api/archive/appraisal/due/", "archive.manage"),
    ("GET", "/api/archive/appraisals/", "archive.manage"),
    ("POST", "/api/archive/appraisals/", "archive.manage"),
    ("GET", "/api/archive/appraisals/pending/", "archive.approve"),
    ("POST", "/api/archive/appraisals/1/decide/", "archive.approve"),
    ("GET", "/api/archive/destructions/", "archive.manage"),
    ("POST", "/api/archive/destructions/", "archive.manage"),
    ("GET", "/api/archive/transfers/", "archive.manage"),
    ("POST", "/api/archive/transfers/", "archive.manage"),
    ("POST", "/api/archive/transfers/verify/", "archive.manage"),
    ("GET", "/api/archive/transfers/1/package/", "archive.manage"),
    # 信息发布: columns kept by the unit admin; items by their column's publishers (PUBLISHER:
    # someone who publishes in some column); an item's audience and publishers are its parties.
    ("GET", "/api/notices/", MEMBER),
    ("GET", "/api/notices/unread-count/", MEMBER),
    ("GET", "/api/notices/columns/", MEMBER),
    ("POST", "/api/notices/columns/", "notices.manage"),
    ("PATCH", "/api/notices/columns/1/", "notices.manage"),
    ("DELETE", "/api/notices/columns/1/", "notices.manage"),
    ("GET", "/api/notices/flows/", "notices.manage"),
    ("GET", "/api/notices/manage/", PUBLISHER),
    ("POST", "/api/notices/manage/", PUBLISHER),
    ("GET", "/api/notices/1/", PARTY),
    ("PATCH", "/api/notices/1/", PARTY),
    ("POST", "/api/notices/1/read/", PARTY),
    ("POST", "/api/notices/1/publish/", PARTY),
    ("POST", "/api/notices/1/retract/", PARTY),
    ("POST", "/api/notices/1/remind/", PARTY),
    ("GET", "/api/notices/1/receipts/", PARTY),
    ("POST", "/api/notices/1/send/", PARTY),
    ("POST", "/api/notices/1/files/", PARTY),
    ("GET", "/api/notices/1/files/1/", PARTY),
    ("DELETE", "/api/notices/1/files/1/", PARTY),
    # One's own notifications: someone else's is 404 (tests/api/notifications).
    ("GET", "/api/stats/", "directory.manage"),
    ("GET", "/api/notifications/", MEMBER),
    ("GET", "/api/notifications/unread-count/", MEMBER),
    ("POST", "/api/notifications/read-all/", MEMBER),
    ("GET", "/api/notifications/preferences/", MEMBER),
    ("PUT", "/api/notifications/preferences/", MEMBER),
    ("POST", "/api/notifications/1/read/", MEMBER),
]


def _routes(urlconf: str) -> set[tuple[str, str]]:
    """(method, route) for every API view the URL conf serves."""
    out: set[tuple[str, str]] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                view = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
                if not route.startswith("api/") or view is None:
                    continue
                methods = [
                    m.upper()
                    for m in APIView.http_method_names
                    if m not in ("options", "head", "trace") and hasattr(view, m)
                ]
                for method in methods:
                    out.add((method, route))

    walk(get_resolver(urlconf).url_patterns)
    return out


def _normalise(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/".join("<id>" if part.isdigit() or part == SIMING else part for part in parts) + "/"


def _route_key(route: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "<id>", route)


@pytest.mark.parametrize(
    ("urlconf", "table"), [("config.urls_public", CONSOLE_ENDPOINTS), ("config.urls_tenant", UNIT_ENDPOINTS)]
)
def test_every_route_is_in_the_access_matrix(urlconf, table):
    served = {(m, _route_key(r)) for m, r in _routes(urlconf)}
    listed = {(m, _normalise(p)) for m, p, _who in table}
    assert served - listed == set(), f"routes missing from the access matrix: {sorted(served - listed)}"
    assert listed - served == set(), f"matrix lists routes that are not served: {sorted(listed - served)}"


def _call(client: HostClient, method: str, path: str):
    return getattr(client, method.lower())(path, data={}, format="json")


PROTECTED_CONSOLE = [(m, p) for m, p, who in CONSOLE_ENDPOINTS if who != ANON]
PROTECTED_UNIT = [(m, p) for m, p, who in UNIT_ENDPOINTS if who != ANON]
UNIT_ADMIN_ONLY = [(m, p, who) for m, p, who in UNIT_ENDPOINTS if who not in (ANON, MEMBER, PARTY)]
UNIT_PARTY_ONLY = [(m, p) for m, p, who in UNIT_ENDPOINTS if who == PARTY]


@pytest.mark.parametrize(("method", "path"), PROTECTED_CONSOLE)
def test_console_refuses_anonymous(console, method, path):
    assert _call(console, method, path).status_code == 401


@pytest.mark.parametrize(("method", "path"), PROTECTED_CONSOLE)
def test_console_refuses_a_unit_admins_session(siming_admin, method, path):
    # The unit admin's session cookie, replayed against the console host, is nobody there.
    siming_admin.defaults["HTTP_HOST"] = "localhost"
    response = _call(siming_admin, method, path)
    assert response.status_code == 401, (path, response.content)


@pytest.mark.parametrize(("method", "path"), PROTECTED_UNIT)
def test_unit_refuses_anonymous(siming, method, path):
    assert _call(siming, method, path).status_code == 401


@pytest.mark.parametrize(("method", "path"), PROTECTED_UNIT)
def test_unit_refuses_another_units_user(huli_outsider, method, path):
    huli_outsider.defaults["HTTP_HOST"] = f"{SIMING}.localhost"
    response = _call(huli_outsider, method, path)
    assert response.status_code == 401, (path, response.content)


@pytest.mark.parametrize(("method", "path"), PROTECTED_UNIT)
def test_unit_refuses_the_provider(provider, method, path):
    provider.defaults["HTTP_HOST"] = f"{SIMING}.localhost"
    assert _call(provider, method, path).status_code == 401


@pytest.mark.parametrize(("method", "path", "permission"), UNIT_ADMIN_ONLY)
def test_unit_refuses_a_colleague_without_the_permission(siming_director, method, path, permission):
    response = _call(siming_director, method, path)
    assert response.status_code == 403, (path, response.content)
    assert response.json()["code"] == "permission_denied"


@pytest.fixture
def someone_elses_flow(db) -> dict[str, int]:
    """A flow the director has no part in: started by secadmin, circulated to the auditor."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from oa.directory.models import Role, Staff
    from oa.documents.actions import do_create_outgoing
    from oa.workflow.actions import do_circulate, do_start_process
    from tests.conftest import user_in
    from tests.oa.workflow.cast import deploy

    secadmin, auditor = user_in(SIMING, "secadmin"), user_in(SIMING, "auditor")
    with schema_context(SIMING), transaction.atomic():
        instance = do_start_process(deploy("approval.bpmn"), acting_user=secadmin, title="他人的流程")
        (record,) = do_circulate(instance, acting_user=secadmin, recipients=[auditor])
        Staff.objects.get(user=secadmin).roles.add(Role.objects.get(code="clerk"))
        document = do_create_outgoing(
            acting_user=secadmin,
            fields={"title": "他人的公文", "doc_type": "通知", "body_html": "<p>正文</p>"},
        )
        from oa.notices.actions import do_create_notice, do_publish_notice
        from oa.notices.models import Column

        column = Column.objects.get(name="通知公告")
        column.publishers.add(secadmin)
        notice = do_create_notice(
            column,
            acting_user=secadmin,
            fields={"title": "他人的通知", "body_html": "<p>正文</p>", "audience_users": [auditor.pk]},
        )
        do_publish_notice(notice, acting_user=secadmin)
        return {
            "notices": notice.pk,
            "tasks": instance.tasks.get().pk,
            "instances": instance.pk,
            "circulations": record.pk,
            "documents": document.pk,
        }


@pytest.mark.parametrize(("method", "path"), UNIT_PARTY_ONLY)
def test_unit_hides_objects_from_a_colleague_who_is_no_party(
    siming_director, someone_elses_flow, method, path
):
    import re

    real = re.sub(
        r"/(tasks|instances|circulations|documents|notices)/1/",
        lambda m: f"/{m[1]}/{someone_elses_flow[m[1]]}/",
        path,
    )
    response = _call(siming_director, method, real)
    assert response.status_code == 404, (real, response.content)
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), PROTECTED_UNIT)
def test_unit_refuses_another_units_api_token(db, method, path):
    outsider = HostClient(HULI).login_as("outsider")
    token = outsider.post("/api/auth/tokens/", {"name": "集成"}, format="json").json()["token"]
    stranger = HostClient(SIMING)
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _call(stranger, method, path).status_code == 401


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, who in CONSOLE_ENDPOINTS if who == PROVIDER])
def test_console_refuses_a_unit_api_token(db, method, path):
    admin = HostClient(SIMING).login_as("admin")
    token = admin.post("/api/auth/tokens/", {"name": "集成"}, format="json").json()["token"]
    stranger = HostClient(None)
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _call(stranger, method, path).status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/units/", "/api/provider-accounts/", "/api/modules/", "/api/starter-kits/"]
)
def test_console_routes_do_not_exist_on_a_unit_host(siming_admin, path):
    assert siming_admin.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/portal/home/", "/api/directory/staff/", "/api/directory/departments/", "/api/templates/library/"],
)
def test_unit_routes_do_not_exist_on_the_console(provider, path):
    assert provider.get(path).status_code == 404
