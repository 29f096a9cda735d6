from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo people, catalogue and applications for trying the service, and generated data for benchmarks."""

    name = "demo"
    verbose_name = "Demo data"
