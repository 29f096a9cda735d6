from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from leo_access import warmup

        from . import signals  # noqa: F401
        from .warmup import catalogue_and_readers

        warmup.register(catalogue_and_readers, kinds=(warmup.WORKER,))
