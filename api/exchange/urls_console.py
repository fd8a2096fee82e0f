"""公文交换 on the console host: directory, groups, hub monitor."""

from django.urls import path

from api.exchange import views_console as views
from api.exchange import views_gateway

urlpatterns = [
    path("exchange/parties/", views.PartyListView.as_view(), name="exchange-parties"),
    path("exchange/parties/<str:code>/", views.PartyDetailView.as_view(), name="exchange-party"),
    path("exchange/groups/", views.GroupListView.as_view(), name="exchange-groups"),
    path("exchange/groups/<int:pk>/", views.GroupDetailView.as_view(), name="exchange-group"),
    path("exchange/monitor/", views.MonitorView.as_view(), name="exchange-monitor"),
    path("exchange/deliveries/", views.HubDeliveryListView.as_view(), name="exchange-deliveries"),
    path("exchange/deliveries/<int:pk>/retry/", views.HubDeliveryRetryView.as_view(), name="exchange-retry"),
    path("exchange/refusals/", views.RefusalListView.as_view(), name="exchange-refusals"),
    path("exchange/gateway/", views_gateway.GatewayView.as_view(), name="exchange-gateway"),
    path("exchange/gateway/trust/", views_gateway.GatewayTrustView.as_view(), name="exchange-gateway-trust"),
    path(
        "exchange/gateway/export/", views_gateway.GatewayExportView.as_view(), name="exchange-gateway-export"
    ),
    path(
        "exchange/gateway/import/", views_gateway.GatewayImportView.as_view(), name="exchange-gateway-import"
    ),
    path(
        "exchange/gateway/bundles/",
        views_gateway.GatewayBundleListView.as_view(),
        name="exchange-gateway-bundles",
    ),
    path(
        "exchange/gateway/bundles/<int:pk>/file/",
        views_gateway.GatewayBundleFileView.as_view(),
        name="exchange-gateway-bundle-file",
    ),
]
