"""The shared template library (模板库), in the public schema.

A Template is a named, versioned piece of configuration a unit's OA is built from. Its
versions are drafts until published; a published version never changes (an action refuses
it and a database trigger backs that up, see migrations/0002_published_immutable.py), so a
unit that forked version 3 can always be merged against exactly what version 3 was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from templates_lib.kinds import TemplateKind, is_text_kind
from tenants.modules import UNIT_KIND_CHOICES


class Template(models.Model):
    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # The module (tenants/modules.py) the template serves, "" when it serves several.
    module = models.CharField(max_length=32, blank=True)
    # Built-in templates come from templates_lib/builtin/; the checksum of the file last
    # loaded tells the loader whether the file changed (not whether the provider edited it).
    builtin = models.BooleanField(default=False)
    builtin_checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="template_unique_kind_code")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code} {self.name}"


class TemplateVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    # BPMN XML is kept as the text that was uploaded (bpmn-js round-trips it); the other
    # kinds as JSON, so they can be queried and merged per JSON pointer.
    content_text = models.TextField(blank=True)
    content_json = models.JSONField(null=True, blank=True)
    checksum = models.CharField(max_length=64)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="templateversion_unique_number"),
            models.CheckConstraint(
                condition=models.Q(state="draft", published_at__isnull=True)
                | models.Q(state="published", published_at__isnull=False),
                name="templateversion_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number} ({self.state})"

    @property
    def content(self):
        return self.content_text if is_text_kind(self.template.kind) else self.content_json

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class StarterKit(models.Model):
    """What a new unit starts with (开通套件): modules and the template versions it bundles."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # The kind of unit it suits (tenants/modules.py UNIT_KINDS); provisioning picks the kit
    # by the unit's kind, so at most one kit per kind is the default.
    unit_kind = models.CharField(max_length=32, choices=UNIT_KIND_CHOICES)
    # Further unit kinds it also suits when they have no kit of their own.
    also_suits = models.JSONField(default=list, blank=True)
    modules = models.JSONField(default=list)
    versions = models.ManyToManyField(TemplateVersion, related_name="starter_kits", blank=True)
    builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["unit_kind"], name="starterkit_one_per_unit_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
