from django.apps import AppConfig


class StatsConfig(AppConfig):
    """The provider's statistics (平台统计): daily roll-ups per unit in the public schema."""

    name = "stats"
    verbose_name = "平台统计"

    def ready(self) -> None:
        from stats import events

        events.connect()
