from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    # django.contrib.sessions (which the admin needs) already owns the label "sessions".
    name = "sessions"
    label = "program"
    verbose_name = _("Program")
