"""Writes about speakers that have rules of their own."""

from django.db import transaction

FIELDS_TO_FILL = ["pronouns", "job_title", "organization", "bio", "photo", "website"]


@transaction.atomic
def speakers_merge(*, keep, duplicates):
    """Merge duplicate records of one person into `keep`: every panel seat of every duplicate
    moves over (where both sat on the same panel, the seat already kept stays), empty fields of
    `keep` are filled from the duplicates, then the duplicates are deleted."""
    kept_sessions = set(keep.panel_memberships.values_list("session_id", flat=True))
    for duplicate in duplicates:
        for seat in duplicate.panel_memberships.all():
            if seat.session_id in kept_sessions:
                seat.delete()
                continue
            seat.speaker = keep
            seat.save()
            kept_sessions.add(seat.session_id)
        for field in FIELDS_TO_FILL:
            if not getattr(keep, field) and getattr(duplicate, field):
                setattr(keep, field, getattr(duplicate, field))
    keep.full_clean()
    keep.save()
    for duplicate in duplicates:
        duplicate.delete()
    return keep
