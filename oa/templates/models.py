"""A unit's copies of library templates (本单位模板), in the unit's schema.

Each copy remembers the library template and published version it came from (its parent):
that version is the common base of a three-way merge when the library publishes a newer
one. `edited` says the unit changed the content since; `forked` says the copy was made
from another unit template under a new code, as the unit's own variant.
"""

from __future__ import annotations

from django.db import models

from templates_lib.kinds import TemplateKind, is_text_kind


class UnitTemplate(models.Model):
    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    content_text = models.TextField(blank=True)
    content_json = models.JSONField(null=True, blank=True)
    checksum = models.CharField(max_length=64)
    parent_code = models.SlugField(max_length=40, blank=True)
    parent_version = models.PositiveIntegerField(null=True, blank=True)
    forked = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unittemplate_unique_kind_code")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code} {self.name}"

    @property
    def content(self):
        return self.content_text if is_text_kind(self.kind) else self.content_json
