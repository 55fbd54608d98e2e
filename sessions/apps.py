from django.apps import AppConfig


class ProgramConfig(AppConfig):
    # django.contrib.sessions (which the admin needs) already owns the label "sessions".
    name = "sessions"
    label = "program"
    verbose_name = "Program"
