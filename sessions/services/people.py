"""Speakers and organizations: their changes, checked against the panels they sit on."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .history import REASON_RESTORED

NOT_ALLOWED_SPEAKERS = _("You are not allowed to change speakers.")


def speaker_restore(*, user, record):
    """Bring a speaker back to a version in its history (organizers: speakers.change_speaker)."""
    if not (user.is_active and user.has_perm("speakers.change_speaker")):
        raise PermissionDenied(NOT_ALLOWED_SPEAKERS)
    speaker = record.instance
    speaker.full_clean()
    speaker._history_user = user
    speaker._change_reason = str(REASON_RESTORED)
    speaker.save()
    return speaker
