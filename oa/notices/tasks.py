"""Background work of 信息发布: notifications, by id, safe to run twice (the centre keys a
notification by its source, so a rerun does not notify twice)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from oa.notices import notifying


@shared_task(name="notices.notify_published", acks_late=True)
def notify_published(notice_id: int) -> int:
    from oa.notices.models import Notice, NoticeRecipient

    notice = Notice.objects.filter(pk=notice_id, state=Notice.State.PUBLISHED).first()
    if notice is None:
        return 0
    users = list(
        get_user_model().objects.filter(
            pk__in=NoticeRecipient.objects.filter(notice=notice, read_at__isnull=True).values("user_id")
        )
    )
    return notifying.notify(
        users, notifying.PUBLISHED, f"【{notice.column.name}】{notice.title}", body=notice.body_text[:200],
        link=notifying.link_of(notice.pk), source=notice, actor=notice.published_by,
    )  # fmt: skip


@shared_task(name="notices.notify_reminder", acks_late=True)
def notify_reminder(notice_id: int, user_ids: list[int], actor_id: int | None) -> int:
    from oa.notices.models import Notice, NoticeRecipient

    notice = Notice.objects.filter(pk=notice_id, state=Notice.State.PUBLISHED).first()
    if notice is None:
        return 0
    still_unread = NoticeRecipient.objects.filter(notice=notice, user_id__in=user_ids, read_at__isnull=True)
    users = list(get_user_model().objects.filter(pk__in=still_unread.values("user_id")))
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return notifying.notify(
        users, notifying.REMINDER, f"请阅读：{notice.title}", body=f"【{notice.column.name}】尚未阅读",
        link=notifying.link_of(notice.pk), source=notice, actor=actor,
    )  # fmt: skip
