from django.urls import path

from api.units import views

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="units"),
    path("units/bulk/", views.UnitBulkView.as_view(), name="units-bulk"),
    path("units/<slug:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<slug:code>/suspend/", views.UnitSuspendView.as_view(), name="unit-suspend"),
    path("units/<slug:code>/resume/", views.UnitResumeView.as_view(), name="unit-resume"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/resume/", views.JobResumeView.as_view(), name="job-resume"),
    path("modules/", views.ModuleCatalogueView.as_view(), name="modules"),
    path("unit-kinds/", views.UnitKindsView.as_view(), name="unit-kinds"),
]
