from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API layer. It has no models; `ready` installs the shared input validation on DRF's
    fields (api.validation), so every serializer of every module gets it."""

    name = "api"
    label = "api"

    def ready(self) -> None:
        from api import validation

        validation.install()
