"""信息发布: columns (栏目), the items published in them (信息), who they are for, and who read them.

The audience is resolved to people when an item is published (NoticeRecipient rows): the
receipts (已读/未读) are then one indexed query, and what a person may see is "a recipient row,
or the whole unit" (ADR 0018).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q


class Column(models.Model):
    """A 栏目 (通知公告, 工作动态, 规章制度, ...), kept by the unit admin: who may publish in it and
    whether its items pass an approval flow from the template library first."""

    name = models.CharField(max_length=32, unique=True)
    description = models.CharField(max_length=200, blank=True)
    order = models.IntegerField(default=0)
    publishers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="notice_columns")
    # The key of a flow template of the unit (module notices); blank: published at once.
    approval_flow = models.CharField(max_length=64, blank=True)
    # Items other units publish to this unit through the exchange hub land here (上级来文).
    receives_from_units = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receives_from_units"],
                condition=Q(receives_from_units=True),
                name="one_inbound_column",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """One item (信息): title, sanitised rich-text body, attachments, audience, pin and expiry."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "审批中"
        REJECTED = "rejected", "未通过"
        PUBLISHED = "published", "已发布"
        RETRACTED = "retracted", "已撤回"

    identifier = models.CharField(max_length=32, unique=True, default="")
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(max_length=200)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The audience: the whole unit, or these departments (with their sub-departments), roles, people.
    audience_all = models.BooleanField(default=False)
    audience_departments = models.JSONField(default=list, blank=True)
    audience_roles = models.JSONField(default=list, blank=True)
    audience_users = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retract_reason = models.CharField(max_length=200, blank=True)
    process_instance = models.ForeignKey(
        "workflow.ProcessInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Received from another unit through the exchange hub: the sending unit and its delivery.
    source_unit = models.CharField(max_length=100, blank=True)
    source = models.JSONField(default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            models.Index(fields=["column", "state", "-published_at"], name="notice_column"),
            models.Index(
                fields=["-published_at"],
                name="notice_unit_wide",
                condition=Q(audience_all=True, state="published"),
            ),
            # The few pinned items (置顶), read on every portal home (queries.latest_for_reader).
            models.Index(
                fields=["-published_at"], name="notice_pinned", condition=Q(pinned=True, state="published")
            ),
            GinIndex(fields=["search_vector"], name="notice_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.identifier:
            self.identifier = uuid.uuid4().hex
        super().save(*args, **kwargs)


class NoticeRecipient(models.Model):
    """One person of a published item's audience, and whether (when) they read it (已读回执)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    remind_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once")]
        indexes = [
            models.Index(fields=["user", "notice"], name="notice_recipient_user"),
            models.Index(fields=["notice", "read_at"], name="notice_recipient_read"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}"


class NoticeFile(models.Model):
    """An attachment (附件), checked by the document intake checks and stored like theirs."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name
