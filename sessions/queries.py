"""Named queries for the program pages: views call these instead of building joins."""

from itertools import groupby

from django.db.models import Count, Q

from tracks.models import Track

from .models import Session


def tracks_with_public_session_counts(conference):
    return (
        Track.objects.filter(conference=conference)
        .prefetch_related("topics")
        .annotate(
            public_session_count=Count(
                "sessions", filter=Q(sessions__status__in=Session.PUBLIC_STATUSES)
            )
        )
    )


def sessions_by_day(cards):
    """[(date, [cards])], the date in each session's own edition time zone."""
    return [(day, list(group)) for day, group in groupby(cards, key=lambda card: card.day)]


def agenda_by_day(sessions):
    """Like sessions_by_day, marking each card that overlaps another chosen one."""
    sessions = sorted(sessions, key=lambda session: session.starts_at)
    for session in sessions:
        session.overlaps = [
            other.title
            for other in sessions
            if other is not session
            and other.status == Session.Status.PUBLISHED
            and session.status == Session.Status.PUBLISHED
            and other.starts_at < session.ends_at
            and other.ends_at > session.starts_at
        ]
    return sessions_by_day(sessions)
