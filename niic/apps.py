from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NiicConfig(AppConfig):
    name = "niic"
    verbose_name = _("NIIC site")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
