"""Celery app: tenant-aware (tenant-schemas-celery) so a task runs in the schema it was sent from."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tenant_schemas_celery.app import CeleryApp

app = CeleryApp("govoa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["oa.core", "oa.workflow", "oa.importer", "oa.notifications", "tenants", "exchange"])
