"""Who hears about a to-do (oa.notifications): new tasks, 催办 by hand, automatic 催办 as a
deadline nears and when it passes, and a 退回.

A task's holders are its assignee, or for a pool its candidate users and everyone who holds a
candidate role or sits in a candidate department now (oa.workflow.queries' definition), read
in one query for a whole batch of new tasks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from oa.directory.models import Staff
from oa.notifications.api import notify
from oa.workflow.models import HumanTask


def task_link(task: HumanTask) -> str:
    return f"/portal/tasks/{task.pk}"


def holder_ids(task: HumanTask) -> list[int]:
    if task.assignee_id is not None:
        return [task.assignee_id]
    pool = Q(user_id__in=task.candidate_users)
    if task.candidate_roles:
        pool |= Q(roles__in=task.candidate_roles)
    if task.candidate_departments:
        pool |= Q(department_id__in=task.candidate_departments)
    return list(Staff.objects.filter(pool, user__is_active=True).values_list("user_id", flat=True).distinct())


def new_tasks(tasks: Iterable[HumanTask], *, actor, kind: str = "todo.created", reason: str = "") -> None:
    """One notification per holder of each new task (the actor excepted: their own act)."""
    for task in tasks:
        title = task.instance.title
        if kind == "todo.returned":
            heading, body = (
                f"退回：{title}",
                f"“{task.name}”已退回给您。" + (f"理由：{reason}" if reason else ""),
            )
        else:
            heading, body = f"待办：{title}", f"请办理“{task.name}”。"
        notify(holder_ids(task), kind, heading, body=body, link=task_link(task), source=task, actor=actor)


def urged(task: HumanTask, *, actor, note: str = "") -> int:
    body = f"请尽快办理“{task.name}”。" + (f"{note}" if note else "")
    return notify(
        holder_ids(task),
        "todo.urged",
        f"催办：{task.instance.title}",
        body=body,
        link=task_link(task),
        source=task,
        actor=actor,
    )


def deadline(task: HumanTask, *, overdue: bool) -> int:
    due = task.due_at.astimezone().strftime("%m-%d %H:%M") if task.due_at else ""
    if overdue:
        kind, heading, body = (
            "deadline.overdue",
            f"已超期：{task.instance.title}",
            f"“{task.name}”已于 {due} 到期。",
        )
    else:
        kind, heading, body = (
            "deadline.warning",
            f"即将到期：{task.instance.title}",
            f"“{task.name}”将于 {due} 到期。",
        )
    return notify(holder_ids(task), kind, heading, body=body, link=task_link(task), source=task, actor=None)
