from django.urls import path

from api.documents import views

urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="documents"),
    path("documents/outgoing/", views.OutgoingCreateView.as_view(), name="documents-outgoing"),
    path("documents/incoming/", views.IncomingCreateView.as_view(), name="documents-incoming"),
    path("documents/search/", views.SearchView.as_view(), name="documents-search"),
    path("documents/registers/<str:direction>/", views.RegisterView.as_view(), name="documents-register"),
    path(
        "documents/registers/<str:direction>/export/",
        views.RegisterExportView.as_view(),
        name="documents-register-export",
    ),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("documents/<int:pk>/files/", views.DocumentFilesView.as_view(), name="document-files"),
    path("documents/<int:pk>/files/<int:file_pk>/", views.DocumentFileView.as_view(), name="document-file"),
    path("documents/<int:pk>/archive/", views.DocumentArchiveView.as_view(), name="document-archive"),
]
