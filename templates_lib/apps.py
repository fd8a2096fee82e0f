from django.apps import AppConfig


class TemplatesLibConfig(AppConfig):
    # Public schema: the city-wide library that every unit's templates are copied from.
    name = "templates_lib"
    label = "templates_lib"
    verbose_name = "Template library (模板库)"
