from django.apps import AppConfig


class LeoAccessConfig(AppConfig):
    name = "leo_access"
    verbose_name = "LEO Access"

    def ready(self):
        from . import second_factor  # noqa: F401 - records the second factor proved when one is added
        from .audit import receivers  # noqa: F401 - connects the audit log's signal receivers
        from .logs import configure_structlog

        configure_structlog()
