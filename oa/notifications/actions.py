"""Writes of the notification centre. Reading marks are personal state, not office acts, and
are many (a notice to 3,000 people): they write no audit event (ADR 0017); a change of
preferences does."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.notifications.kinds import KINDS
from oa.notifications.models import Notification, NotificationPreference
from oa.notifications.push import push_unread


def _after_commit_push(user_id: int) -> None:
    transaction.on_commit(lambda: push_unread(user_id))


@transaction.atomic
def do_mark_read(notification: Notification, *, acting_user, now: datetime | None = None) -> Notification:
    if notification.recipient_id != acting_user.pk:
        raise ActionError(ErrorCode.NOT_FOUND, "没有这条消息。", status=404)
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        _after_commit_push(acting_user.pk)
    return notification


@transaction.atomic
def do_mark_all_read(*, acting_user, kind: str = "", now: datetime | None = None) -> int:
    """Mark every unread notification of this person (of one kind, if given) read."""
    if kind and kind not in KINDS:
        raise ActionError(ErrorCode.INVALID, f"没有“{kind}”这种消息类型。", field="kind")
    qs = Notification.objects.filter(recipient_id=acting_user.pk, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    count = qs.update(read_at=now or timezone.now())
    if count:
        _after_commit_push(acting_user.pk)
    return count


@transaction.atomic
def do_set_notification_preferences(*, acting_user, choices: dict[str, bool], ip=None) -> None:
    """Turn kinds on or off for this person. Unknown kinds are refused by name."""
    for code in choices:
        if code not in KINDS:
            raise ActionError(ErrorCode.INVALID, f"没有“{code}”这种消息类型。", field=f"preferences.{code}")
    for code, enabled in choices.items():
        if enabled:
            # On is the default: no row.
            NotificationPreference.objects.filter(user_id=acting_user.pk, kind=code).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user_id=acting_user.pk, kind=code, defaults={"enabled": False}
            )
    record_event(
        "notifications.preferences_changed",
        acting_user=acting_user,
        summary="修改消息提醒设置："
        + "，".join(f"{KINDS[c].zh}{'开' if on else '关'}" for c, on in choices.items()),
        detail={"choices": choices},
        ip=ip,
    )
