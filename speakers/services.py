"""Changes to speakers that the admin's inherited pages make: restoring a stored version.
Merging duplicates depends on the program's rules and lives in sessions.services."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

NOT_ALLOWED = _("You are not allowed to change speakers.")


def speaker_restore(*, user, record):
    """Bring a speaker back to a version in its history (organizers: speakers.change_speaker)."""
    if not (user.is_active and user.has_perm("speakers.change_speaker")):
        raise PermissionDenied(NOT_ALLOWED)
    speaker = record.instance
    speaker.full_clean()
    speaker._history_user = user
    speaker._change_reason = str(_("Restored from an earlier version"))
    speaker.save()
    return speaker
