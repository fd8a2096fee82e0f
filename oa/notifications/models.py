from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """One notification (消息提醒) for one person: written by notify(), never edited except
    for read_at. The unread count and both list filters are served by the three indexes."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # Where the portal takes the reader (a route of the SPA, e.g. /workflow/tasks/12).
    link = models.CharField(max_length=500, blank=True)
    # What the notification is about, as "<app_label.model>" and its id (no FK: any module).
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                name="notif_recipient_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "kind", "-created_at", "-id"], name="notif_recipient_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class NotificationPreference(models.Model):
    """A person's choice for one kind: a row exists only when it differs from the default (on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {'on' if self.enabled else 'off'}"
