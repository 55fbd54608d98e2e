"""The organizer's workbench: moving a session (sessions.services.session_move, and the board's
move URL that calls it), the board laid out as rooms by time, and the admin's index linking it.
The board's drag and drop and keys are driven in tests/browser/test_workbench.py."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import services
from sessions.admin import board
from sessions.models import Session, StaleSessionError
from tests.factories import (
    la_time,
    make_chair,
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db

DRAFT = Session.Status.DRAFT
PUBLISHED = Session.Status.PUBLISHED
# A chair's board (its session, user and rights, the day, the rooms, the other tracks' held
# rooms, the cards, …): a fixed number of queries, pinned.
BOARD_QUERIES_FOR_A_CHAIR = 13


def move_url(session):
    return reverse("admin:program_session_move", args=[session.pk])


def board_url(conference, day="2014-12-15"):
    return reverse("admin:program_session_board") + f"?edition={conference.slug}&day={day}"


def post_move(client, session, room, starts_at, version=None, **headers):
    data = {
        "room": room.pk if room else "",
        "starts_at": starts_at,
        "version": session.version if version is None else version,
    }
    return client.post(move_url(session), data, **headers)


@pytest.fixture
def hall(conference):
    return make_room(conference, name="Hall A", slug="hall-a")


@pytest.fixture
def annex(conference):
    return make_room(conference, name="Annex", slug="annex")


# The service


def test_session_move_gives_another_room_and_time_and_keeps_the_panel(
    conference, organizer, hall, annex
):
    session = make_session(conference, room=hall, status=DRAFT)
    seat(session, make_speaker(name="Eva Millona"))

    services.session_move(
        user=organizer,
        session=session,
        room=annex,
        starts_at=la_time(16, "14:00"),
        ends_at=la_time(16, "15:15"),
    )

    session.refresh_from_db()
    assert (session.room, session.starts_at, session.ends_at) == (
        annex,
        la_time(16, "14:00"),
        la_time(16, "15:15"),
    )
    assert [seat.speaker.name for seat in session.panel.all()] == ["Eva Millona"]
    latest = session.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Moved on the schedule board",
        organizer,
    )


def test_session_move_into_a_taken_room_of_a_published_session_is_refused(
    conference, organizer, hall, annex
):
    make_session(conference, title="Busy panel", room=hall)
    session = make_session(
        conference, room=annex, starts_at=la_time(15, "14:00"), ends_at=la_time(15, "15:00")
    )
    with pytest.raises(ValidationError) as refusal:
        services.session_move(
            user=organizer,
            session=session,
            room=hall,
            starts_at=la_time(15, "10:30"),
            ends_at=la_time(15, "11:30"),
        )
    assert refusal.value.messages == [
        "Room “Hall A” is already taken by “Busy panel” (Mon, Dec 15, 10:00–11:15 PST)."
    ]
    session.refresh_from_db()
    assert (session.room, session.starts_at) == (annex, la_time(15, "14:00"))


def test_a_chair_cannot_move_another_tracks_session(conference, hall, annex):
    mine, theirs = make_track(conference), make_track(conference)
    chair = make_chair(mine)
    session = make_session(conference, track=theirs, room=hall, status=DRAFT)
    with pytest.raises(PermissionDenied):
        services.session_move(
            user=chair,
            session=session,
            room=annex,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
    session.refresh_from_db()
    assert session.room == hall


def test_a_move_based_on_an_older_copy_is_refused(conference, organizer, hall, annex):
    session = make_session(conference, room=hall, status=DRAFT)
    old_copy = Session.objects.get(pk=session.pk)
    session.title = "Renamed meanwhile"
    services.session_save(user=organizer, session=session)
    with pytest.raises(StaleSessionError):
        services.session_move(
            user=organizer,
            session=old_copy,
            room=annex,
            starts_at=old_copy.starts_at,
            ends_at=old_copy.ends_at,
        )
    session.refresh_from_db()
    assert (session.room, session.title) == (hall, "Renamed meanwhile")


# The board's move URL


def test_the_board_moves_a_session_keeping_its_length_and_answers_in_json(
    client, conference, organizer, hall, annex
):
    session = make_session(conference, title="Panel", room=hall)  # 10:00–11:15
    client.force_login(organizer)

    response = post_move(client, session, annex, "2014-12-16T14:30")

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "session": session.pk,
        "message": "“Panel” moved: Annex, Tue, Dec 16, 14:30–15:45 PST.",
        "warnings": [],
        "version": session.version + 1,
        "room": annex.pk,
        "starts_at": "2014-12-16T14:30",
        "ends_at": "2014-12-16T15:45",
    }
    session.refresh_from_db()
    assert (session.room, session.starts_at, session.ends_at) == (
        annex,
        la_time(16, "14:30"),
        la_time(16, "15:45"),
    )


def test_a_draft_moved_into_a_clash_moves_and_says_so(client, conference, organizer, hall, annex):
    make_session(conference, title="Busy panel", room=hall)
    draft = make_session(
        conference,
        title="Draft",
        room=annex,
        status=DRAFT,
        starts_at=la_time(15, "14:00"),
        ends_at=la_time(15, "15:00"),
    )
    client.force_login(organizer)

    answer = post_move(client, draft, hall, "2014-12-15T10:30").json()

    assert answer["warnings"] == [
        "Room “Hall A” is also used by “Busy panel” (Mon, Dec 15, 10:00–11:15 PST): publishing "
        "will be refused until one of them moves."
    ]
    draft.refresh_from_db()
    assert draft.room == hall


def test_a_refused_move_answers_with_the_rules_message_and_changes_nothing(
    client, conference, organizer, hall, annex
):
    make_session(conference, title="Busy panel", room=hall)
    session = make_session(
        conference,
        title="Mine",
        room=annex,
        starts_at=la_time(15, "14:00"),
        ends_at=la_time(15, "15:00"),
    )
    client.force_login(organizer)

    response = post_move(client, session, hall, "2014-12-15T10:30")

    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "errors": [
            "Room “Hall A” is already taken by “Busy panel” (Mon, Dec 15, 10:00–11:15 PST)."
        ],
        "version": session.version,
        # Where an hour fits that day, nearest to 10:30, one room after the other first.
        "free_slots": [
            {
                "room": annex.pk,
                "starts_at": "2014-12-15T10:30",
                "ends_at": "2014-12-15T11:30",
                "label": "Annex, Mon, Dec 15, 10:30–11:30 PST",
            },
            {
                "room": hall.pk,
                "starts_at": "2014-12-15T11:15",
                "ends_at": "2014-12-15T12:15",
                "label": "Hall A, Mon, Dec 15, 11:15–12:15 PST",
            },
            {
                "room": annex.pk,
                "starts_at": "2014-12-15T10:15",
                "ends_at": "2014-12-15T11:15",
                "label": "Annex, Mon, Dec 15, 10:15–11:15 PST",
            },
        ],
    }
    session.refresh_from_db()
    assert session.room == annex


def test_a_move_outside_the_edition_and_a_stale_move_are_refused_with_their_messages(
    client, conference, organizer, hall
):
    session = make_session(conference, title="Panel", room=hall, status=DRAFT)
    client.force_login(organizer)

    outside = post_move(client, session, hall, "2014-12-20T10:00")
    stale = post_move(client, session, hall, "2014-12-15T12:00", version=session.version - 1 or 99)

    assert (outside.status_code, outside.json()["errors"]) == (
        409,
        [
            "A session must take place within National Immigrant Integration Conference 2014, "
            "Dec 14 to Dec 16, 2014 (America/Los_Angeles)."
        ],
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0].startswith("“Panel” was changed by someone else")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_at": "banana"}, "Enter a valid date/time."),
        ({"starts_at": ""}, "This field is required."),
        ({"version": ""}, "This field is required."),
        (
            {"room": "other-edition"},
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_malformed_moves_get_a_message_not_a_500(
    client, conference, organizer, hall, data, message
):
    session = make_session(conference, room=hall, status=DRAFT)
    elsewhere = make_room(make_conference(slug="other"), name="Elsewhere")
    client.force_login(organizer)
    posted = {"room": hall.pk, "starts_at": "2014-12-15T12:00", "version": session.version}
    posted.update(data)
    if posted["room"] == "other-edition":
        posted["room"] = elsewhere.pk

    response = client.post(move_url(session), posted)

    assert (response.status_code, response.json()) == (400, {"ok": False, "errors": [message]})
    assert Session.objects.get(pk=session.pk).starts_at == session.starts_at


def test_moves_are_posted_only(client, conference, organizer, hall):
    session = make_session(conference, room=hall)
    client.force_login(organizer)
    response = client.get(move_url(session))
    assert (response.status_code, response.json()["ok"]) == (405, False)


def test_a_chair_cannot_move_another_tracks_session_nor_learn_its_title(client, conference, hall):
    mine, theirs = make_track(conference), make_track(conference)
    chair = make_chair(mine)
    secret = make_session(conference, title="Secret plan", track=theirs, room=hall, status=DRAFT)
    client.force_login(chair)

    response = post_move(client, secret, hall, "2014-12-15T14:00")

    assert response.status_code == 404
    assert "Secret" not in response.text
    assert Session.objects.get(pk=secret.pk).starts_at == la_time(15, "10:00")


def test_a_refused_move_answers_in_the_readers_language(client, conference, organizer, hall, annex):
    make_session(conference, title="Plenaria", room=hall)
    session = make_session(
        conference, room=annex, starts_at=la_time(15, "14:00"), ends_at=la_time(15, "15:00")
    )
    client.force_login(organizer)

    response = post_move(client, session, hall, "2014-12-15T10:30", HTTP_ACCEPT_LANGUAGE="es")

    assert json.loads(response.content)["errors"] == [
        "La sala “Hall A” ya está ocupada por “Plenaria” (lun 15 dic, 10:00–11:15 PST)."
    ]


# The board


def cells_of(response):
    """[(room name, local start "HH:MM", rows spanned, [titles or "in use"])] of occupied
    cells, row by row."""
    zone = response.context["edition"].tzinfo
    found = []
    for row in response.context["rows"]:
        for cell in row.cells:
            if cell.entries:
                found.append(
                    (
                        cell.room.name if cell.room else None,
                        f"{cell.starts_at.astimezone(zone):%H:%M}",
                        cell.slots,
                        [
                            "in use" if entry.is_occupied_only else entry.session.title
                            for entry in cell.entries
                        ],
                    )
                )
    return found


def test_the_board_spans_each_session_over_the_quarter_hours_it_lasts(
    admin_client, conference, hall, annex
):
    make_session(conference, title="Long panel", room=hall)  # 10:00–11:15: five rows
    make_session(
        conference,
        title="Short talk",
        room=annex,
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:00"),
    )
    response = admin_client.get(board_url(conference))
    zone = conference.tzinfo
    times = [f"{row.starts_at.astimezone(zone):%H:%M}" for row in response.context["rows"]]
    assert (times[0], times[1], times[-1], len(times)) == ("08:00", "08:15", "17:45", 40)
    assert cells_of(response) == [
        ("Hall A", "10:00", 5, ["Long panel"]),
        ("Annex", "10:30", 2, ["Short talk"]),
    ]
    assert '<td data-row="8" data-column="0" data-slots="5" rowspan="5"' in response.text
    # Every row has a cell per room but where a session spans it.
    ten_fifteen = response.context["rows"][9]
    assert [cell.room.name for cell in ten_fifteen.cells] == ["Annex"]


def test_the_board_widens_its_hours_to_hold_early_and_late_sessions(admin_client, conference, hall):
    make_session(
        conference, title="Breakfast", room=hall, starts_at=la_time(15, "07:30"),
        ends_at=la_time(15, "08:15"),
    )  # fmt: skip
    make_session(
        conference, title="Gala", room=hall, starts_at=la_time(15, "19:00"),
        ends_at=la_time(15, "21:40"),
    )  # fmt: skip
    rows = admin_client.get(board_url(conference)).context["rows"]
    zone = conference.tzinfo
    assert f"{rows[0].starts_at.astimezone(zone):%H:%M}" == "07:00"
    assert f"{rows[-1].starts_at.astimezone(zone):%H:%M}" == "21:45"


def test_cards_show_the_panel_in_panel_order_and_a_short_track_name(admin_client, conference, hall):
    track = make_track(conference, name="strengthening our nation through workforce development")
    session = make_session(conference, title="Panel", room=hall, track=track)
    seat(session, make_speaker(name="Zoe Panelist"), order=1)
    seat(session, make_speaker(name="Ana Panelist"), order=2)
    seat(session, make_speaker(name="Mo Moderator"), role="moderator", order=3)

    text = admin_client.get(board_url(conference)).text

    assert (
        '<p class="program-card-panel"><span class="visually-hidden">Panel: </span>'
        "Mo Moderator, Zoe Panelist, Ana Panelist</p>"
    ) in text
    assert (
        '<span title="Strengthening our nation through workforce development">'
        '<span aria-hidden="true">Strengthening our…</span>'
    ) in text


def test_drafts_without_a_room_wait_in_the_unscheduled_column_whatever_their_day(
    admin_client, conference, hall
):
    make_session(conference, title="Placed draft", room=hall, status=DRAFT)
    make_session(conference, title="Roomless draft", status=DRAFT)
    make_session(
        conference,
        title="Roomless draft of Tuesday",
        status=DRAFT,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    make_session(
        conference,
        title="Roomless published lunch",
        starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "14:00"),
    )

    response = admin_client.get(board_url(conference))

    assert [entry.session.title for entry in response.context["unscheduled"]] == [
        "Roomless draft",
        "Roomless draft of Tuesday",
    ]
    assert cells_of(response) == [
        ("Hall A", "10:00", 5, ["Placed draft"]),
        (None, "12:00", 8, ["Roomless published lunch"]),
    ]


def test_an_empty_cell_links_to_the_add_form_filled_in_with_its_room_day_and_time(
    admin_client, conference, hall
):
    response = admin_client.get(board_url(conference, day="2014-12-16"))
    first = response.context["rows"][2].cells[0]  # 08:30, Hall A
    assert first.add_url == (
        reverse("admin:program_session_add")
        + f"?conference={conference.pk}&day=2014-12-16&start_time=08%3A30&end_time=09%3A30"
        f"&room={hall.pk}"
    )
    assert "Add a session in Hall A at 08:30" in response.text

    form = admin_client.get(first.add_url).context["adminform"].form
    assert {name: str(form[name].value()) for name in ("day", "start_time", "end_time")} == {
        "day": "2014-12-16",
        "start_time": "08:30",
        "end_time": "09:30",
    }
    assert (form["room"].value(), form["conference"].value()) == (str(hall.pk), str(conference.pk))


def test_a_clash_is_marked_on_both_cards_and_on_the_cell(admin_client, conference, hall):
    make_session(conference, title="Kept", room=hall)
    make_session(
        conference, title="Squatter", room=hall, status=DRAFT, starts_at=la_time(15, "10:30")
    )
    response = admin_client.get(board_url(conference))
    [(room, starts, slots, titles)] = cells_of(response)
    assert (room, starts, slots, titles) == ("Hall A", "10:00", 5, ["Kept", "Squatter"])
    assert response.text.count('class="program-card program-has-conflict"') == 1
    assert response.text.count('class="program-card program-draft program-has-conflict"') == 1
    assert '<td data-row="8" data-column="0" data-slots="5" rowspan="5" class="program-slot ' \
        'program-clash">' in response.text  # fmt: skip


def test_back_to_back_sessions_share_no_cell(admin_client, conference, hall):
    make_session(conference, title="First", room=hall, ends_at=la_time(15, "10:10"))
    make_session(
        conference,
        title="Second",
        room=hall,
        starts_at=la_time(15, "10:10"),
        ends_at=la_time(15, "11:00"),
    )
    response = admin_client.get(board_url(conference))
    # Both fall in the 10:00 quarter, so they share its cell, without a clash.
    [(_room, _starts, _slots, titles)] = cells_of(response)
    assert titles == ["First", "Second"]
    assert "program-clash" not in response.text


def test_a_chairs_board_lets_them_move_only_their_own_sessions(client, conference, hall, annex):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = make_chair(mine)
    own = make_session(conference, title="My draft", track=mine, room=hall, status=DRAFT)
    make_session(conference, title="Their talk", track=theirs, room=annex)
    client.force_login(chair)

    response = client.get(board_url(conference))

    assert cells_of(response) == [
        ("Hall A", "10:00", 5, ["My draft"]),
        ("Annex", "10:00", 5, ["in use"]),
    ]
    assert response.text.count("data-move-url=") == 1
    assert f'data-move-url="{move_url(own)}"' in response.text
    assert "Their talk" not in response.text


def test_a_chairs_session_in_a_room_another_track_holds_is_marked(client, conference, hall):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = make_chair(mine)
    make_session(conference, title="Their talk", track=theirs, room=hall)
    make_session(
        conference, title="My draft", track=mine, room=hall, status=DRAFT,
        starts_at=la_time(15, "11:00"), ends_at=la_time(15, "12:00"),
    )  # fmt: skip
    client.force_login(chair)

    response = client.get(board_url(conference))

    [(_room, _starts, _slots, titles)] = cells_of(response)
    assert titles == ["in use", "My draft"]
    assert (
        "Room “Hall A” is held by another track’s session at an overlapping time (Mon, Dec 15, "
        "10:00–11:15 PST): this session cannot be published there."
    ) in response.text
    assert "Their talk" not in response.text


def test_the_board_says_what_it_holds_in_words_that_count_right(admin_client, conference, hall):
    make_session(conference, room=hall)
    make_session(
        conference,
        room=hall,
        status=DRAFT,
        starts_at=la_time(15, "13:00"),
        ends_at=la_time(15, "14:00"),
    )
    text = admin_client.get(board_url(conference)).text
    assert "This day: published 1 · drafts 1 · cancelled 0." in text


def test_a_board_of_an_edition_without_rooms_says_so(admin_client, conference):
    make_session(conference, title="Roomless draft", status=DRAFT)
    response = admin_client.get(board_url(conference))
    assert "This edition has no rooms yet: add rooms to lay out its days." in response.text
    assert [entry.session.title for entry in response.context["unscheduled"]] == ["Roomless draft"]


# The admin's index


def test_the_admin_index_links_the_board_and_the_conflicts(client, conference):
    client.force_login(make_organizer())
    text = client.get(reverse("admin:index")).text
    assert f'<a href="{reverse("admin:program_session_board")}">Schedule board</a>' in text
    assert f'<a href="{reverse("admin:program_session_conflicts")}">Conflicts</a>' in text


def test_the_index_offers_no_tools_to_staff_who_cannot_see_sessions(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))
    assert "Schedule board" not in client.get(reverse("admin:index")).text


def test_a_board_day_runs_the_same_queries_for_a_small_and_a_large_day(admin_client):
    """(The board's constant query count on generated programs is asserted with the conflicts
    page in test_admin_conflicts.py; here, with unscheduled drafts and a chair's in-use rooms.)"""
    counts = []
    for size in (3, 30):
        conference = make_conference(slug=f"edition-{size}")
        rooms = [make_room(conference) for _ in range(3)]
        for number in range(size):
            session = make_session(
                conference,
                room=rooms[number % 3],
                starts_at=la_time(15, "09:00") + datetime.timedelta(minutes=15 * number),
                ends_at=la_time(15, "09:45") + datetime.timedelta(minutes=15 * number),
                status=DRAFT if number % 2 else PUBLISHED,
            )
            seat(session, make_speaker())
            make_session(conference, status=DRAFT)  # no room: unscheduled
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(board_url(conference)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_room_of_another_edition_gets_a_column_after_the_editions_own(
    admin_client, conference, hall
):
    far = make_room(make_conference(name="Another conference", slug="another"), name="Far room")
    make_session(conference, title="Astray", room=far)
    make_session(
        conference,
        title="At home",
        room=hall,
        starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "13:15"),
    )

    response = admin_client.get(board_url(conference))

    assert [room.name for room in response.context["rooms"]] == ["Hall A", "Far room"]
    assert cells_of(response) == [
        ("Far room", "10:00", 5, ["Astray"]),
        ("Hall A", "12:00", 5, ["At home"]),
    ]
    assert f'<th scope="col" data-room="{far.pk}">Far room</th>' in response.text
    assert "Room “Far room” belongs to " in response.text


def test_the_board_escapes_what_people_typed(admin_client, conference):
    room = make_room(conference, name="Hall <i>A</i>")
    make_session(conference, title='<b>Bold</b> & "co"', room=room)

    text = admin_client.get(board_url(conference)).text

    assert "<b>Bold" not in text
    assert "<i>A" not in text
    assert ">&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;co&quot;</a></h3>" in text
    assert 'data-title="&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;co&quot;"' in text
    assert "Add a session in Hall &lt;i&gt;A&lt;/i&gt; at 08:00" in text


# Issue 22: a length changed, another day, undo, free slots, hours, sessions of every track


def test_a_move_with_an_end_changes_the_length_through_the_services(
    client, conference, organizer, hall
):
    session = make_session(conference, title="Panel", room=hall)  # 10:00–11:15
    client.force_login(organizer)

    response = client.post(
        move_url(session),
        {
            "room": hall.pk,
            "starts_at": "2014-12-15T10:00",
            "ends_at": "2014-12-15T11:45",
            "version": session.version,
        },
    )

    assert response.json()["message"] == "“Panel” moved: Hall A, Mon, Dec 15, 10:00–11:45 PST."
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (la_time(15, "10:00"), la_time(15, "11:45"))
    latest = session.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Moved on the schedule board"


def test_a_length_that_runs_into_a_published_session_or_ends_before_it_starts_is_refused(
    client, conference, organizer, hall
):
    make_session(
        conference, title="Lunch", room=hall, starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "13:30"),
    )  # fmt: skip
    session = make_session(conference, title="Panel", room=hall)  # 10:00–11:15
    client.force_login(organizer)
    data = {"room": hall.pk, "starts_at": "2014-12-15T10:00", "version": session.version}

    longer = client.post(move_url(session), {**data, "ends_at": "2014-12-15T12:15"})
    backwards = client.post(move_url(session), {**data, "ends_at": "2014-12-15T09:45"})

    assert (longer.status_code, longer.json()["errors"]) == (
        409,
        ["Room “Hall A” is already taken by “Lunch” (Mon, Dec 15, 12:00–13:30 PST)."],
    )
    assert (backwards.status_code, backwards.json()["errors"], backwards.json()["free_slots"]) == (
        409,
        ["A session must end after it starts."],
        [],
    )
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == (la_time(15, "10:00"), la_time(15, "11:15"))


