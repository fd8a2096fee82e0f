"""WebSocket routes. Modules add their consumers here (messaging, notifications)."""

from django.urls import path

from oa.notifications.consumers import NotificationConsumer

websocket_urlpatterns: list = [path("ws/notifications/", NotificationConsumer.as_asgi())]
