from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"

    def ready(self):
        from leo_access import warmup

        from . import signals  # noqa: F401 - connects the receivers
        from .warmup import signed_declaration

        warmup.register(signed_declaration, kinds=(warmup.WORKER,))
