from django.apps import AppConfig


class NiicConfig(AppConfig):
    name = "niic"
    verbose_name = "NIIC site"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
