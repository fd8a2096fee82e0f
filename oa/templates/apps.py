from django.apps import AppConfig


class UnitTemplatesConfig(AppConfig):
    # A unit's own copies of library templates (its schema). The label keeps the table
    # names clear of Django's "templates" and of the library's tables.
    name = "oa.templates"
    label = "unit_templates"
    verbose_name = "Unit templates (本单位模板)"
