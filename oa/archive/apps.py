from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "oa.archive"
    label = "archive"
    verbose_name = "档案"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The 借阅 flow calls back into this module at its approval step (oa/workflow/module_hooks.py).
        from oa.archive import notify, steps
        from oa.workflow import module_hooks

        module_hooks.register(steps.MODULE, steps.HOOKS)
        notify.register_kinds()
