"""公文交换 on the console host: directory, groups, hub monitor."""

from django.urls import path

from api.exchange import views_console as views

urlpatterns = [
    path("exchange/parties/", views.PartyListView.as_view(), name="exchange-parties"),
    path("exchange/parties/<str:code>/", views.PartyDetailView.as_view(), name="exchange-party"),
    path("exchange/groups/", views.GroupListView.as_view(), name="exchange-groups"),
    path("exchange/groups/<int:pk>/", views.GroupDetailView.as_view(), name="exchange-group"),
    path("exchange/monitor/", views.MonitorView.as_view(), name="exchange-monitor"),
    path("exchange/deliveries/", views.HubDeliveryListView.as_view(), name="exchange-deliveries"),
    path("exchange/deliveries/<int:pk>/retry/", views.HubDeliveryRetryView.as_view(), name="exchange-retry"),
    path("exchange/refusals/", views.RefusalListView.as_view(), name="exchange-refusals"),
]
