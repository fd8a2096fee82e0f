from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "oa.documents"
    label = "documents"
    verbose_name = "办文"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The 发文/收文 flows call back into this module at each step (oa/workflow/module_hooks.py).
        from oa.documents import steps
        from oa.workflow import module_hooks

        module_hooks.register(steps.MODULE, steps.HOOKS)
