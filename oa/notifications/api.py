"""What other modules call to notify people (the notification centre's public API).

    from oa.notifications.api import notify, register_kind

    notify([user], "todo.urged", "催办：请尽快办理“核稿”", link="/workflow/tasks/12",
           source=task, actor=acting_user)

Call it inside the producing action's transaction: the rows commit (or roll back) with it and
the live push runs only after the commit. The producer's own audit event covers the
notification; notify() writes none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from oa.core.audit import actor_label
from oa.notifications.kinds import KINDS, Kind, get_kind, register_kind
from oa.notifications.models import Notification, NotificationPreference
from oa.notifications.push import PUSH_INLINE_MAX, push_notifications

__all__ = ["KINDS", "Kind", "notify", "register_kind"]


def _recipient_ids(recipients) -> list[int]:
    seen: dict[int, None] = {}
    for r in recipients:
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if pk is None:
            raise TypeError(f"a recipient must be a user or a user id, not {r!r}")
        seen[int(pk)] = None
    return list(seen)


def notify(
    recipients: Iterable,
    kind: str,
    title: str,
    *,
    body: str = "",
    link: str = "",
    source=None,
    actor=None,
) -> int:
    """Write one notification per recipient (de-duplicated; the actor is not told of their own
    act; people who turned the kind off are skipped), in one INSERT, and push them live after
    the commit. Returns the number created."""
    get_kind(kind)
    if connection.schema_name == "public":
        raise RuntimeError("notifications live in a unit's schema; call notify() inside one")
    ids = _recipient_ids(recipients)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    if actor_id is not None:
        ids = [pk for pk in ids if pk != actor_id]
    if not ids:
        return 0
    muted = set(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind, enabled=False).values_list(
            "user_id", flat=True
        )
    )
    ids = [pk for pk in ids if pk not in muted]
    if not ids:
        return 0
    now = timezone.now()
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(source.pk) if source is not None else ""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                title=title[:200],
                body=body,
                link=link[:500],
                source_type=source_type,
                source_id=source_id,
                actor_id=actor_id,
                actor_name=actor_label(actor) if actor_id else "",
                created_at=now,
            )
            for pk in ids
        ],
        batch_size=2000,
    )
    created = [row.pk for row in rows]
    if len(ids) <= PUSH_INLINE_MAX:
        transaction.on_commit(lambda: push_notifications(created))
    else:
        from oa.notifications.tasks import push_notifications_task

        transaction.on_commit(lambda: push_notifications_task.delay(created))
    return len(created)
