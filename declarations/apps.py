from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
