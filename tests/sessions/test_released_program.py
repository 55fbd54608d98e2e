"""Attendees see the released program; organizers work on the next one.

An edition behind the release step (publishes_at_once=False) is released as v1; then each kind
of change is made through the door, as organizers make it, and every public output (pages,
search, calendars, exports, sitemap, change log, feeds) must read exactly as before, byte for
byte, rendered afresh; after the next release, they show the change."""

import datetime
import re
import threading

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client

from niic.middleware import page_memory
from sessions.models import PublicSession, Release, Session
from sessions.services import (
    program_release,
    release_withdraw,
    session_delete,
    session_move,
    session_save,
)
from sessions.services.history import Related, Seat
from speakers.models import Speaker
from tests.factories import (
    la_time,
    make_conference,
    make_organization,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)

CHANGE_LOG_OUTPUTS = {"change-log", "change-feed", "changes-json"}


@pytest.fixture
def program(db, organizer):
    """A gated edition released as v1: Civic Voices (published, Ana on its panel) in the hall,
    and a draft."""
    conference = make_conference(slug="gated", publishes_at_once=False, is_current=True)
    track = make_track(conference, slug="rights", name="Rights")
    topic = make_topic(track, slug="voting", name="Voting")
    hall = make_room(conference, slug="hall", name="Hall")
    make_room(conference, slug="annex", name="Annex")
    organization = make_organization(slug="civic-org", name="Civic Org")
    ana = make_speaker(slug="ana-ruiz", name="Ana Ruiz", organization=organization)
    make_speaker(slug="ben-ode", name="Ben Ode", organization=organization)
    civic = make_session(conference, slug="civic", title="Civic Voices", track=track, room=hall)
    civic.topics.add(topic)
    seat(civic, ana)
    make_session(
        conference,
        slug="draft-panel",
        title="Draft Panel",
        track=track,
        room=hall,
        starts_at=la_time(15, "14:00"),
        ends_at=la_time(15, "15:00"),
        status=Session.Status.DRAFT,
    )
    program_release(user=organizer, conference=conference, name="v1")
    # The agenda asks for every session by id, whatever becomes of them.
    conference.agenda = ",".join(str(pk) for pk in Session.objects.values_list("pk", flat=True))
    return conference


def outputs(conference):
    """{output: path} of every public output that shows the edition's sessions."""
    edition = f"/en/editions/{conference.slug}"
    ids = conference.agenda
    return {
        "home": "/en/",
        "edition-home": f"{edition}/",
        "schedule-day": f"{edition}/schedule/?day=2014-12-15",
        "whole-program": f"{edition}/program/",
        "track": f"{edition}/tracks/rights/",
        "topic": f"{edition}/tracks/rights/voting/",
        "room-hall": f"{edition}/rooms/hall/",
        "room-annex": f"{edition}/rooms/annex/",
        "session": f"{edition}/sessions/civic/",
        "new-session": f"{edition}/sessions/draft-panel/",
        "speaker-ana": "/en/speakers/ana-ruiz/",
        "speaker-ben": "/en/speakers/ben-ode/",
        "speakers": "/en/speakers/",
        "organization": "/en/organizations/civic-org/",
        "search": "/en/search/?q=civic",
        "search-draft": "/en/search/?q=draft",
        "agenda": f"/en/agenda/?sessions={ids}",
        "edition-calendar": f"{edition}/schedule.ics",
        "track-calendar": f"{edition}/tracks/rights/calendar.ics",
        "session-calendar": f"{edition}/sessions/civic/calendar.ics",
        "speaker-calendar": "/en/speakers/ana-ruiz/calendar.ics",
        "agenda-calendar": f"/en/agenda.ics?sessions={ids}",
        "schedule-xml": f"{edition}/schedule.xml",
        "schedule-json": f"{edition}/schedule.json",
        "schedule-xcal": f"{edition}/schedule.xcs",
        "schedule-csv": f"{edition}/schedule.csv",
        "sitemap": "/en/sitemap.xml",
        "change-log": f"{edition}/changes/",
        "change-feed": f"{edition}/changes.atom",
        "changes-json": "/en/changes.json",
    }


def everything_public(conference):
    """{output: (status, body)} as an anonymous visitor gets them, each rendered afresh."""
    cache.clear()
    page_memory.clear()
    visitor = Client()
    seen = {}
    for name, path in outputs(conference).items():
        response = visitor.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[name] = (response.status_code, without_file_stamps(body))
    return seen


def without_file_stamps(body):
    """The body without the moment a calendar file was made (its DTSTAMP is the clock's)."""
    body = re.sub(rb"DTSTAMP:[0-9TZ]+", b"DTSTAMP:", body)
    return re.sub(rb"<dtstamp>.*?</dtstamp>", b"<dtstamp/>", body, flags=re.S)


