"""Live push over the channel layer (Channels): one group per person per unit.

Group names carry the unit's schema as well as the user id: ids start at 1 in every unit's
schema, so "user 3" alone would reach the third account of every unit listening.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.db.models import Count

from oa.notifications.models import Notification

logger = logging.getLogger(__name__)

# Above this many recipients the push goes through a Celery task instead of the request.
PUSH_INLINE_MAX = 50


def group_name(schema: str, user_id: int) -> str:
    return f"notify.{schema}.{user_id}"


def payload(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body[:200],
        "link": notification.link,
        "actor_name": notification.actor_name,
        "created_at": notification.created_at.isoformat(),
    }


def push_notifications(ids: list[int]) -> int:
    """Send each recipient their new notifications and their unread count. Two queries for
    any number of recipients; a layer that is down costs the live badge, not the rows (the
    portal polls as well)."""
    rows = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))
    if not rows:
        return 0
    by_user: dict[int, list[dict]] = {}
    for row in rows:
        by_user.setdefault(row.recipient_id, []).append(payload(row))
    unread = dict(
        Notification.objects.filter(recipient_id__in=list(by_user), read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    messages = [
        (
            group_name(connection.schema_name, user_id),
            {"type": "notify.message", "items": items, "unread": unread.get(user_id, 0)},
        )
        for user_id, items in by_user.items()
    ]
    return _send_all(messages)


def _send_all(messages: list[tuple[str, dict]]) -> int:
    """All sends in one event loop: async_to_sync per message would open a new Redis
    connection each time (channels_redis pools per loop), ~5 ms apiece."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return 0

    async def send() -> int:
        for group, message in messages:
            await layer.group_send(group, message)
        return len(messages)

    try:
        return async_to_sync(send)()
    except Exception:
        logger.exception("live push of %d messages failed in %s", len(messages), connection.schema_name)
        return 0


def push_unread(user_id: int) -> None:
    """After reading: every open tab of this person shows the new count."""
    unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
    _send_all([(group_name(connection.schema_name, user_id), {"type": "notify.unread", "unread": unread})])
