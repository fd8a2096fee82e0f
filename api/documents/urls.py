from django.urls import path

from api.documents import views

urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/outgoing/", views.OutgoingCreateView.as_view(), name="documents-outgoing"),
    path("documents/incoming/", views.IncomingCreateView.as_view(), name="documents-incoming"),
    path("documents/search/", views.SearchView.as_view(), name="documents-search"),
    *[
        route
        for direction in ("outgoing", "incoming")
        for route in (
            path(
                f"documents/registers/{direction}/",
                views.RegisterView.as_view(),
                {"direction": direction},
                name=f"documents-register-{direction}",
            ),
            path(
                f"documents/registers/{direction}/export/",
                views.RegisterExportView.as_view(),
                {"direction": direction},
                name=f"documents-register-{direction}-export",
            ),
        )
    ],
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("documents/<int:pk>/files/", views.DocumentFilesView.as_view(), name="document-files"),
    path("documents/<int:pk>/files/<int:file_pk>/", views.DocumentFileView.as_view(), name="document-file"),
    path("documents/<int:pk>/pdf/", views.DocumentPdfView.as_view(), name="document-pdf"),
    path("documents/<int:pk>/archive/", views.DocumentArchiveView.as_view(), name="document-archive"),
]
