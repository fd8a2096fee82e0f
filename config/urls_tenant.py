"""A unit's host (<code>.<base domain>): the unit portal API and the SPA."""

from django.urls import include, path

from config.urls_common import api_common, spa

# Django-level errors (no view, body too large, server error) in the API's JSON format under /api/.
handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"

urlpatterns = [
    *api_common,
    path("api/", include("api.portal.urls")),
    path("api/", include("api.directory.urls")),
    path("api/", include("api.templates.urls_unit")),
    path("api/", include("api.workflow.urls")),
    path("api/", include("api.documents.urls")),
    path("api/", include("api.importer.urls")),
    path("api/", include("api.exchange.urls_unit")),
    path("api/", include("api.archive.urls")),
    path("api/", include("api.notices.urls")),
    path("api/", include("api.notifications.urls")),
    path("api/", include("api.stats.urls_unit")),
    *spa,
]
