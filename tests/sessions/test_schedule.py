import pytest

from sessions.models import Session
from tests.factories import la_time, make_room, make_session, make_speaker, make_track, seat

pytestmark = pytest.mark.django_db


def card_titles(response):
    return [
        session.title
        for row in response.context["timetable"].rows
        for session in (row.spanning or [s for cell in row.cells for s in cell])
    ]


def test_schedule_opens_on_the_first_day_with_the_rooms_across(client, niic):
    response = client.get("/en/schedule/")
    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2014-12-14"
    assert [room.name for room in response.context["timetable"].rooms] == [
        "Main hall",
        "Room A",
        "Room B",
        "Room C",
    ]
    assert card_titles(response) == [
        "Opening plenary",
        "Afternoon break",
        "building financial capability in immigrant and refugee communities",
        "what works: overcoming backlash and fostering greater understanding in today’s "
        "volatile environment",
        "Sample session for the track “education services and systems: strengthening the "
        "cornerstone for integration”",
        "immigration and the states: advancing state policy priorities in immigration",
        "promoting greater Arab, Middle Eastern, Muslim and South Asian community inclusion",
        "Sample session for the track “healthy families and healthy communities”",
        "Welcome reception",
    ]


def test_schedule_shows_times_in_the_conference_zone_whatever_the_server_zone(
    client, niic, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    html = client.get("/en/schedule/?day=2014-12-14").text
    assert '<time datetime="2014-12-14T13:00:00-08:00">1 p.m.</time>' in html
    assert '<abbr title="America/Los_Angeles">PST</abbr>' in html
    assert "All times are local to the conference: America/Los_Angeles." in html


def test_plenaries_and_breaks_span_every_room_and_read_as_for_all_tracks(client, niic):
    response = client.get("/en/schedule/?day=2014-12-14")
    first_row = response.context["timetable"].rows[0]
    assert [session.title for session in first_row.spanning] == ["Opening plenary"]
    assert '<td colspan="4" class="spanning">' in response.text
    assert '<span class="all-tracks">All tracks</span>' in response.text


def test_every_session_card_names_its_track_in_words(client, niic):
    html = client.get("/en/schedule/?day=2014-12-15").text
    assert html.count('class="track-label"') == 9
    assert '<span class="track-label">Engaging receiving communities</span>' in html


def test_filter_by_track_keeps_only_that_track(client, niic):
    response = client.get("/en/schedule/?track=engaging-receiving-communities&day=2014-12-15")
    assert response.status_code == 200
    assert card_titles(response) == [
        "how to communicate about changing demographics and address unconscious prejudice",
        "building alliances between African Americans and immigrants",
    ]
    assert [(day.isoformat(), count) for day, count in response.context["days"]] == [
        ("2014-12-14", 2),
        ("2014-12-15", 2),
        ("2014-12-16", 0),
    ]


def test_filter_without_a_day_opens_on_the_first_day_with_a_match(client, niic):
    response = client.get("/en/schedule/?track=protecting-our-rights-and-expanding-our-freedoms")
    assert response.context["day"].isoformat() == "2014-12-16"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=engaging-receiving-communities/building-alliances-between-african-americans-"
         "and-immigrants", ["building alliances between African Americans and immigrants"]),
        ("room=room-b&day=2014-12-16", []),
        ("format=break&day=2014-12-15", ["Morning break", "Lunch"]),
        ("access=cart&day=2014-12-16", ["Closing plenary"]),
        ("language=es&day=2014-12-16", ["Closing plenary"]),
        ("speaker=Millona", ["Closing plenary"]),
        ("speaker=chirla", ["Opening plenary"]),
        ("q=common+sense&day=2014-12-15",
         ["creating a sustainable economy for all: common sense economics"]),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_schedule(client, niic, query, expected):
    response = client.get(f"/en/schedule/?{query}")
    assert response.status_code == 200
    assert card_titles(response) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=banana", "“banana” is not a day of this edition."),
        ("day=2014-12-20", "“2014-12-20” is not a day of this edition."),
        ("track=nope", "“nope” is not a track of this edition."),
        ("topic=nope/nope", "“nope/nope” is not a topic of this edition."),
        ("room=ballroom", "“ballroom” is not a room of this edition."),
        ("format=gala", "“gala” is not a session format."),
        ("language=xx", "“xx” is not a language of the program."),
        ("access=braille", "“braille” is not an access service."),
        ("q=" + "x" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
    ],
)
def test_a_malformed_filter_gets_a_400_with_a_clear_message(client, niic, query, message):
    response = client.get(f"/en/schedule/?{query}")
    assert response.status_code == 400
    assert [
        error for errors in response.context["filterset"].errors.values() for error in errors
    ] == [message]
    assert message.replace("“", "&ldquo;") in response.text or message in response.text


def test_the_results_fragment_is_only_the_results(client, niic):
    response = client.get("/en/schedule/?fragment=results&track=engaging-receiving-communities")
    html = response.text.strip()
    assert html.startswith(
        '<div id="schedule-results" class="schedule-results" data-schedule-results>'
    )
    assert "<html" not in html
    assert "<form" not in html


def test_drafts_never_reach_the_schedule(client, conference):
    conference.is_current = True
    conference.save()
    make_session(conference, title="Announced panel")
    make_session(conference, title="Secret draft", status=Session.Status.DRAFT)
    response = client.get("/en/schedule/?day=2014-12-15")
    assert card_titles(response) == ["Announced panel"]
    assert "Secret draft" not in response.text


def test_cancelled_sessions_stay_visible_and_marked(client, conference):
    conference.is_current = True
    conference.save()
    make_session(conference, title="Called off", status=Session.Status.CANCELLED)
    html = client.get("/en/schedule/?day=2014-12-15").text
    assert 'class="session-card is-cancelled"' in html
    assert '<p class="badge badge-cancelled">Cancelled</p>' in html


def test_overlapping_sessions_in_one_room_share_a_cell(client, conference):
    # A cancelled session and its replacement may hold the same room and time.
    conference.is_current = True
    conference.save()
    room = make_room(conference, name="Ballroom")
    track = make_track(conference)
    make_session(conference, title="Old", room=room, track=track, status="cancelled")
    make_session(conference, title="New", room=room, track=track)
    response = client.get("/en/schedule/?day=2014-12-15")
    row = response.context["timetable"].rows[0]
    assert [[session.title for session in cell] for cell in row.cells] == [["New", "Old"]]


def test_sample_sessions_are_labelled_on_the_schedule(client, niic):
    html = client.get("/en/schedule/").text
    assert html.count('<p class="badge badge-sample">Sample data</p>') == 9
    assert "Sample schedule: the source gives no times, rooms or line-ups" in html


def test_panelists_are_listed_on_their_session_card(client, conference):
    conference.is_current = True
    conference.save()
    session = make_session(conference, starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00"))
    seat(session, make_speaker(name="Eva Millona"), order=2)
    seat(session, make_speaker(name="Julien Ross"), role="moderator", order=5)
    html = client.get("/en/schedule/?day=2014-12-16").text
    assert '<p class="session-panel">Julien Ross, Eva Millona</p>' in html
