from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "oa.notices"
    label = "notices"
    verbose_name = "信息发布"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A column's approval flow (信息审批) calls back into this module (oa/workflow/module_hooks.py).
        from oa.notices import approval, portal
        from oa.workflow import module_hooks

        module_hooks.register(approval.MODULE, approval.HOOKS)
        # The latest items on the portal home (oa/portal/sections.py).
        portal.register()