def test_a_session_moves_to_another_day_and_back_with_the_version_it_was_given(
    client, conference, organizer, hall, annex
):
    session = make_session(conference, title="Panel", room=hall)  # Monday 10:00–11:15
    client.force_login(organizer)

    there = post_move(client, session, annex, "2014-12-16T09:00").json()
    # Undo: the board sends the old place with the version the move answered.
    back = client.post(
        move_url(session),
        {
            "room": hall.pk,
            "starts_at": "2014-12-15T10:00",
            "ends_at": "2014-12-15T11:15",
            "version": there["version"],
        },
    ).json()

    assert there["message"] == "“Panel” moved: Annex, Tue, Dec 16, 09:00–10:15 PST."
    assert back["message"] == "“Panel” moved: Hall A, Mon, Dec 15, 10:00–11:15 PST."
    session.refresh_from_db()
    assert (session.room, session.starts_at, session.ends_at) == (
        hall,
        la_time(15, "10:00"),
        la_time(15, "11:15"),
    )
    assert session.history.count() == 3


def test_an_undo_into_a_slot_taken_meanwhile_is_refused_with_the_reason(
    client, conference, organizer, hall, annex
):
    session = make_session(conference, title="Panel", room=hall)
    client.force_login(organizer)
    there = post_move(client, session, annex, "2014-12-15T14:00").json()
    make_session(conference, title="Newcomer", room=hall, starts_at=la_time(15, "10:30"))

    back = client.post(
        move_url(session),
        {"room": hall.pk, "starts_at": "2014-12-15T10:00", "version": there["version"]},
    )

    assert (back.status_code, back.json()["errors"]) == (
        409,
        ["Room “Hall A” is already taken by “Newcomer” (Mon, Dec 15, 10:30–11:15 PST)."],
    )
    assert Session.objects.get(pk=session.pk).room == annex


