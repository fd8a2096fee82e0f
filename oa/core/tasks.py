from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context


@shared_task
def purge_expired_sessions() -> int:
    """Delete expired sessions in the public schema and every unit's schema. Safe to run twice."""
    removed = 0
    for schema in get_tenant_model().objects.values_list("schema_name", flat=True):
        with schema_context(schema):
            removed += Session.objects.filter(expire_date__lt=timezone.now()).delete()[0]
    return removed
