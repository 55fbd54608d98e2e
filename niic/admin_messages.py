"""Django's admin messages that name a model ("The session “X” was changed successfully."),
listed so that our Spanish catalogue can say them without an article: Django's own Spanish
reads "El {name}", which is wrong for a feminine name such as "sesión" ("El sesión"). Our
catalogue (LOCALE_PATHS) is read before Django's, so these translations win."""

from django.utils.translation import gettext_noop

ADMIN_MESSAGES = [
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
]
