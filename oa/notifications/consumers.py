"""The notification socket (/ws/notifications/): one per open portal tab.

The server chooses the only group a socket joins, from the unit and person the handshake
authenticated (oa.core.sockets); a client can ask for its unread count and ping, nothing else.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import schema_context

from oa.notifications.models import Notification
from oa.notifications.push import group_name

# Close codes (4000-4999 are the application's): the portal stops retrying on 4401/4403.
NOT_AUTHENTICATED = 4401


def _unread(schema: str, user_id: int) -> int:
    with schema_context(schema):
        return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        schema, user = self.scope.get("unit_schema"), self.scope.get("user")
        if schema is None or user is None or not user.is_authenticated:
            await self.close(code=NOT_AUTHENTICATED)
            return
        self.schema, self.user_id = schema, user.pk
        self.group = group_name(schema, user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "unread", "unread": await database_sync_to_async(_unread)(schema, user.pk)}
        )

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "unread":
            unread = await database_sync_to_async(_unread)(self.schema, self.user_id)
            await self.send_json({"type": "unread", "unread": unread})
        else:
            # Subscriptions are not the client's to choose: the group is fixed at connect.
            await self.send_json({"type": "error", "code": "invalid", "detail": "不支持的消息。"})

    async def notify_message(self, event):
        await self.send_json({"type": "notification", "items": event["items"], "unread": event["unread"]})

    async def notify_unread(self, event):
        await self.send_json({"type": "unread", "unread": event["unread"]})
