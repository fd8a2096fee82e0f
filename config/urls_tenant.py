"""A unit's host (<code>.<base domain>): the unit portal API and the SPA."""

from django.urls import include, path

from config.urls_common import api_common, spa

urlpatterns = [
    *api_common,
    path("api/", include("api.portal.urls")),
    path("api/", include("api.directory.urls")),
    path("api/", include("api.templates.urls_unit")),
    path("api/", include("api.workflow.urls")),
    path("api/", include("api.documents.urls")),
    path("api/", include("api.importer.urls")),
    path("api/", include("api.exchange.urls_unit")),
    path("api/", include("api.notices.urls")),
    *spa,
]
