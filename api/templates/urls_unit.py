"""A unit's own templates on the unit's host."""

from django.urls import path

from api.templates import views_unit as views

urlpatterns = [
    path("templates/", views.UnitTemplateListView.as_view(), name="unit-templates"),
    path("templates/library/", views.LibraryView.as_view(), name="unit-templates-library"),
    path("templates/<int:pk>/", views.UnitTemplateDetailView.as_view(), name="unit-template-detail"),
    path("templates/<int:pk>/fork/", views.UnitTemplateForkView.as_view(), name="unit-template-fork"),
    path(
        "templates/<int:pk>/upgrade/preview/",
        views.UpgradePreviewView.as_view(),
        name="unit-template-upgrade-preview",
    ),
    path("templates/<int:pk>/upgrade/", views.UpgradeView.as_view(), name="unit-template-upgrade"),
]
