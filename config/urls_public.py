"""The console host (base domain): provider console API and the SPA."""

from django.urls import include, path

from config.urls_common import api_common, spa

# Django-level errors (no view, body too large, server error) in the API's JSON format under /api/.
handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"

urlpatterns = [
    *api_common,
    path("api/", include("api.units.urls")),
    path("api/", include("api.accounts.urls")),
    path("api/", include("api.templates.urls_console")),
    path("api/", include("api.exchange.urls_console")),
    path("api/", include("api.stats.urls_console")),
    *spa,
]
