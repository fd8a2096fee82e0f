from __future__ import annotations

from celery import shared_task

from oa.notifications.push import push_notifications


@shared_task
def push_notifications_task(ids: list[int]) -> int:
    """Push a large batch (a notice to a whole unit) outside the request. Safe to run twice:
    a second push repeats the same items, which the client de-duplicates by id."""
    return push_notifications(ids)
