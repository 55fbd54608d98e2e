from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NiicConfig(AppConfig):
    name = "niic"
    verbose_name = _("NIIC site")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)


class ProgramAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the program's admin site (niic/admin_site.py)."""

    default = False  # NiicConfig is niic's own app; this one is named in INSTALLED_APPS
    default_site = "niic.admin_site.ProgramAdminSite"
