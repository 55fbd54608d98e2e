"""Small builders for test data: each makes one valid object and takes overrides."""

import datetime
import itertools
import zoneinfo

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User

from niic.roles import ORGANIZERS, TRACK_CHAIRS, setup_roles
from sessions.models import PanelMembership, Room, Session
from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track


class QuickPasswordHasher(PBKDF2PasswordHasher):
    """Django's own PBKDF2 with few rounds, for tests (tests/conftest.py): the real count makes
    each password take a third of a second. The rounds are written in the hash, so an app
    server a test starts, with the site's own hashers, still reads the passwords made here."""

    iterations = 1_000


LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
_numbers = itertools.count(1)


def la_time(day, clock):
    """An aware datetime on December `day`, 2014, at `clock` in Los Angeles."""
    return datetime.datetime.combine(
        datetime.date(2014, 12, day), datetime.time.fromisoformat(clock), tzinfo=LOS_ANGELES
    )


def make_conference(**overrides):
    """An edition that publishes each change at once, so that a test of a page sees what it
    just wrote; the release step is tested with editions made with publishes_at_once=False
    (tests/sessions/test_released_program.py)."""
    number = next(_numbers)
    values = {
        "name": "National Immigrant Integration Conference",
        "short_name": "NIIC",
        "ordinal": 7,
        "year": 2014,
        "slug": f"niic-test-{number}",
        "city": "Los Angeles, California",
        "start_date": datetime.date(2014, 12, 14),
        "end_date": datetime.date(2014, 12, 16),
        "time_zone": "America/Los_Angeles",
        "organizer": "National Partnership for New Americans",
        "publishes_at_once": True,
    }
    values.update(overrides)
    return Conference.objects.create(**values)


def publishing_at_once(conference):
    """`conference` (as load_niic left it) publishing each change at once, without the first
    release load_niic made: a test sees on the pages what it writes, and a test of releases
    makes its own."""
    conference.releases.all().delete()
    conference.publishes_at_once = True
    conference.save(update_fields=["publishes_at_once"])
    return conference


def make_track(conference, **overrides):
    number = next(_numbers)
    values = {"name": f"Track {number}", "slug": f"track-{number}", "order": number}
    values.update(overrides)
    return Track.objects.create(conference=conference, **values)


def make_topic(track, **overrides):
    number = next(_numbers)
    values = {"name": f"Topic {number}", "slug": f"topic-{number}"}
    values.update(overrides)
    return Topic.objects.create(track=track, **values)


def make_room(conference, **overrides):
    number = next(_numbers)
    values = {"name": f"Room {number}", "slug": f"room-{number}", "order": number}
    values.update(overrides)
    return Room.objects.create(conference=conference, **values)


def make_speaker(**overrides):
    number = next(_numbers)
    values = {"name": f"Speaker {number}", "slug": f"speaker-{number}"}
    values.update(overrides)
    return Speaker.objects.create(**values)


def make_organization(**overrides):
    number = next(_numbers)
    values = {"name": f"Organization {number}", "slug": f"organization-{number}"}
    values.update(overrides)
    return Organization.objects.create(**values)


def make_session(conference, **overrides):
    number = next(_numbers)
    values = {
        "title": f"Session {number}",
        "slug": f"session-{number}",
        "starts_at": la_time(15, "10:00"),
        "ends_at": la_time(15, "11:15"),
        "status": Session.Status.PUBLISHED,
    }
    values.update(overrides)
    return Session.objects.create(conference=conference, **values)


def seat(session, speaker, role=PanelMembership.Role.PANELIST, order=0):
    return PanelMembership.objects.create(session=session, speaker=speaker, role=role, order=order)


def make_user(group_name, **overrides):
    number = next(_numbers)
    values = {"username": f"user-{number}", "is_staff": True}
    values.update(overrides)
    user = User.objects.create_user(**values)
    organizers, chairs = setup_roles()
    user.groups.add(organizers if group_name == ORGANIZERS else chairs)
    return user


def make_organizer(**overrides):
    return make_user(ORGANIZERS, **overrides)


def make_chair(*tracks, **overrides):
    chair = make_user(TRACK_CHAIRS, **overrides)
    for track in tracks:
        track.chairs.add(chair)
    return chair
