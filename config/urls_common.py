"""URL patterns both hosts share: auth, the schema and its docs, the SPA."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.spa import spa_index

api_common = [
    path("api/", include("api.auth.urls")),
    path("api/", include("api.audit.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

spa = [re_path(r"^(?!api/|static/).*$", spa_index, name="spa")]
