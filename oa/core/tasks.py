from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_tenant_model, schema_context

from oa.core.models import LoginThrottle

# Failures older than this are forgotten (unless the pair is still locked).
LOGIN_THROTTLE_MEMORY = timedelta(hours=24)


@shared_task
def purge_expired_sessions() -> int:
    """Delete expired sessions, and login-throttle rows no longer needed, in the public schema
    and every unit's schema (hourly, beat). Safe to run twice."""
    removed = 0
    now = timezone.now()
    for schema in get_tenant_model().objects.values_list("schema_name", flat=True):
        with schema_context(schema):
            removed += Session.objects.filter(expire_date__lt=now).delete()[0]
            LoginThrottle.objects.filter(
                Q(last_failure_at__lt=now - LOGIN_THROTTLE_MEMORY) | Q(last_failure_at__isnull=True),
                Q(locked_until__isnull=True) | Q(locked_until__lt=now),
            ).delete()
    return removed
