"""The organizer roles, as Django groups: organizers, track chairs, and a translators' group
per site language. `manage.py setup_roles` creates or updates them;
running it again changes nothing."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from sessions.services.rights import translator_group_name

ORGANIZERS = "Organizers"
TRACK_CHAIRS = "Track chairs"
PROGRAM_GROUPS = [ORGANIZERS, TRACK_CHAIRS]

PROGRAM_APPS = ["tracks", "speakers", "program"]

# Track chairs add, edit, publish and cancel the sessions of their tracks (which ones is decided
# per object by SessionAdmin), manage those sessions' panels and add speakers. They delete no
# session, track, room or edition.
TRACK_CHAIR_PERMISSIONS = [
    "program.add_session",
    "program.change_session",
    "program.view_session",
    "program.view_historicalsession",
    "program.add_panelmembership",
    "program.change_panelmembership",
    "program.delete_panelmembership",
    "program.view_panelmembership",
    "program.view_room",
    "program.view_language",
    "speakers.add_speaker",
    "speakers.view_speaker",
    "speakers.add_organization",
    "speakers.view_organization",
    "tracks.view_conference",
    "tracks.view_track",
    "tracks.view_topic",
]
# Translators read the program; what they change (the texts of their language, nothing else) is
# decided per field by sessions.services.rights, not by Django's change permissions.
TRANSLATOR_PERMISSIONS = [
    "program.view_session",
    "program.view_panelmembership",
    "program.view_room",
    "program.view_language",
    "program.view_release",
    "speakers.view_speaker",
    "speakers.view_organization",
    "tracks.view_conference",
    "tracks.view_track",
    "tracks.view_topic",
]
# Organizers may do everything with the program, and create the accounts they hand tracks to.
ORGANIZER_EXTRA_PERMISSIONS = [
    "auth.add_user",
    "auth.change_user",
    "auth.view_user",
    "auth.view_group",
]


def permissions(dotted_names):
    wanted = Q()
    for dotted in dotted_names:
        app_label, codename = dotted.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(wanted))
    if len(found) != len(dotted_names):
        missing = set(dotted_names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"Unknown permissions: {', '.join(sorted(missing))}. Run migrate first.")
    return found


def setup_roles():
    organizers, _ = Group.objects.get_or_create(name=ORGANIZERS)
    organizers.permissions.set(
        [
            *Permission.objects.filter(content_type__app_label__in=PROGRAM_APPS),
            *permissions(ORGANIZER_EXTRA_PERMISSIONS),
        ]
    )
    chairs, _ = Group.objects.get_or_create(name=TRACK_CHAIRS)
    chairs.permissions.set(permissions(TRACK_CHAIR_PERMISSIONS))
    for code, _name in settings.LANGUAGES:
        translator_group(code)
    return organizers, chairs


def translator_group(code):
    """The group "Translators (<code>)" of a site language, created or brought up to date."""
    if code not in dict(settings.LANGUAGES):
        raise LookupError(f"{code} is not a site language (settings.LANGUAGES).")
    group, _ = Group.objects.get_or_create(name=translator_group_name(code))
    group.permissions.set(permissions(TRANSLATOR_PERMISSIONS))
    return group
