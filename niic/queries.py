"""Named queries for the site-wide pages (speakers, organizations, home). A speaker or an
organization is public only through a public session: drafts never surface here."""

from django.utils import timezone

from sessions import released
from speakers.models import Organization, Speaker


def public_seats():
    return released.seats()


def public_speakers():
    return Speaker.objects.filter(pk__in=public_seats().values("speaker_id")).select_related(
        "organization"
    )


def public_organizations():
    return Organization.objects.filter(pk__in=public_speakers().values("organization_id"))


def seats_with_sessions(seats):
    return seats.select_related(
        "speaker", "session__conference", "session__room", "session__track"
    ).order_by(
        "-session__conference__start_date", "session__starts_at", "session__title", "speaker__name"
    )


def speaker_seats(slug):
    """Every public seat of the speaker with this slug, across editions, with its session and
    the speaker (and organization): all the speaker's page shows, in one query. No seat for
    a speaker who is not public (public_speakers: only a public seat makes one public)."""
    return seats_with_sessions(public_seats().filter(speaker__slug=slug)).select_related(
        "speaker__organization"
    )


def organization_people(organization):
    return public_speakers().filter(organization=organization)


def organization_seats(organization):
    return seats_with_sessions(public_seats().filter(speaker__organization=organization))


def organization_sessions(organization):
    """[(session, [seats of the organization's people on it])]: each session once, however
    many of the organization's people sit on its panel. One query."""
    sessions = {}
    for seat in organization_seats(organization).order_by(
        "-session__conference__start_date", "session__starts_at", "session__title", "order"
    ):
        sessions.setdefault(seat.session_id, (seat.session, []))[1].append(seat)
    return list(sessions.values())


def happening_now_and_next(conference):
    """While the edition is on: what is running now and what starts next (its own clock)."""
    now = timezone.now()
    if not (conference.opens_at() <= now < conference.closes_at()):
        return [], []
    sessions = (
        released.sessions().published().for_edition(conference).select_related("track", "room")
    )
    running = list(sessions.filter(starts_at__lte=now, ends_at__gt=now))
    upcoming = sessions.filter(starts_at__gt=now).order_by("starts_at")
    first_upcoming = upcoming.first()
    next_up = list(upcoming.filter(starts_at=first_upcoming.starts_at)) if first_upcoming else []
    return running, next_up
