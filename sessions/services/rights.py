"""Who may change what: organizers act on every track, a track chair only on the sessions of the
tracks they chair."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from tracks.models import Track

from ..models import Session

NOT_YOUR_TRACK = _("You may change only the sessions of the tracks you chair.")
NO_TRACK_FOR_CHAIRS = _(
    "Choose one of the tracks you chair: only organizers handle sessions common to all tracks."
)
NOT_ALLOWED = _("You are not allowed to make this change.")


def is_organizer(user):
    """Organizers (and superusers) act on every track; anyone else at most on the tracks they
    chair."""
    return user.is_active and user.has_perm("tracks.change_track")


def chaired_track_ids(user):
    if not hasattr(user, "_chaired_track_ids"):
        user._chaired_track_ids = set(user.chaired_tracks.values_list("pk", flat=True))
    return user._chaired_track_ids


def editable_sessions(user):
    """The sessions this user may open and change in the admin."""
    sessions = Session.objects.all()
    if is_organizer(user):
        return sessions
    return sessions.filter(track__chairs=user)


def may_edit(user, session):
    """May `user` change `session` (as it is stored now, or, for a new one, as it is)?"""
    if not (user.is_active and user.is_staff):
        return False
    permission = "program.change_session" if session.pk else "program.add_session"
    if not user.has_perm(permission):
        return False
    return is_organizer(user) or session.track_id in chaired_track_ids(user)


def may_see(user, session):
    """Public sessions are anyone's to see; a draft only its editors'."""
    return session.is_public or may_edit(user, session)


def require_rights(user, session, original):
    """The user may change the session as stored and may give it the track it will have."""
    if original is not None and not may_edit(user, original):
        raise PermissionDenied(NOT_YOUR_TRACK)
    if not may_edit(user, session):
        if session.track_id is None and not is_organizer(user):
            raise PermissionDenied(NO_TRACK_FOR_CHAIRS)
        raise PermissionDenied(
            NOT_YOUR_TRACK if user.has_perm("program.change_session") else NOT_ALLOWED
        )


# Locks


def tracks_for(user):
    tracks = Track.objects.select_related("conference")
    return tracks if is_organizer(user) else tracks.filter(chairs=user)


def may_release(user):
    """Releasing speaks for the whole edition to attendees and apps: organizers only."""
    return is_organizer(user) and user.has_perm("program.add_release")


def may_act_as_speaker(user, speaker):
    """A speaker acts on their own profile and seats only, signed in with their own account;
    organizers may act for any speaker."""
    if not user.is_active:
        return False
    own = speaker.user_id is not None and speaker.user_id == user.pk
    return own or is_organizer(user)
