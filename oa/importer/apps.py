from django.apps import AppConfig


class ImporterConfig(AppConfig):
    name = "oa.importer"
    label = "importer"
    verbose_name = "历史数据导入"
    default_auto_field = "django.db.models.BigAutoField"
