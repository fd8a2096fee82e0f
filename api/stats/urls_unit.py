from django.urls import path

from api.stats import views

urlpatterns = [
    path("stats/", views.UnitOverviewView.as_view(), name="stats-unit"),
]
