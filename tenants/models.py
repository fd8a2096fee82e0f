from __future__ import annotations

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from tenants.modules import DEFAULT_MODULES, UNIT_KIND_CHOICES


def default_modules() -> list[str]:
    return list(DEFAULT_MODULES)


class Unit(TenantMixin):
    """A government unit (单位): one PostgreSQL schema, reached at <code>.<base domain>.

    The public schema itself is also a row (code "public"), as django-tenants requires;
    it stands for the provider console and is hidden from unit lists.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "已停用"

    # Provisioning clones the template schema itself (tenants/provisioning.py), so the
    # django-tenants save() hook must not create or migrate schemas.
    auto_create_schema = False
    auto_drop_schema = False

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=32, choices=UNIT_KIND_CHOICES, default="district_office")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspend_reason = models.CharField(max_length=200, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    modules = models.JSONField(default=default_modules)
    # The starter kit (templates_lib.StarterKit code) the unit was provisioned from; its
    # templates live on as the unit's own copies (oa.templates), so this is a record only.
    starter_kit = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"

    @property
    def host(self) -> str:
        return f"{self.code}.{settings.OA_BASE_DOMAIN}"

    @property
    def url(self) -> str:
        port = settings.OA_PUBLIC_PORT
        suffix = "" if port in ("", "80", "443") else f":{port}"
        return f"{settings.OA_PUBLIC_SCHEME}://{self.host}{suffix}/"


class Domain(DomainMixin):
    pass


class Job(models.Model):
    """A long-running console job (bulk provisioning) whose progress the UI and CLI show."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    payload = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the job beats after each unit; the sweep fails a job whose beat stopped.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Failed because its worker died (not because of its rows): 继续执行 queues it again.
    interrupted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status} {self.done}/{self.total}"
