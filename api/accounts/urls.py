from django.urls import path

from api.accounts import views

urlpatterns = [
    path("provider-accounts/", views.ProviderAccountListView.as_view(), name="provider-accounts"),
    path(
        "provider-accounts/<int:pk>/",
        views.ProviderAccountDetailView.as_view(),
        name="provider-account-detail",
    ),
]
