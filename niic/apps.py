from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The apps that hold the program. Everything they store may reach a public page or feed, and
# the program version is one for the whole site (every page is cached under it), so every
# write to them bumps it: listing models by hand would let a new one be forgotten. A track's
# chairs are the one thing written here that no page shows; a change to them costs one
# needless render of each page, which is rare and cheaper than a list to keep. A model written
# often that no page can show says so (shown_to_attendees = False: e-mail to speakers, uploads
# waiting for their confirmation), or each e-mail sent or sheet previewed would re-render the site.
PROGRAM_APPS = ["tracks", "program", "speakers"]


def program_models():
    """The program apps' models, without the history records django-simple-history writes
    beside every change (their model's own signal has bumped the version already), and
    without the sessions and panels: attendees read their released copies
    (sessions.released), whose writers send program_changed, so an edit of the working
    program leaves every cached page as it is until a release."""
    from simple_history.models import HistoricalChanges

    from sessions.released import VERSION_NOT_FOLLOWED_ROW_BY_ROW

    return [
        model
        for label in PROGRAM_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
        and model not in VERSION_NOT_FOLLOWED_ROW_BY_ROW
        and getattr(model, "shown_to_attendees", True)
    ]


def program_relations():
    """The through models of their many-to-many fields that have no model of their own (a
    session's panel goes through PanelMembership, whose own signals count)."""
    return [
        field.remote_field.through
        for model in program_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
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
        for model in program_models():
            post_save.connect(program_version.model_changed_receiver, sender=model)
            post_delete.connect(program_version.model_changed_receiver, sender=model)
        for through in program_relations():
            m2m_changed.connect(program_version.m2m_changed_receiver, sender=through)
        program_changed.connect(program_version.program_changed_receiver)
        post_import.connect(program_version.program_changed_receiver)


class ProgramAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the program's admin site (niic/admin_site.py)."""

    default = False  # NiicConfig is niic's own app; this one is named in INSTALLED_APPS
    default_site = "niic.admin_site.ProgramAdminSite"
