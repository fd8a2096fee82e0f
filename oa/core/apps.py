from django.apps import AppConfig


class CoreConfig(AppConfig):
    # Installed in both the public schema (provider accounts) and every unit's schema
    # (unit accounts): account security, API tokens and the audit trail (ADR 0004).
    name = "oa.core"
    label = "core"
    verbose_name = "Accounts security and audit"
