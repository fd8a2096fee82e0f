"""信息发布 on the portal home (oa/portal/sections.py): the latest items the person may read,
pinned first, with unread marks and the unread count."""

from __future__ import annotations

from oa.notices.notifying import link_of
from oa.notices.queries import latest_for_reader, unread_count
from oa.portal.sections import HomeContext, Item, SectionData, register_section

LIST_SIZE = 6


def latest_notices(ctx: HomeContext) -> SectionData:
    rows = latest_for_reader(ctx.user, LIST_SIZE, now=ctx.now)
    return SectionData(
        items=[
            Item(
                key=f"notice-{n.pk}",
                title=n.title,
                subtitle=n.column.name,
                link=link_of(n.pk),
                at=n.published_at,
                unread=n.read_at is None,
                tag="置顶" if n.pinned else "",
                tag_type="danger" if n.pinned else "",
            )
            for n in rows
        ],
        count=unread_count(ctx.user, now=ctx.now),
        more_link="/portal/notices",
    )


def register() -> None:
    register_section("notices", "通知公告", "Notices", load=latest_notices, order=15, module="notices")
