from django.apps import AppConfig


class LeoAccessConfig(AppConfig):
    name = "leo_access"
    verbose_name = "LEO Access"
