"""WebSocket routes. Modules add their consumers here (messaging, notifications)."""

websocket_urlpatterns: list = []
