"""The one place this module hands notifications to the notification centre (oa.notifications):
"notice.published" to the audience when an item is published, "notice.reminder" to those who
have not read it when a publisher reminds them. Called inside the producing action's
transaction, as the centre asks: the rows commit (or roll back) with it and the live push runs
after the commit."""

from __future__ import annotations

from oa.notifications.api import notify

PUBLISHED = "notice.published"
REMINDER = "notice.reminder"


def link_of(notice_id: int) -> str:
    return f"/portal/notices/{notice_id}"


def published(notice, user_ids: list[int], *, actor) -> int:
    return notify(
        user_ids, PUBLISHED, f"【{notice.column.name}】{notice.title}", body=notice.body_text[:200],
        link=link_of(notice.pk), source=notice, actor=actor,
    )  # fmt: skip


def reminder(notice, user_ids: list[int], *, actor) -> int:
    return notify(
        user_ids, REMINDER, f"请阅读：{notice.title}", body=f"【{notice.column.name}】您尚未阅读这条信息。",
        link=link_of(notice.pk), source=notice, actor=actor,
    )  # fmt: skip
