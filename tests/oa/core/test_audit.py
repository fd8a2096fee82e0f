import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from oa.core.audit import record_event
from oa.core.models import AuditEvent
from tests.conftest import SIMING


def test_audit_events_cannot_be_changed_or_deleted(db):
    with schema_context(SIMING), transaction.atomic():
        event = record_event("test.event", acting_user=None, summary="一条记录")
    with schema_context(SIMING):
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(summary="篡改")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).summary == "一条记录"


def test_the_retention_purge_can_delete_with_the_maintenance_setting(db):
    with schema_context(SIMING), transaction.atomic():
        event = record_event("test.event", acting_user=None, summary="过期记录")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL oa.audit_maintenance = 'on'")
        AuditEvent.objects.filter(pk=event.pk).delete()
        assert not AuditEvent.objects.filter(pk=event.pk).exists()
