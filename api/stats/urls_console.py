from django.urls import path

from api.stats import views

urlpatterns = [
    path("stats/overview/", views.PlatformOverviewView.as_view(), name="stats-overview"),
    path("stats/units/", views.UnitTableView.as_view(), name="stats-units"),
    path("stats/units/export/", views.UnitTableExportView.as_view(), name="stats-units-export"),
]
