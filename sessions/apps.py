from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    # django.contrib.sessions (which the admin needs) already owns the label "sessions".
    name = "sessions"
    label = "program"
    verbose_name = _("Program")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tracks.models import Conference
        from tracks.signals import program_changed

        from . import mirroring
        from .models import PanelMembership, Session

        # Editions that publish each change at once: their released copies follow every write
        # to the working program, in the writing transaction (sessions.released.mirror).
        for model in (Session, PanelMembership):
            post_save.connect(mirroring.session_written, sender=model)
            post_delete.connect(mirroring.session_written, sender=model)
        for name in ("topics", "languages", "interpretation_languages"):
            m2m_changed.connect(mirroring.relation_written, sender=getattr(Session, name).through)
        program_changed.connect(mirroring.written_in_bulk)
        post_save.connect(mirroring.edition_written, sender=Conference)

        # Speakers hear of what a release changed for them, once it commits.
        from . import notifications
        from .models import Release

        post_save.connect(notifications.release_saved, sender=Release)
