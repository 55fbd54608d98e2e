"""Editions, tracks, topics, rooms and languages: their changes, checked against the sessions
that use them."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .history import REASON_RESTORED

NOT_ALLOWED_TRACKS = _("You are not allowed to change tracks.")


def track_restore(*, user, record):
    """Bring a track back to a version in its history (organizers: tracks.change_track). A
    track's chairs are not part of its versions, so restoring never changes who chairs it."""
    if not (user.is_active and user.has_perm("tracks.change_track")):
        raise PermissionDenied(NOT_ALLOWED_TRACKS)
    track = record.instance
    track.full_clean()
    track._history_user = user
    track._change_reason = str(REASON_RESTORED)
    track.save()
    return track