def test_free_slots_keep_clear_of_the_speakers_other_sessions_and_of_drafts(
    conference, hall, annex
):
    eva = make_speaker(name="Eva Millona")
    session = make_session(
        conference, title="Mine", room=annex, starts_at=la_time(15, "14:00"),
        ends_at=la_time(15, "15:00"),
    )  # fmt: skip
    seat(session, eva)
    make_session(conference, title="Busy", room=hall, starts_at=la_time(15, "08:00"),
                 ends_at=la_time(15, "11:00"))  # fmt: skip
    elsewhere = make_session(
        conference, title="Eva elsewhere", starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"), status=DRAFT,
    )  # fmt: skip
    seat(elsewhere, eva)
    make_session(
        conference, title="Annex draft", room=annex, status=DRAFT,
        starts_at=la_time(15, "12:00"), ends_at=la_time(15, "13:00"),
    )  # fmt: skip
    make_session(
        conference, title="Cancelled", room=hall, status=Session.Status.CANCELLED,
        starts_at=la_time(15, "12:00"), ends_at=la_time(15, "13:00"),
    )  # fmt: skip

    slots = board.free_slots(
        session,
        room=hall,
        starts_at=la_time(15, "10:00"),
        length=datetime.timedelta(hours=1),
        edition=conference,
        limit=5,
    )

    assert [(slot.room.name, f"{slot.starts_at.astimezone(conference.tzinfo):%H:%M}")
            for slot in slots] == [
        ("Annex", "10:00"),  # the nearest: the hall is busy, Eva is free
        ("Hall A", "12:00"),  # the hall's nearest: Eva is elsewhere 11:00–12:00
        ("Annex", "09:45"),
        ("Annex", "09:30"),  # not 10:15: Eva is elsewhere from 11:00
        ("Annex", "09:15"),
    ]  # fmt: skip


