from django.urls import path

from api.portal import views

urlpatterns = [path("portal/home/", views.HomeView.as_view(), name="portal-home")]
