from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    # Public schema: the city-wide hub every unit sends through (ARCHITECTURE §6).
    name = "exchange"
    label = "exchange"
    verbose_name = "公文交换"
    default_auto_field = "django.db.models.BigAutoField"
