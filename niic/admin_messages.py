"""Django's admin messages that name a model ("The session “X” was changed successfully."),
listed so that our Spanish catalogue can say them without an article: Django's own Spanish
reads "El {name}", which is wrong for a feminine name such as "sesión" ("El sesión"). Our
catalogue (LOCALE_PATHS) is read before Django's, so these translations win.

Django 6.1's own Spanish also lacks a few strings of the admin's lists and forms (the action
button, the date filter, the empty choice of a select): listed below, so that the Spanish admin
has no English left in it."""

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

# Strings of Django 6.1 that its Spanish catalogue leaves untranslated.
UNTRANSLATED_BY_DJANGO = [
    gettext_noop("Run"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("- Select an option -"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Enter a new password for the user <strong>%(username)s</strong>."),
    gettext_noop("Your password has been set.  You may go ahead and log in now."),
]