def differing(before, after, ignore=()):
    return sorted(name for name in before if name not in ignore and before[name] != after[name])


def civic():
    return Session.objects.get(slug="civic")


def retitle(user):
    session = civic()
    session.title = "Civic Voices, Renamed"
    session_save(user=user, session=session)


def move_in_time(user):
    session = civic()
    session_move(
        user=user,
        session=session,
        room=session.room,
        starts_at=session.starts_at + datetime.timedelta(minutes=30),
        ends_at=session.ends_at + datetime.timedelta(minutes=30),
    )


def move_to_another_room(user):
    session = civic()
    annex = session.conference.rooms.get(slug="annex")
    session_move(
        user=user, session=session, room=annex, starts_at=session.starts_at, ends_at=session.ends_at
    )


def change_the_panel(user):
    session = civic()
    ben = Speaker.objects.get(slug="ben-ode")
    session_save(user=user, session=session, related=Related(panel=[Seat(speaker=ben)]))


def cancel(user):
    session = civic()
    session.status = Session.Status.CANCELLED
    session.cancellation_note = "Join the plenary instead."
    session_save(user=user, session=session)


def publish_a_new_session(user):
    session = Session.objects.get(slug="draft-panel")
    session.status = Session.Status.PUBLISHED
    session_save(user=user, session=session)


def return_to_draft(user):
    session = civic()
    session.status = Session.Status.DRAFT
    session_save(user=user, session=session)


def delete(user):
    session_delete(user=user, session=civic())


