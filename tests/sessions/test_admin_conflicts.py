"""The conflicts finder and the two admin pages built on it (conflicts, schedule board).

Most tests call the views directly with a RequestFactory request and the registered
SessionAdmin; the track chairs' test goes through the admin's URLs."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from niic.generated_program import generate_program
from sessions.admin import board, views
from sessions.conflicts import Kind, find_conflicts
from sessions.models import Session
from tests.factories import (
    la_time,
    make_conference,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db

DRAFT = Session.Status.DRAFT
PUBLISHED = Session.Status.PUBLISHED
CANCELLED = Session.Status.CANCELLED


def session_admin():
    return admin.site._registry[Session]


def change_url(session):
    return reverse("admin:program_session_change", args=[session.pk])


def conflicts_of(conference):
    return find_conflicts(Session.objects.for_edition(conference))


def render(view, rf, user, model_admin=None, **params):
    request = rf.get("/admin/program/session/tool/", params)
    request.user = user
    response = view(request, model_admin=model_admin or session_admin())
    response.render()
    assert response.status_code == 200
    return response


# find_conflicts


def test_room_clash_between_two_drafts_is_reported_once_as_a_warning(conference):
    room = make_room(conference, name="Room A")
    first = make_session(
        conference,
        title="X",
        room=room,
        status=DRAFT,
        starts_at=la_time(15, "10:00"),
        ends_at=la_time(15, "11:15"),
    )
    second = make_session(
        conference,
        title="Y",
        room=room,
        status=DRAFT,
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
    )

    [conflict] = conflicts_of(conference)

    assert conflict.kind == Kind.ROOM == "room"
    assert (conflict.session, conflict.other, conflict.speaker) == (first, second, None)
    assert conflict.blocks_publishing is False
    assert conflict.message.startswith(
        "Room “Room A”: “X” (Mon, Dec 15, 10:00–11:15 PST) overlaps "
        "“Y” (Mon, Dec 15, 10:30–11:30 PST)."
    )
    assert "publishing the other will be refused" in conflict.message


def test_speaker_clash_between_a_draft_and_a_published_session_warns_about_the_draft(conference):
    speaker = make_speaker(name="Ana Chen")
    published = make_session(conference, title="Published panel", status=PUBLISHED)
    draft = make_session(
        conference,
        title="Draft panel",
        status=DRAFT,
        starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"),
    )
    seat(published, speaker)
    seat(draft, speaker)
    seat(draft, make_speaker())

    [conflict] = conflicts_of(conference)

    assert conflict.kind == Kind.SPEAKER
    assert (conflict.session, conflict.other, conflict.speaker) == (published, draft, speaker)
    assert conflict.blocks_publishing is False
    assert conflict.message == (
        "Speaker Ana Chen: “Published panel” (Mon, Dec 15, 10:00–11:15 PST) overlaps "
        "“Draft panel” (Mon, Dec 15, 11:00–12:00 PST). Publishing “Draft panel” will be refused."
    )


def test_clash_between_two_published_sessions_blocks_publishing(conference):
    # Cannot happen through the admin; bulk imports and old data can bring it in. (Two published
    # sessions in one room cannot even be stored on PostgreSQL, so they share a speaker here.)
    speaker = make_speaker(name="Eva Millona")
    one, two = Session.objects.bulk_create(
        [
            Session(
                conference=conference,
                title=title,
                slug=title.lower(),
                room=make_room(conference),
                status=PUBLISHED,
                starts_at=la_time(15, "10:00"),
                ends_at=la_time(15, "11:00"),
            )
            for title in ["One", "Two"]
        ]
    )
    seat(one, speaker)
    seat(two, speaker)

    [conflict] = conflicts_of(conference)

    assert conflict.kind == Kind.SPEAKER
    assert conflict.blocks_publishing is True
    assert "Both are published" in conflict.message


def test_back_to_back_sessions_do_not_conflict(conference):
    room = make_room(conference)
    speaker = make_speaker()
    for clock, until in [("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00")]:
        session = make_session(
            conference,
            room=room,
            status=DRAFT,
            starts_at=la_time(15, clock),
            ends_at=la_time(15, until),
        )
        seat(session, speaker)

    assert conflicts_of(conference) == []


def test_cancelled_sessions_are_ignored(conference):
    room = make_room(conference)
    speaker = make_speaker()
    kept = make_session(conference, room=room, status=PUBLISHED)
    cancelled = make_session(conference, room=room, status=CANCELLED)
    seat(kept, speaker)
    seat(cancelled, speaker)
    # Even a cancelled session outside the edition's days is nobody's problem any more.
    make_session(
        conference, status=CANCELLED, starts_at=la_time(20, "10:00"), ends_at=la_time(20, "11:00")
    )

    assert conflicts_of(conference) == []


def test_three_sessions_in_one_room_give_each_overlapping_pair_once(conference):
    room = make_room(conference)
    long = make_session(
        conference,
        room=room,
        status=DRAFT,
        starts_at=la_time(15, "09:00"),
        ends_at=la_time(15, "12:00"),
    )
    early = make_session(
        conference,
        room=room,
        status=DRAFT,
        starts_at=la_time(15, "09:30"),
        ends_at=la_time(15, "10:00"),
    )
    late = make_session(
        conference,
        room=room,
        status=DRAFT,
        starts_at=la_time(15, "10:00"),
        ends_at=la_time(15, "11:00"),
    )

    pairs = [(conflict.session, conflict.other) for conflict in conflicts_of(conference)]

    assert pairs == [(long, early), (long, late)]


def test_sessions_outside_the_edition_days_are_reported(conference):
    # 16:30 on December 13 in Los Angeles is already December 14 in UTC; the edition's own
    # clock decides.
    session = Session.objects.create(
        conference=conference,
        title="Too early",
        slug="too-early",
        status=PUBLISHED,
        starts_at=la_time(13, "16:30"),
        ends_at=la_time(13, "17:30"),
    )

    [conflict] = conflicts_of(conference)

    assert (conflict.kind, conflict.session, conflict.other) == (Kind.OUTSIDE_DAYS, session, None)
    assert conflict.blocks_publishing is True
    assert conflict.message == (
        "“Too early” (Sat, Dec 13, 16:30–17:30 PST): A session must take place within National "
        "Immigrant Integration Conference 2014, Dec 14 to Dec 16, 2014 (America/Los_Angeles). "
        "It is published."
    )


def test_topic_of_another_track_is_reported(conference):
    own, other = make_track(conference, name="Own"), make_track(conference, name="Other")
    session = make_session(conference, track=own, status=DRAFT)
    session.topics.add(make_topic(own), make_topic(other, name="Stray"))

    [conflict] = conflicts_of(conference)

    assert (conflict.kind, conflict.session) == (Kind.TOPIC_OF_OTHER_TRACK, session)
    assert conflict.blocks_publishing is False
    assert conflict.message == (
        f"“{session}” ({session.slot_label}): “Stray”: not a topic of the track “Own”. "
        "Saving or publishing it as it is will be refused."
    )


def test_room_and_track_of_another_edition_are_reported(conference):
    elsewhere = make_conference(name="Another conference")
    session = make_session(
        conference, room=make_room(elsewhere, name="Far room"), track=make_track(elsewhere)
    )

    kinds = [(conflict.kind, conflict.session) for conflict in conflicts_of(conference)]

    assert kinds == [(Kind.ROOM_OF_OTHER_EDITION, session), (Kind.TRACK_OF_OTHER_EDITION, session)]


def test_find_conflicts_runs_three_queries(conference):
    room, speaker = make_room(conference), make_speaker()
    for _ in range(5):
        seat(make_session(conference, room=room, status=DRAFT), speaker)

    with CaptureQueriesContext(connection) as captured:
        found = conflicts_of(conference)
        messages = [conflict.message for conflict in found]

    assert len(found) == 2 * 10  # 10 pairs, each once for the room and once for the speaker
    assert len(messages) == 20
    assert len(captured) == 3


# The conflicts page


def test_conflicts_page_links_both_sessions_and_says_what_blocks(rf, admin_user, conference):
    room = make_room(conference, name="Room A")
    first = make_session(conference, title="First", room=room, status=PUBLISHED)
    second = make_session(conference, title="Second", room=room, status=DRAFT)

    page = render(views.conflicts, rf, admin_user, edition=conference.slug)

    text = page.content.decode()
    assert page.context_data["title"] == f"Conflicts — {conference}"
    assert f'href="{change_url(first)}"' in text
    assert f'href="{change_url(second)}"' in text
    assert "Room double-booked" in text
    assert "Warning — publishing a draft as it is will be refused" in text
    assert "10:00–11:15 PST" in text
    assert "Publishing “Second” will be refused." in text
    assert "Monday, Dec. 15, 2014" in text


def test_conflicts_page_says_a_clash_of_published_sessions_blocks(rf, admin_user, conference):
    speaker = make_speaker(name="Ana Chen")
    for title in ("One", "Two"):
        session = make_session(conference, title=title, status=DRAFT)
        seat(session, speaker)
    Session.objects.filter(conference=conference).update(status=PUBLISHED)

    page = render(views.conflicts, rf, admin_user, edition=conference.slug)

    text = page.content.decode()
    assert "<strong>Yes</strong> — already in the published program" in text
    assert "Ana Chen on" in text
    assert page.context_data["blocking_count"] == 1


def test_conflicts_page_of_an_edition_without_conflicts_says_so(rf, admin_user, conference):
    make_session(conference)

    page = render(views.conflicts, rf, admin_user, edition=conference.slug)

    assert f"No conflicts in {conference}." in page.content.decode()


def test_conflicts_page_defaults_to_the_current_edition(rf, admin_user):
    make_conference(
        slug="older", start_date=datetime.date(2013, 12, 14), end_date=datetime.date(2013, 12, 16)
    )
    current = make_conference(slug="current", is_current=True)
    make_conference(
        slug="newer", start_date=datetime.date(2015, 12, 14), end_date=datetime.date(2015, 12, 16)
    )

    page = render(views.conflicts, rf, admin_user)

    assert page.context_data["edition"] == current
    assert [each.slug for each in page.context_data["editions"]] == ["newer", "current", "older"]


def test_conflicts_page_of_an_unknown_edition_is_not_found(rf, admin_user, conference):
    request = rf.get("/", {"edition": "nope"})
    request.user = admin_user
    with pytest.raises(Http404):
        views.conflicts(request, model_admin=session_admin())


def test_both_pages_need_the_view_permission(rf, conference):
    request = rf.get("/")
    request.user = User.objects.create_user("visitor", is_staff=True)
    for view in (views.conflicts, board.board):
        with pytest.raises(PermissionDenied):
            view(request, model_admin=session_admin())


# The board


def test_board_shows_drafts_marked_and_links_to_change_pages(rf, admin_user, conference):
    room_a, room_b = make_room(conference, name="Room A"), make_room(conference, name="Room B")
    track = make_track(conference, name="Workforce")
    published = make_session(conference, title="Live one", room=room_a, track=track)
    draft = make_session(conference, title="Work in progress", room=room_b, status=DRAFT)
    cancelled = make_session(
        conference,
        title="Called off",
        room=room_b,
        status=CANCELLED,
        starts_at=la_time(15, "13:00"),
        ends_at=la_time(15, "14:00"),
    )
    roomless = make_session(
        conference, title="Lunch", starts_at=la_time(15, "12:00"), ends_at=la_time(15, "13:00")
    )
    make_session(
        conference,
        title="Another day",
        starts_at=la_time(16, "10:00"),
        ends_at=la_time(16, "11:00"),
    )

    page = render(board.board, rf, admin_user, edition=conference.slug, day="2014-12-15")

    text = page.content.decode()
    for session in (published, draft, cancelled, roomless):
        assert f'href="{change_url(session)}"' in text
    assert "Another day" not in text
    assert '<p class="program-badge">Draft</p>' in text
    assert '<p class="program-badge">Cancelled</p>' in text
    assert text.count('class="program-badge"') == 2
    assert "Workforce" in text
    assert [room.name if room else None for room in page.context_data["rooms"]] == [
        "Room A",
        "Room B",
        None,
    ]
    assert '<th scope="col" data-room="">No room</th>' in text
    assert '<time datetime="2014-12-15T10:00:00-08:00">10:00</time>' in text
    starts = {
        entry.session.title: cell.starts_at
        for row in page.context_data["rows"]
        for cell in row.cells
        for entry in cell.entries
    }
    assert starts == {
        "Live one": la_time(15, "10:00"),
        "Work in progress": la_time(15, "10:00"),
        "Lunch": la_time(15, "12:00"),
        "Called off": la_time(15, "13:00"),
    }
    assert 'aria-current="page">Monday, December 15</a>' in text
    assert "style=" not in text.split('<div id="content-main"', 1)[1]
    assert "<script>" not in text


def test_board_shows_both_sessions_of_a_clash_in_one_cell(rf, admin_user, conference):
    room = make_room(conference, name="Room A")
    make_session(conference, title="Kept", room=room)
    make_session(conference, title="Squatter", room=room, status=DRAFT)

    page = render(board.board, rf, admin_user, edition=conference.slug, day="2014-12-15")

    [cell] = [cell for row in page.context_data["rows"] for cell in row.cells if cell.entries]
    assert [entry.session.title for entry in cell.entries] == ["Kept", "Squatter"]
    assert cell.has_clash
    text = page.content.decode()
    assert "Clash:" in text
    assert (
        "Room “Room A” is also used by “Squatter” (Mon, Dec 15, 10:00–11:15 PST): publishing "
        "will be refused until one of them moves."
    ) in text
    assert (
        "Room “Room A” is also used by “Kept” (Mon, Dec 15, 10:00–11:15 PST): publishing "
        "will be refused until one of them moves."
    ) in text


def test_board_defaults_to_the_first_day_and_refuses_other_days(rf, admin_user, conference):
    page = render(board.board, rf, admin_user, edition=conference.slug)
    assert page.context_data["day"] == datetime.date(2014, 12, 14)
    assert "This day: published 0 · drafts 0 · cancelled 0." in page.content.decode()

    for day in ("2014-12-20", "tomorrow"):
        request = rf.get("/", {"edition": conference.slug, "day": day})
        request.user = admin_user
        with pytest.raises(Http404):
            board.board(request, model_admin=session_admin())


# Query counts


def program_with_clashes(sessions, speakers, seed):
    conference = generate_program(sessions=sessions, speakers=speakers, seed=seed).conference
    first = Session.objects.filter(conference=conference).order_by("starts_at", "pk").first()
    clashing = [
        make_session(
            conference,
            title=f"Clashing draft {number}",
            slug=f"clashing-draft-{number}",
            room=first.room,
            status=DRAFT,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
        )
        for number in range(2)
    ]
    seat(clashing[0], first.panel.first().speaker)
    return conference, first.starts_at.astimezone(conference.tzinfo).date()


def queries_for(view, rf, user, **params):
    with CaptureQueriesContext(connection) as captured:
        page = render(view, rf, user, **params)
    return len(captured), page


def test_both_pages_run_the_same_queries_for_50_and_500_sessions(rf, admin_user):
    small, small_day = program_with_clashes(50, 40, seed=1)
    large, large_day = program_with_clashes(500, 300, seed=2)

    for view, small_params, large_params in [
        (views.conflicts, {"edition": small.slug}, {"edition": large.slug}),
        (
            board.board,
            {"edition": small.slug, "day": small_day.isoformat()},
            {"edition": large.slug, "day": large_day.isoformat()},
        ),
    ]:
        small_count, small_page = queries_for(view, rf, admin_user, **small_params)
        large_count, large_page = queries_for(view, rf, admin_user, **large_params)
        assert small_count == large_count, f"{view.__name__}: {small_count} vs {large_count}"
        assert small_count <= 6, view.__name__
        assert "Clashing draft 1" in small_page.content.decode()
        assert "Clashing draft 1" in large_page.content.decode()

    # The generated session and the two drafts make three pairs in one room, and one speaker
    # is on a draft and the generated session; generated programs have no conflicts of their own.
    found = find_conflicts(Session.objects.for_edition(large))
    assert sorted(conflict.kind for conflict in found) == ["room", "room", "room", "speaker"]
    assert not any(conflict.blocks_publishing for conflict in found)


# Track chairs


def test_a_track_chair_sees_only_their_tracks_and_other_tracks_rooms_only_as_in_use(
    client, conference, chair_of
):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = chair_of(mine)
    room = make_room(conference, name="Room A")
    own = [
        make_session(conference, title=f"Mine {n}", track=mine, room=room, status=DRAFT)
        for n in (1, 2)
    ]
    other_room = make_room(conference, name="Room B")
    for n in (1, 2):
        make_session(conference, title=f"Theirs {n}", track=theirs, room=other_room, status=DRAFT)
    make_session(
        conference,
        title="Their published talk",
        track=theirs,
        room=other_room,
        starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "13:00"),
    )
    client.force_login(chair)

    conflicts_page = client.get(
        reverse("admin:program_session_conflicts"), {"edition": conference.slug}
    )
    board_page = client.get(
        reverse("admin:program_session_board"), {"edition": conference.slug, "day": "2014-12-15"}
    )

    [conflict] = conflicts_page.context["conflicts"]
    assert (conflict.session, conflict.other) == tuple(own)
    assert "Theirs" not in conflicts_page.text
    cards = [
        ("in use" if entry.is_occupied_only else entry.session.title, cell.room.name)
        for row in board_page.context["rows"]
        for cell in row.cells
        for entry in cell.entries
    ]
    assert sorted(cards) == [("Mine 1", "Room A"), ("Mine 2", "Room A"), ("in use", "Room B")]
    assert "Theirs" not in board_page.text
    assert "Their published talk" not in board_page.text
    assert "In use by another track" in board_page.text
