"""Releasing the program: a preview of what changed, then the release; later, its name and
note corrected."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracks.models import Conference

from .. import releases
from ..models import Release
from .rights import may_release

RELEASE_ORGANIZERS_ONLY = _("Only organizers may release the program.")
RELEASE_CHANGE_ORGANIZERS_ONLY = _("Only organizers may change a release's name or note.")
NOTHING_TO_RELEASE = _(
    "Nothing attendees can see has changed since “%(previous)s”: there is nothing to release."
)
NOTHING_PUBLISHED = _("This edition has no published session yet: there is nothing to release.")


def release_preview(*, user, conference):
    """(the edition's latest release or None, what a release now would list as changed)."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    previous = conference.releases.order_by("-number").first()
    snapshot = releases.program_snapshot(conference)
    return previous, releases.changes_between(previous and previous.snapshot, snapshot)


def program_release(*, user, conference, name, note=""):
    """Release the edition's public program as it now stands, named `name` (e.g. "v3") with a
    public `note`: the release freezes the program and lists what changed since the edition's
    previous release. Refused when nothing attendees can see has changed. Returns the Release."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    with transaction.atomic():
        # One release of an edition at a time: the edition's row is locked on PostgreSQL (on
        # SQLite the transaction already holds the only write lock), so that two organizers
        # releasing at once cannot both compare against the same previous release.
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        previous = conference.releases.order_by("-number").first()
        snapshot = releases.program_snapshot(conference)
        changes = releases.changes_between(previous and previous.snapshot, snapshot)
        if previous is None and not snapshot:
            raise ValidationError(NOTHING_PUBLISHED)
        if not releases.has_changes(changes):
            raise ValidationError(NOTHING_TO_RELEASE % {"previous": previous.name})
        release = Release(
            conference=conference,
            number=previous.number + 1 if previous else 1,
            name=name.strip(),
            note=note.strip(),
            released_by=user,
            released_at=timezone.now(),
            snapshot=snapshot,
            changes=changes,
        )
        release.full_clean()
        release.save()
    return release


def next_release_name(conference):
    """The name a release would take by default: v1, v2, …"""
    last = conference.releases.order_by("-number").values_list("number", flat=True).first()
    return f"v{(last or 0) + 1}"


def release_change(*, user, release, name, note):
    """Give a release a new name and note (a typo, a note that says too little or too much):
    what it froze and what it lists as changed stay as they were. Organizers only, as for
    releasing. Returns the Release as saved; the public change log, its feed and the exports
    show the new texts from the next request (saving a release bumps the program version)."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_CHANGE_ORGANIZERS_ONLY)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release.pk)
        release.name = name.strip()
        release.note = note.strip()
        release.full_clean()
        release.save(update_fields=["name", "note"])
    return release
