"""Keeping today's roll-ups live: the audit events that change a unit's figures recompute that
unit's row for today once their transaction commits (stats/rollup.py `refresh_today`, a few
indexed counts). The beat job (stats/tasks.py) catches what no event announces, e.g. deliveries
fanned out to a recipient, within minutes."""

from __future__ import annotations

import logging

from django.db import transaction

from oa.core.audit import event_recorded

logger = logging.getLogger(__name__)

# The actions after which a unit's figures for today may have changed.
ACTIONS = frozenset(
    {
        "auth.login",
        "documents.created",
        "documents.registered",
        "documents.received",
        "documents.updated",
        "exchange.sent",
        "exchange.submitted",
        "exchange.meeting_notice_sent",
        "exchange.signed_for",
        "directory.staff_created",
        "directory.staff_updated",
        "directory.staff_imported",
        "importer.run_finished",
        "notices.published",
    }
)


def _refresh(schema: str) -> None:
    from stats.rollup import refresh_today

    try:
        refresh_today(schema)
    except Exception:  # statistics never break the action that triggered them
        logger.exception("refreshing today's statistics of %s failed", schema)


def _on_event(sender, event, schema: str, **kwargs) -> None:
    if event.action in ACTIONS:
        transaction.on_commit(lambda: _refresh(schema))


def connect() -> None:
    event_recorded.connect(_on_event, dispatch_uid="stats.events")
