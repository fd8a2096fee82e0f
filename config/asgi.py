"""ASGI entry: HTTP through Django; WebSockets through Channels (live messages, later modules)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The web process takes a bounded connection pool (config/settings.py, ADR 0014).
os.environ.setdefault("OA_DB_POOL", "1")
django_asgi = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from oa.core.sockets import UnitSessionSocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_asgi, "websocket": UnitSessionSocketMiddleware(URLRouter(websocket_urlpatterns))}
)
