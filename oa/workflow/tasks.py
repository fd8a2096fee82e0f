from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from oa.workflow.actions import do_process_deadlines

logger = logging.getLogger(__name__)


@shared_task
def process_workflow_deadlines() -> dict:
    """Beat, every minute: fire due BPMN timers and mark deadlines in every unit.

    Safe to run twice or concurrently: each instance is advanced under its row lock (locked
    ones are skipped) and each reminder flips a flag once. A failing unit does not stop the
    others; it is logged and retried at the next sweep.
    """
    totals = {"units": 0, "timers_fired": 0, "due_soon": 0, "overdue": 0, "failed": 0}
    schemas = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for schema in schemas.values_list("schema_name", flat=True):
        with schema_context(schema):
            try:
                report = do_process_deadlines()
            except Exception:
                logger.exception("workflow deadline sweep failed in %s", schema)
                totals["failed"] += 1
                continue
        totals["units"] += 1
        totals["timers_fired"] += report.timers_fired
        totals["due_soon"] += report.due_soon
        totals["overdue"] += report.overdue
    return totals
