from __future__ import annotations

from django.conf import settings
from django.db import models


class Account(models.Model):
    """Per-user security state and display name, in the user's own schema."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    display_name = models.CharField(max_length=64)
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name


class PasswordHistory(models.Model):
    """Hashes of earlier passwords, so a changed password cannot be an old one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"password history of user {self.user_id}"


class ApiToken(models.Model):
    """A token for integrations. Only its SHA-256 digest is stored; it is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """One write: who, when, what. Rows cannot be updated or deleted (a trigger refuses it)."""

    # No database constraint: the trail must outlive the account and is never rewritten.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so the trail still reads after an account is renamed or removed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class LoginThrottle(models.Model):
    """Failed sign-ins per (username, client IP), and per username from every IP (ip = "").

    A stranger's failures lock only their own (username, IP) pair, so nobody can lock the
    administrator out from elsewhere; the per-username row only slows guessing spread over
    many addresses (a backoff capped at OA_LOGIN_BACKOFF_MAX_SECONDS). Keyed by the typed
    username, so an unknown name is throttled exactly like a real one.
    """

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="login_throttle_unique")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip or '*'}: {self.failures}"
