from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        from . import schema_auth  # noqa: F401 - names the authentication schemes in the OpenAPI description
