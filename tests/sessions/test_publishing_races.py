"""Two organizers publishing clashing sessions at the same moment: at most one succeeds.

Each try starts two threads, each with its own database connection, released together by a
barrier; each publishes its session through the services. The room case and the speaker case
are tried 25 times each. PostgreSQL only: it is the database that runs writers in parallel (and
the production one); SQLite admits one writer at a time (settings: transaction_mode IMMEDIATE)."""

import threading

import pytest
from django.db import connection

from sessions import services
from sessions.models import Session
from tests.factories import (
    la_time,
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    seat,
)

TRIES = 25

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL; SQLite serializes every writer",
    ),
]


def clashing_drafts(kind):
    conference = make_conference()
    first_room, second_room = make_room(conference), make_room(conference)
    first = make_session(conference, title="First", room=first_room, status="draft")
    second = make_session(
        conference,
        title="Second",
        room=first_room if kind == "room" else second_room,
        status="draft",
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
    )
    if kind == "speaker":
        speaker = make_speaker(name="Eva Millona")
        seat(first, speaker)
        seat(second, speaker)
    return [first.pk, second.pk]


def publish_at_once(user, session_ids):
    barrier = threading.Barrier(len(session_ids))
    errors = []

    def publish(session_id):
        try:
            session = Session.objects.get(pk=session_id)
            barrier.wait(timeout=10)
            services.sessions_publish(user=user, sessions=[session])
        except services.Refused:
            pass  # the rules saw the other one: as it should be
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=[pk]) for pk in session_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.parametrize("kind", ["room", "speaker"])
def test_two_clashing_publishes_at_the_same_moment_never_both_commit(kind):
    organizer = make_organizer()
    session_ids = clashing_drafts(kind)
    double_bookings, published_once = 0, 0
    for _try in range(TRIES):
        Session.objects.filter(pk__in=session_ids).update(status=Session.Status.DRAFT)
        errors = publish_at_once(organizer, session_ids)
        assert errors == []
        published = Session.objects.filter(
            pk__in=session_ids, status=Session.Status.PUBLISHED
        ).count()
        double_bookings += published == 2
        published_once += published == 1
    assert (double_bookings, published_once) == (0, TRIES)
