"""A spreadsheet import confirmed at the moment another organizer moves or publishes a session:
the other change is kept or the import refused, never silently undone, and no speaker ends up
on two published sessions at once.

Each try reads the file first (as its preview did), then starts two threads, each with its own
database connection, released together by a barrier. PostgreSQL only: it is the database that
runs writers in parallel; SQLite admits one writer at a time."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from sessions import services
from sessions.importing import read_dataset, read_rows
from sessions.models import Session, StaleSessionError
from tests.factories import (
    la_time,
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    seat,
)

TRIES = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL; SQLite serializes every writer",
    ),
]


def at_once(*actions):
    """Run the actions in two threads released together; {index: True if it was saved}."""
    barrier = threading.Barrier(len(actions))
    saved, errors = {}, []

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            saved[index] = action()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=[index, action]) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return saved


def read_file(content):
    """The file's rows and the versions its preview recorded."""
    rows = read_rows(read_dataset(content.encode(), "program.csv"))
    return rows, {row.original.pk: row.original.version for row in rows if row.original}


def importing(user, content):
    rows, versions = read_file(content)

    def confirm():
        done = services.sessions_import(user=user, rows=rows, versions=versions)
        return not any(row.errors for row in done)

    return confirm


def test_an_import_and_a_board_move_at_once_never_undo_the_move():
    organizer, mover = make_organizer(), make_organizer(username="mover")
    conference = make_conference()
    first_room, second_room = make_room(conference), make_room(conference)
    session = make_session(conference, title="Building coalitions", room=first_room)
    outcomes = []
    for number in range(TRIES):
        Session.objects.filter(pk=session.pk).update(room=first_room, title_en="Before")
        # The file has the room as it was read: written back blindly, it would undo the move.
        content = (
            "edition,slug,title_en,room\n"
            f"{conference.slug},{session.slug},Imported {number},{first_room.slug}\n"
        )
        confirm = importing(organizer, content)
        moved = Session.objects.get(pk=session.pk)

        def move(moved=moved):
            try:
                services.session_move(
                    user=mover,
                    session=moved,
                    room=second_room,
                    starts_at=moved.starts_at,
                    ends_at=moved.ends_at,
                )
            except (StaleSessionError, ValidationError):
                return False
            return True

        saved = at_once(confirm, move)
        now = Session.objects.get(pk=session.pk)
        outcomes.append((saved[0], saved[1], now.title_en, now.room_id))
    kept = [
        (imported, moved_ok)
        for imported, moved_ok, title, room in outcomes
        if (
            (imported, moved_ok) == (True, False)
            and room == first_room.pk
            and title.startswith("Imported")
        )
        or ((imported, moved_ok) == (False, True) and (room, title) == (second_room.pk, "Before"))
    ]
    assert len(kept) == TRIES, outcomes


def test_an_import_publishing_and_a_publish_at_once_never_double_book_a_speaker():
    organizer, publisher = make_organizer(), make_organizer(username="publisher")
    conference = make_conference()
    speaker = make_speaker(name="Eva Millona")
    imported = make_session(
        conference, title="Imported", room=make_room(conference), status="draft"
    )
    published = make_session(
        conference,
        title="Published",
        room=make_room(conference),
        status="draft",
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
    )
    seat(imported, speaker)
    seat(published, speaker)
    # No panel column: the speakers the import publishes are the session's panel as stored.
    content = f"edition,slug,status\n{conference.slug},{imported.slug},published\n"
    double_bookings, published_once = 0, 0
    for _try in range(TRIES):
        Session.objects.filter(pk__in=[imported.pk, published.pk]).update(status="draft")
        confirm = importing(organizer, content)
        other = Session.objects.get(pk=published.pk)

        def publish(other=other):
            try:
                services.sessions_publish(user=publisher, sessions=[other])
            except services.Refused:
                return False
            return True

        at_once(confirm, publish)
        count = Session.objects.filter(
            pk__in=[imported.pk, published.pk], status=Session.Status.PUBLISHED
        ).count()
        double_bookings += count == 2
        published_once += count == 1
    assert (double_bookings, published_once) == (0, TRIES)
