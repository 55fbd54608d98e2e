"""Changes to tracks that the admin's inherited pages make: restoring a stored version.
A track's chairs are not part of its versions, so restoring never changes who chairs it."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

NOT_ALLOWED = _("You are not allowed to change tracks.")


def track_restore(*, user, record):
    """Bring a track back to a version in its history (organizers: tracks.change_track)."""
    if not (user.is_active and user.has_perm("tracks.change_track")):
        raise PermissionDenied(NOT_ALLOWED)
    track = record.instance
    track.full_clean()
    track._history_user = user
    track._change_reason = str(_("Restored from an earlier version"))
    track.save()
    return track
