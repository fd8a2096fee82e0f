from django.urls import path

from api.importer import views

urlpatterns = [
    path("importer/options/", views.OptionsView.as_view(), name="importer-options"),
    path("importer/runs/", views.RunListView.as_view(), name="importer-runs"),
    path("importer/runs/<int:pk>/", views.RunDetailView.as_view(), name="importer-run"),
    path("importer/runs/<int:pk>/start/", views.RunStartView.as_view(), name="importer-run-start"),
    path(
        "importer/runs/<int:pk>/quarantine/",
        views.RunQuarantineView.as_view(),
        name="importer-run-quarantine",
    ),
    path(
        "importer/runs/<int:pk>/documents/", views.RunDocumentsView.as_view(), name="importer-run-documents"
    ),
    path(
        "importer/quarantine/<int:pk>/", views.QuarantineDetailView.as_view(), name="importer-quarantine-item"
    ),
    path(
        "importer/quarantine/<int:pk>/retry/",
        views.QuarantineRetryView.as_view(),
        name="importer-quarantine-retry",
    ),
]
