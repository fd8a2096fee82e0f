"""The sections every unit's home page has: my to-do across modules, my latest
notifications, the week calendar (deadlines), shortcuts to start the unit's common items, and
recent documents. Other modules add theirs through oa.portal.sections."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from oa.notifications.kinds import KINDS
from oa.notifications.queries import notifications_for, unread_count
from oa.portal.sections import (
    CALENDAR_SOURCES,
    Group,
    HomeContext,
    Item,
    SectionData,
    register_calendar_source,
    register_section,
)
from oa.workflow.models import HumanTask
from oa.workflow.queries import circulations_for, handler_q, open_tasks_for, startable_definitions

LIST_SIZE = 6
DOCUMENT_KEY = re.compile(r"^documents\.document:(\d+)$")
MODULE_TAGS = {"documents": "办文", "meetings": "会议", "supervision": "督办", "affairs": "事务"}


def task_link(task: HumanTask) -> str:
    """A 办文 step opens its document's page; anything else the task page."""
    match = DOCUMENT_KEY.match(task.instance.business_key or "")
    if task.instance.module == "documents" and match:
        return f"/portal/documents/{match[1]}"
    return f"/portal/tasks/{task.pk}"


def due_tag(task: HumanTask, now: datetime) -> tuple[str, str]:
    if task.due_at is None:
        return "", ""
    if task.overdue or task.due_at <= now:
        return "超期", "danger"
    if task.due_at - now <= timedelta(hours=settings.OA_WORKFLOW_DUE_SOON_HOURS):
        return "即将到期", "warning"
    return "", ""


def _task_item(task: HumanTask, now: datetime) -> Item:
    tag, tag_type = due_tag(task, now)
    return Item(
        key=f"task-{task.pk}",
        title=task.instance.title,
        subtitle=task.name,
        link=task_link(task),
        at=task.created_at,
        tag=tag or MODULE_TAGS.get(task.instance.module, "流程"),
        tag_type=tag_type or "info",
    )


def todo(ctx: HomeContext) -> SectionData:
    """待办 across modules: workflow steps (办文 and every flow), 来文 waiting to be signed for,
    unread 传阅."""
    tasks = open_tasks_for(ctx.user)
    task_count = tasks.count()
    items = [_task_item(t, ctx.now) for t in tasks[:LIST_SIZE]]
    groups = [Group("tasks", "待办事项", task_count, "/portal/todo")]
    total = task_count
    if ctx.has_module("exchange") and ctx.can("documents.receive"):
        from exchange.directory import party_of_unit
        from exchange.queries import inbox, waiting_count

        party = party_of_unit(ctx.unit)
        waiting = waiting_count(party)
        total += waiting
        groups.append(Group("exchange", "待签收来文", waiting, "/portal/exchange"))
        for delivery in inbox(party)[:3] if waiting else []:
            items.append(
                Item(
                    key=f"delivery-{delivery.pk}",
                    title=delivery.envelope.title,
                    subtitle=delivery.envelope.sender.name,
                    link="/portal/exchange",
                    at=delivery.delivered_at or delivery.created_at,
                    tag="来文",
                    tag_type="primary",
                )
            )
    unread = circulations_for(ctx.user, unread=True).count()
    groups.append(Group("circulations", "未读传阅", unread, "/portal/circulations"))
    return SectionData(items=items, count=total, more_link="/portal/todo", groups=groups)


def latest_notifications(ctx: HomeContext) -> SectionData:
    rows = notifications_for(ctx.user)[:LIST_SIZE]
    return SectionData(
        items=[
            Item(
                key=f"notification-{n.pk}",
                title=n.title,
                subtitle=n.body[:80],
                link=n.link,
                at=n.created_at,
                unread=n.read_at is None,
                tag=KINDS[n.kind].zh if n.kind in KINDS else n.kind,
            )
            for n in rows
        ],
        count=unread_count(ctx.user),
        more_link="/portal/notifications",
    )


def week_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def week_calendar(ctx: HomeContext) -> SectionData:
    start = week_start(ctx.now)
    end = start + timedelta(days=7)
    items: list[Item] = []
    for source in CALENDAR_SOURCES.values():
        if ctx.has_module(source.module):
            items.extend(source.load(ctx, start, end))
    items.sort(key=lambda i: (i.at or start, i.key))
    return SectionData(items=items, count=len(items), start=start)


def task_deadlines(ctx: HomeContext, start: datetime, end: datetime) -> list[Item]:
    rows = (
        HumanTask.objects.filter(
            handler_q(ctx.user), state=HumanTask.State.OPEN, due_at__gte=start, due_at__lt=end
        )
        .select_related("instance")
        .order_by("due_at", "id")[:50]
    )
    out = []
    for task in rows:
        tag, tag_type = due_tag(task, ctx.now)
        out.append(
            Item(
                key=f"deadline-{task.pk}",
                title=task.instance.title,
                subtitle=f"{task.name} 截止",
                link=task_link(task),
                at=task.due_at,
                tag=tag or "截止",
                tag_type=tag_type or "info",
            )
        )
    return out


def shortcuts(ctx: HomeContext) -> SectionData | None:
    """发起: the flows this person may start (the unit's common items, from its templates)."""
    flows = startable_definitions(ctx.user)
    if not flows:
        return None
    return SectionData(
        items=[
            Item(
                key=f"flow-{d.key}",
                title=d.name,
                link=f"/portal/start?flow={d.key}",
                tag=MODULE_TAGS.get(d.module, ""),
            )
            for d in flows[:8]
        ],
        count=len(flows),
        more_link="/portal/start",
    )


def recent_documents(ctx: HomeContext) -> SectionData:
    from oa.documents.queries import visible_documents

    rows = visible_documents(ctx.user).order_by("-created_at", "-id")[:LIST_SIZE]
    return SectionData(
        items=[
            Item(
                key=f"document-{d.pk}",
                title=d.title,
                subtitle=d.doc_number or d.step,
                link=f"/portal/documents/{d.pk}",
                at=d.created_at,
                tag=d.get_direction_display(),
                tag_type="info",
            )
            for d in rows
        ],
        more_link="/portal/documents",
    )


register_section("todo", "我的待办", "My to-do", load=todo, order=10)
register_section("notifications", "消息提醒", "Notifications", load=latest_notifications, order=20)
register_section("calendar", "本周日程", "This week", load=week_calendar, order=30, layout="calendar")
register_section("shortcuts", "快捷发起", "Start", load=shortcuts, order=40, layout="shortcuts")
register_section(
    "documents", "最近公文", "Recent documents", load=recent_documents, order=50, module="documents"
)
register_calendar_source("deadlines", "办理期限", load=task_deadlines)
