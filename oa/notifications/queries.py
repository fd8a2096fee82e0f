"""Reads of a person's own notifications: every query is on recipient first (the indexes)."""

from __future__ import annotations

from django.db.models import QuerySet

from oa.core.errors import ActionError, ErrorCode
from oa.notifications.kinds import KINDS
from oa.notifications.models import Notification, NotificationPreference


def notifications_for(user, *, kind: str = "", unread: bool | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=user.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def get_notification_for_user(user, pk: int) -> Notification:
    """Someone else's notification is not found, not forbidden: its existence is private."""
    row = Notification.objects.filter(pk=pk, recipient_id=user.pk).first()
    if row is None:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条消息。", status=404)
    return row


def preferences_for(user) -> list[dict]:
    """Every registered kind with this person's choice (on unless they turned it off)."""
    chosen = dict(NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "enabled"))
    return [
        {
            "kind": k.code,
            "label": k.zh,
            "label_en": k.en,
            "module": k.module,
            "enabled": chosen.get(k.code, True),
        }
        for k in KINDS.values()
    ]
