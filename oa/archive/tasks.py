from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from oa.archive.actions import do_expire_loans

logger = logging.getLogger(__name__)


@shared_task
def expire_loans() -> dict:
    """Beat, every minute: mark the loans whose time is up as expired in every unit.

    Safe to run twice or concurrently (locked rows are skipped, an expired loan is not picked
    again). Access is refused at the end time whether or not this has run yet."""
    totals = {"units": 0, "expired": 0, "failed": 0}
    schemas = get_tenant_model().objects.exclude(schema_name=get_public_schema_name())
    for schema in schemas.values_list("schema_name", flat=True):
        with schema_context(schema):
            try:
                totals["expired"] += do_expire_loans()
            except Exception:
                logger.exception("archive loan expiry failed in %s", schema)
                totals["failed"] += 1
                continue
        totals["units"] += 1
    return totals
