from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# Every model whose rows reach a public page or feed, as app_label.ModelName.
PROGRAM_MODELS = [
    "tracks.Conference",
    "tracks.Track",
    "tracks.Topic",
    "program.Room",
    "program.Language",
    "program.Session",
    "program.PanelMembership",
    "program.Release",  # the change log, its feed and the exports' version
    "speakers.Speaker",
    "speakers.Organization",
]
# Their many-to-many fields that a public page shows (a track's chairs are not shown).
PROGRAM_RELATIONS = [
    ("program.Session", "topics"),
    ("program.Session", "languages"),
    ("program.Session", "interpretation_languages"),
]


class NiicConfig(AppConfig):
    name = "niic"
    verbose_name = _("NIIC site")

    def ready(self):
        from import_export.signals import post_import

        from tracks.signals import program_changed

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            program_version,
        )

        # The apps know nothing of caching; the site bumps the program version whenever one
        # of them writes something the public sees.
        for label in PROGRAM_MODELS:
            model = apps.get_model(label)
            post_save.connect(program_version.model_changed_receiver, sender=model)
            post_delete.connect(program_version.model_changed_receiver, sender=model)
        for label, field in PROGRAM_RELATIONS:
            through = getattr(apps.get_model(label), field).through
            m2m_changed.connect(program_version.m2m_changed_receiver, sender=through)
        program_changed.connect(program_version.program_changed_receiver)
        post_import.connect(program_version.program_changed_receiver)


class ProgramAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the program's admin site (niic/admin_site.py)."""

    default = False  # NiicConfig is niic's own app; this one is named in INSTALLED_APPS
    default_site = "niic.admin_site.ProgramAdminSite"
