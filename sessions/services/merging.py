"""Merging the duplicate records of one person into one speaker."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker

from .. import rules, texts
from ..models import PanelMembership, Session
from .history import REASON_SPEAKERS_MERGED, Related
from .locks import lock_schedule
from .rights import NOT_ALLOWED
from .session import _write

NOT_ALLOWED_SPEAKERS = _("You are not allowed to change speakers.")


# Fields of the kept record that a merge fills from the duplicates when it has none.
MERGED_FIELDS = ["pronouns", "job_title", "organization", "bio", "photo", "website"]


def speakers_merge(*, user, keep, duplicates):
    """Merge duplicate records of one person into `keep`: every panel seat of every duplicate
    moves over (where both sat on the same panel, the seat already kept stays), empty fields of
    `keep` are filled from the duplicates, then the duplicates are deleted. Refused if the person
    would then sit on two overlapping published sessions."""
    if not (user.has_perm("speakers.change_speaker") and user.has_perm("speakers.delete_speaker")):
        raise PermissionDenied(NOT_ALLOWED)
    duplicates = [duplicate for duplicate in duplicates if duplicate.pk != keep.pk]
    with transaction.atomic():
        everyone = [keep, *duplicates]
        lock_schedule(speaker_ids=[speaker.pk for speaker in everyone])
        seats = list(
            PanelMembership.objects.filter(speaker__in=everyone)
            .select_related("session__conference", "speaker")
            .order_by("session__starts_at", "pk")
        )
        published = {
            seat.session_id: seat.session
            for seat in seats
            if seat.session.status == Session.Status.PUBLISHED
        }
        # Once merged, the person would sit on each of these published sessions: the later
        # of two that overlap is refused as any panel would be.
        clashes = []
        ordered = sorted(published.values(), key=lambda session: (session.starts_at, session.pk))
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if rules.overlaps(first.starts_at, first.ends_at, second.starts_at, second.ends_at):
                    clashes.append(rules.speaker_taken(keep, first))
        if clashes:
            raise ValidationError(clashes)
        kept_sessions = {seat.session_id for seat in seats if seat.speaker_id == keep.pk}
        touched = set()
        for seat in seats:
            if seat.speaker_id == keep.pk:
                continue
            seat._history_user = user
            seat._change_reason = str(REASON_SPEAKERS_MERGED)
            touched.add(seat.session_id)
            if seat.session_id in kept_sessions:
                seat.delete()
                continue
            seat.speaker = keep
            seat.save()
            kept_sessions.add(seat.session_id)
        for duplicate in duplicates:
            for name in MERGED_FIELDS:
                if not getattr(keep, name) and getattr(duplicate, name):
                    setattr(keep, name, getattr(duplicate, name))
        keep.full_clean(exclude=texts.translated_fields(Speaker))
        keep._history_user = user
        keep.save()
        for duplicate in duplicates:
            duplicate._history_user = user
            duplicate.delete()
        for session in Session.objects.filter(pk__in=touched):
            # A new version of each session whose panel changed, with the panel it now has.
            _write(user, session, Related(), REASON_SPEAKERS_MERGED)
    return keep
