"""The console host (base domain): provider console API and the SPA."""

from django.urls import include, path

from config.urls_common import api_common, spa

urlpatterns = [
    *api_common,
    path("api/", include("api.units.urls")),
    path("api/", include("api.accounts.urls")),
    path("api/", include("api.templates.urls_console")),
    path("api/", include("api.exchange.urls_console")),
    path("api/", include("api.stats.urls_console")),
    *spa,
]
