"""The audit trail: every action writes one AuditEvent in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.dispatch import Signal

from oa.core.models import AuditEvent

# Sent for every audit row written, inside the action's transaction, with `event` and `schema`
# (the schema it was written in). Higher layers listen (the provider's statistics, stats/events.py)
# without the core knowing them.
event_recorded = Signal()


def actor_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    account = getattr(user, "account", None)
    name = account.display_name if account else ""
    return f"{name} ({user.username})" if name else user.username


def record_event(
    action: str,
    *,
    acting_user,
    summary: str,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    detail: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Write one audit row. Must be called inside the action's transaction."""
    assert connection.in_atomic_block, "audit events are written inside the action's transaction"
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=user,
        actor_name=actor_label(acting_user),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:300],
        detail=detail or {},
        ip=ip,
    )
    event_recorded.send(sender=AuditEvent, event=event, schema=connection.schema_name)
    return event
