"""URL patterns both hosts share: auth, the schema and its docs, the SPA."""

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.spa import spa_index


class HostSchemaView(SpectacularAPIView):
    """The OpenAPI schema of the host asked: the console's or a unit portal's."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        return super().get(request, *args, **kwargs)


api_common = [
    path("api/", include("api.auth.urls")),
    path("api/", include("api.audit.urls")),
    path("api/schema/", HostSchemaView.as_view(), name="schema"),
    # The split view: its init script is a separate file (?script), so no inline script runs
    # and the Content-Security-Policy needs no 'unsafe-inline' for scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

spa = [re_path(r"^(?!api/|static/).*$", spa_index, name="spa")]
