"""The one place this module hands notifications to the notification centre (oa.notifications):
"notice.published" to the audience when an item is published, "notice.reminder" to those who
have not read it when a publisher reminds them. Queued after the commit as Celery tasks."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

PUBLISHED = "notice.published"
REMINDER = "notice.reminder"


def link_of(notice_id: int) -> str:
    return f"/notices/{notice_id}"


def queue_published(notice_id: int) -> None:
    from oa.notices import tasks

    tasks.notify_published.delay(notice_id)


def queue_reminder(notice_id: int, user_ids: list[int], actor_id: int | None) -> None:
    from oa.notices import tasks

    tasks.notify_reminder.delay(notice_id, user_ids, actor_id)


def notify(
    recipients, kind: str, title: str, *, body: str = "", link: str = "", source=None, actor=None
) -> int:
    """Deliver through the notification centre; returns how many were handed over.

    The centre is built in parallel (issue 14 item 2): until it is installed, nothing can be
    delivered and this says so in the log rather than pretending."""
    try:
        from oa.notifications.api import notify as centre_notify
    except ImportError:
        logger.warning(
            "notification centre not installed: %s to %d people not delivered", kind, len(recipients)
        )
        return 0
    centre_notify(recipients, kind, title, body=body, link=link, source=source, actor=actor)
    return len(recipients)