CHANGES = [
    retitle,
    move_in_time,
    move_to_another_room,
    change_the_panel,
    cancel,
    publish_a_new_session,
    return_to_draft,
    delete,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_after_a_release_waits_for_the_next_one(program, organizer, change):
    released_v1 = everything_public(program)
    assert released_v1["session"][0] == 200

    change(organizer)

    assert differing(released_v1, everything_public(program)) == []

    program_release(user=organizer, conference=program, name="v2")
    released_v2 = everything_public(program)
    changed = differing(released_v1, released_v2)
    # Every output that lists the edition's sessions shows the change, and says v2.
    for output in ("schedule-json", "schedule-xml", "edition-calendar", "schedule-csv"):
        assert output in changed, output
    assert b'"version":"v2"' in released_v2["schedule-json"][1]
    assert set(CHANGE_LOG_OUTPUTS) <= set(changed)


def test_releasing_shows_what_changed_in_each_output(program, organizer):
    retitle(organizer)
    assert b"Renamed" not in everything_public(program)["session"][1]
    program_release(user=organizer, conference=program, name="v2")
    after = everything_public(program)
    for output in ("session", "schedule-day", "whole-program", "track", "speaker-ana",
                   "organization", "schedule-json", "edition-calendar", "change-log"):  # fmt: skip
        assert b"Renamed" in after[output][1], output


def test_a_draft_published_after_the_release_is_on_no_public_output(program, organizer):
    publish_a_new_session(organizer)
    seen = everything_public(program)
    assert seen["new-session"][0] == 404
    for output, (_status, body) in seen.items():
        assert b"Draft Panel" not in body, output


def test_staff_preview_the_working_program_and_attendees_still_get_the_release(program, organizer):
    retitle(organizer)
    staff = Client()
    staff.force_login(organizer)
    path = outputs(program)["session"]

    preview = staff.get(path)
    assert b"Civic Voices, Renamed" in preview.content
    assert b"Preview:" in preview.content
    assert b"1 change not yet released" in preview.content
    assert "no-store" in preview["Cache-Control"]
    assert "private" in preview["Cache-Control"]

    # Right after the preview of the same address, a visitor gets the released page.
    visitor_page = Client().get(path)
    assert b"Renamed" not in visitor_page.content
    assert b"Preview:" not in visitor_page.content

    # Staff can switch to what attendees see, and back.
    staff.post("/preview/", {"see": "released", "next": path})
    assert b"Renamed" not in staff.get(path).content
    staff.post("/preview/", {"see": "working", "next": path})
    assert b"Renamed" in staff.get(path).content


def test_the_preview_switch_refuses_visitors_and_other_sites(program, organizer):
    assert Client().post("/preview/", {"see": "released"}).status_code in (302, 403)
    staff = Client()
    staff.force_login(organizer)
    response = staff.post("/preview/", {"see": "released", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_withdrawing_the_latest_release_restores_the_one_before_everywhere(program, organizer):
    released_v1 = everything_public(program)
    for change in (retitle, move_to_another_room, change_the_panel, publish_a_new_session):
        change(organizer)
    v2 = program_release(user=organizer, conference=program, name="v2")
    assert differing(released_v1, everything_public(program), ignore=CHANGE_LOG_OUTPUTS)

    release_withdraw(user=organizer, release=v2)

    after = everything_public(program)
    assert differing(released_v1, after, ignore=CHANGE_LOG_OUTPUTS) == []
    assert b"Withdrawn" in after["change-log"][1] or b"withdrawn" in after["change-log"][1]
    # The working program keeps its changes: the next release carries them again.
    v3 = program_release(user=organizer, conference=program, name="v3")
    assert v3.number == 3
    assert b"Renamed" in everything_public(program)["session"][1]


def test_only_the_latest_release_in_force_can_be_withdrawn(program, organizer):
    v1 = Release.objects.get(conference=program, name="v1")
    retitle(organizer)
    program_release(user=organizer, conference=program, name="v2")
    with pytest.raises(ValidationError):
        release_withdraw(user=organizer, release=v1)


def test_a_release_of_nothing_new_is_refused_but_a_description_change_is_news(program, organizer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        program_release(user=organizer, conference=program, name="v2")
    session = civic()
    session.description = "Now with a description."
    session_save(user=organizer, session=session)
    program_release(user=organizer, conference=program, name="v2")
    assert PublicSession.objects.get(slug="civic").description == "Now with a description."


def test_an_edition_that_publishes_at_once_shows_each_change(
    db, organizer, django_capture_on_commit_callbacks
):
    conference = make_conference(publishes_at_once=True)
    session = make_session(conference, title="At Once")
    page = f"/en/editions/{conference.slug}/sessions/{session.slug}/"
    assert b"At Once" in Client().get(page).content
    session.title = "At Once, Renamed"
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        session_save(user=organizer, session=session)
    assert b"At Once, Renamed" in Client().get(page).content


def test_an_edition_switched_to_publish_at_once_shows_its_working_program(program, organizer):
    retitle(organizer)
    program.publishes_at_once = True
    program.save()
    assert b"Renamed" in everything_public(program)["session"][1]


# Releasing while organizers edit (PostgreSQL: SQLite runs one writer at a time)

RACE_RELEASES = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL; SQLite serializes every writer",
)
def test_a_release_racing_edits_captures_one_moment():
    """Each edit renames two sessions and changes a panel seat together, in one transaction;
    every release must hold the three from the same edit, never a mix, and answer no error."""
    organizer = make_organizer()
    conference = make_conference(publishes_at_once=False)
    speaker = make_speaker()
    first = make_session(conference, title="Round 0", room=make_room(conference))
    second = make_session(conference, title="Round 0", room=make_room(conference))
    seat(first, speaker)
    stop = threading.Event()
    errors = []

    def edit():
        try:
            round_number = 0
            while not stop.is_set():
                round_number += 1
                role = "moderator" if round_number % 2 else "panelist"
                with transaction.atomic():
                    for session in Session.objects.filter(pk__in=[first.pk, second.pk]):
                        session.title = f"Round {round_number}"
                        panel = (
                            [Seat(speaker=speaker, role=role)] if session.pk == first.pk else None
                        )
                        session_save(user=organizer, session=session, related=Related(panel=panel))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()  # the thread's own: the test database is dropped after

    editor = threading.Thread(target=edit)
    editor.start()
    releases = 0
    try:
        while releases < RACE_RELEASES:
            try:
                program_release(user=organizer, conference=conference, name=f"v{releases + 1}")
            except ValidationError as refusal:  # no edit since the last release: try again
                if "nothing to release" not in str(refusal):
                    raise
                continue
            releases += 1
            copies = {
                copy.pk: copy
                for copy in PublicSession.objects.filter(conference=conference).prefetch_related(
                    "panel"
                )
            }
            titles = {copies[first.pk].title, copies[second.pk].title}
            assert len(titles) == 1, titles
            round_number = int(titles.pop().split()[1])
            expected_role = "moderator" if round_number % 2 else "panelist"
            if round_number:
                assert [s.role for s in copies[first.pk].panel.all()] == [expected_role]
    finally:
        stop.set()
        editor.join()
    assert errors == []
    assert releases == RACE_RELEASES


def test_the_page_cache_keys_on_the_release_not_on_the_working_program(
    program, organizer, django_capture_on_commit_callbacks
):
    path = outputs(program)["session"]
    first = Client().get(path)
    with django_capture_on_commit_callbacks(execute=True):  # the edit commits
        retitle(organizer)
    unchanged = Client().get(path)
    assert unchanged["ETag"] == first["ETag"]
    assert unchanged.templates == []  # served from the cache, not rendered again
    with django_capture_on_commit_callbacks(execute=True):
        program_release(user=organizer, conference=program, name="v2")
    released_page = Client().get(path)
    assert released_page["ETag"] != first["ETag"]
    assert b"Renamed" in released_page.content
