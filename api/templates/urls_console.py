"""The template library on the console host."""

from django.urls import path

from api.templates import views_console as views

urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/<int:pk>/", views.TemplateDetailView.as_view(), name="template-detail"),
    path("templates/<int:pk>/versions/", views.VersionListView.as_view(), name="template-versions"),
    path(
        "templates/<int:pk>/versions/<int:number>/",
        views.VersionDetailView.as_view(),
        name="template-version-detail",
    ),
    path(
        "templates/<int:pk>/versions/<int:number>/publish/",
        views.VersionPublishView.as_view(),
        name="template-version-publish",
    ),
    path("templates/<int:pk>/diff/", views.TemplateDiffView.as_view(), name="template-diff"),
    path("starter-kits/", views.StarterKitListView.as_view(), name="starter-kits"),
    path("starter-kits/<int:pk>/", views.StarterKitDetailView.as_view(), name="starter-kit-detail"),
]