def test_cards_carry_their_start_and_end_for_the_script_to_size_them(
    admin_client, conference, hall
):
    session = make_session(
        conference, title="Talk", room=hall, starts_at=la_time(15, "10:08"),
        ends_at=la_time(15, "10:20"),
    )  # fmt: skip
    text = admin_client.get(board_url(conference)).text
    assert (
        f'<article id="program-card-{session.pk}" class="program-card" data-session="{session.pk}"'
        f' data-version="1" data-room="{hall.pk}" data-title="Talk"'
        f' data-move-url="{move_url(session)}" data-starts="2014-12-15T10:08"'
        f' data-ends="2014-12-15T10:20"'
    ) in text
    # 10:08–10:20 spans the 10:00 and 10:15 rows.
    assert '<td data-row="8" data-column="0" data-slots="2" rowspan="2"' in text


def test_a_chair_sees_sessions_of_every_track_by_name_and_other_tracks_only_as_in_use(
    client, conference, hall, annex
):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    make_session(
        conference, title="Lunch", title_es="Almuerzo", room=hall,
        starts_at=la_time(15, "12:00"), ends_at=la_time(15, "13:30"),
    )  # fmt: skip
    make_session(conference, title="Their talk", track=theirs, room=annex)
    make_session(
        conference, title="Their plan", track=theirs, room=annex, status=DRAFT,
        starts_at=la_time(15, "14:00"), ends_at=la_time(15, "15:00"),
    )  # fmt: skip
    client.force_login(make_chair(mine))

    english = client.get(board_url(conference))
    spanish = client.get(board_url(conference), HTTP_ACCEPT_LANGUAGE="es")

    occupied = [
        entry.all_tracks_title or "in use"
        for row in english.context["rows"]
        for cell in row.cells
        for entry in cell.entries
    ]
    assert occupied == ["in use", "Lunch"]
    assert (
        '<div class="program-card program-occupied program-all-tracks"'
        ' data-starts="2014-12-15T12:00" data-ends="2014-12-15T13:30">\n'
        '  <p class="program-card-title">All tracks: Lunch</p>'
    ) in english.text
    assert english.text.count("In use by another track") == 1
    assert "Their" not in english.text
    assert "Almuerzo" in spanish.text
    assert "Lunch" not in spanish.text


def test_a_board_day_runs_a_fixed_number_of_queries(client, conference, hall, annex):
    mine = make_track(conference, name="Mine")
    for number in range(4):
        own = make_session(
            conference,
            track=mine,
            room=hall,
            starts_at=la_time(15, "09:00") + datetime.timedelta(hours=number),
            ends_at=la_time(15, "09:45") + datetime.timedelta(hours=number),
        )
        seat(own, make_speaker())
        make_session(
            conference,
            room=annex,
            starts_at=la_time(15, "09:00") + datetime.timedelta(hours=number),
            ends_at=la_time(15, "09:45") + datetime.timedelta(hours=number),
        )
    client.force_login(make_chair(mine))
    client.get(board_url(conference))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(board_url(conference)).status_code == 200
    assert len(captured) == BOARD_QUERIES_FOR_A_CHAIR
