import datetime
import random
import re
from urllib.parse import urljoin

import pytest
from django.utils import timezone

from niic.generated_program import generate_program
from sessions.models import Session
from tests.factories import (
    la_time,
    make_conference,
    make_room,
    make_session,
    make_speaker,
    make_track,
    publishing_at_once,
    seat,
)

pytestmark = pytest.mark.django_db


def card_titles(response):
    return [
        card.title
        for row in response.context["timetable"].rows
        for cell in row.cells
        for card in cell.cards
    ]


def on_at(timetable, clock):
    """The titles a reader finds by reading across the row at `clock`, as the table lays it out:
    every cell that starts in that row or spans down into it."""
    rows = timetable.rows
    index = next(i for i, row in enumerate(rows) if f"{row.starts_at:%H:%M}" == clock)
    found = []
    for number, row in enumerate(rows[: index + 1]):
        for cell in row.cells:
            if number + cell.rowspan > index:
                found += [card.title for card in cell.cards]
    return found


def test_schedule_opens_on_the_first_day_with_the_rooms_across(client, niic):
    response = client.get("/en/schedule/")
    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2014-12-14"
    # The main hall holds only the plenary, the break and the reception this day, each across
    # the whole table, so it needs no column of its own.
    assert [room.name for room in response.context["timetable"].rooms] == [
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
    assert "All times are local to the conference: America/Los_Angeles (PST)." in html


def test_plenaries_and_breaks_span_every_room_and_read_as_for_all_tracks(client, niic):
    response = client.get("/en/schedule/?day=2014-12-14")
    (plenary,) = response.context["timetable"].rows[0].cells
    assert ([card.title for card in plenary.cards], plenary.colspan, plenary.rowspan) == (
        ["Opening plenary"],
        3,
        6,
    )
    assert "<td rowspan=6 colspan=3 class=spanning>" in response.text
    assert "<p>All tracks · Plenary</p>" in response.text


def test_rows_are_evenly_spaced_in_time_and_cells_span_their_duration(client, niic):
    timetable = client.get("/en/schedule/?day=2014-12-15").context["timetable"]
    # Sessions start and end on quarter hours: one row per quarter hour, 9:00 to 14:45.
    assert timetable.step_minutes == 15
    assert [f"{row.starts_at:%H:%M}" for row in timetable.rows[:4]] == [
        "09:00",
        "09:15",
        "09:30",
        "09:45",
    ]
    assert f"{timetable.rows[-1].starts_at:%H:%M}" == "14:30"
    spans = {card.title: cell.rowspan for row in timetable.rows for cell in row.cells
             for card in cell.cards}  # fmt: skip
    assert (spans["Lunch"], spans["Morning break"]) == (6, 2)


def test_what_is_on_at_eleven_reads_off_the_row_at_eleven(client, niic):
    response = client.get("/en/schedule/?day=2014-12-15")
    # The three 10:45 sessions run through 11:00; nothing starts at 11:00 itself.
    assert on_at(response.context["timetable"], "11:00") == [
        "entrepreneurship as a component of integration in welcoming cities",
        "building alliances between African Americans and immigrants",
        "Sample session for the track “from naturalization to full citizenship”",
    ]
    assert on_at(response.context["timetable"], "12:15") == ["Lunch"]
    assert (
        '<tr class="quiet hour"><th scope="row">'
        '<time datetime="2014-12-15T11:00:00-08:00">11 a.m.</time></th>'
    ) in response.text


def test_a_plenary_alongside_other_sessions_keeps_to_its_room(client, conference):
    conference.is_current = True
    conference.save()
    hall, side = make_room(conference, name="Hall"), make_room(conference, name="Side")
    make_session(conference, title="Plenary", room=hall)
    make_session(conference, title="Caucus", room=side, track=make_track(conference))
    timetable = client.get("/en/schedule/?day=2014-12-15").context["timetable"]
    assert [room.name for room in timetable.rooms] == ["Hall", "Side"]
    assert [[card.title for card in cell.cards] for cell in timetable.rows[0].cells] == [
        ["Plenary"],
        ["Caucus"],
    ]


def test_every_session_card_names_its_track_and_room_in_words(client, niic):
    html = client.get("/en/schedule/?day=2014-12-15").text
    assert html.count("<p>Engaging receiving communities · Panel</p>") == 2
    assert html.count(" · Room B</p>") == 3
    assert "<p>10:45 a.m.–noon · Room A</p>" in html


def test_filter_options_start_with_a_capital(client, niic):
    html = client.get("/en/schedule/").text
    assert (
        '<option value="engaging-receiving-communities">Engaging receiving communities</option>'
        in html
    )
    assert '<optgroup label="Economic opportunity, inclusion, and stability">' in html


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
        ("speaker=Angélica", ["Opening plenary"]),
        ("q=COMMON+SENSE&day=2014-12-15",
         ["creating a sustainable economy for all: common sense economics"]),
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
    assert html.startswith('<div id="schedule-results" class="results" data-results>')
    assert "<html" not in html
    assert "data-filters" not in html


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
    assert '<article class="cancelled">' in html
    assert '<p class="badge cancel">Cancelled</p>' in html


def test_overlapping_sessions_in_one_room_sit_side_by_side_in_lanes(client, conference):
    # A cancelled session and its replacement may hold the same room and time: each has its own
    # cell, in its own lane of the room's column, the one that takes place first.
    conference.is_current = True
    conference.save()
    room = make_room(conference, name="Ballroom")
    track = make_track(conference)
    make_session(conference, title="Old", room=room, track=track, status="cancelled")
    make_session(conference, title="New", room=room, track=track)
    response = client.get("/en/schedule/?day=2014-12-15")
    timetable = response.context["timetable"]
    assert timetable.room_heads == [(room, 2)]
    row = timetable.rows[0]
    assert [[card.title for card in cell.cards] for cell in row.cells] == [["New"], ["Old"]]
    assert '<th scope="col" colspan="2"><a href=' in response.text


def test_sample_sessions_are_labelled_on_the_schedule(client, niic):
    html = client.get("/en/schedule/").text
    assert html.count('<p class="badge sample">Sample data</p>') == 9
    assert "Sample schedule: the source gives no times, rooms or line-ups" in html


def test_panelists_are_listed_on_their_session_card(client, conference):
    conference.is_current = True
    conference.save()
    session = make_session(conference, starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00"))
    seat(session, make_speaker(name="Eva Millona"), order=2)
    seat(session, make_speaker(name="Julien Ross"), role="moderator", order=5)
    html = client.get("/en/schedule/?day=2014-12-16").text
    assert "<p class=who>Julien Ross, Eva Millona</p>" in html


def live_edition():
    """An edition running today, in UTC, with a session on now and one later today."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = now.date()
    live = make_conference(
        time_zone="UTC",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        is_current=True,
    )
    track = make_track(live)
    quarter = now.replace(minute=now.minute - now.minute % 15)
    running = make_session(
        live, title="Running now", track=track, room=make_room(live),
        starts_at=quarter, ends_at=quarter + datetime.timedelta(minutes=30),
    )  # fmt: skip
    return live, running


def test_while_the_edition_is_on_the_schedule_jumps_to_now(client):
    if timezone.now().hour == 23 and timezone.now().minute >= 45:
        pytest.skip("the session made for now would end after midnight, on another day")
    live, running = live_edition()
    response = client.get(f"/en/editions/{live.slug}/schedule/")
    timetable = response.context["timetable"]
    (now_row,) = [row for row in timetable.rows if row.is_now]
    assert (now_row.starts_at, timetable.now_label) == (running.starts_at, "now")
    assert '<a class="jump-now" href="#now">Jump to now and next</a>' in response.text
    assert ' id="now"><th scope="row">' in response.text
    assert '<span class="now-badge">Now</span>' in response.text
    # From another day, the jump opens today's page at the same row.
    other_day = live.start_date if live.start_date != running.starts_at.date() else live.end_date
    html = client.get(f"/en/editions/{live.slug}/schedule/?day={other_day}").text
    assert f'<a class="jump-now" href="?day={running.starts_at.date()}#now">' in html


def test_no_jump_to_now_outside_the_edition(client, niic):
    response = client.get("/en/schedule/")
    assert response.context["now_day"] is None
    assert "jump-now" not in response.text
    assert not any(row.is_now for row in response.context["timetable"].rows)


def test_every_star_says_add_and_is_named_after_its_session(client, niic):
    html = client.get("/en/schedule/?day=2014-12-16").text
    closing = Session.objects.get(slug="closing-plenary").pk
    assert (
        f'<button name=add value={closing} id=a{closing} aria-labelledby="a{closing} s{closing}">'
        "Add to my agenda</button>"
    ) in html
    # Links relative to the page, which lists hundreds of them: "../" from /en/schedule/.
    link = "../editions/niic-2014/sessions/closing-plenary/"
    assert f"<h3 id=s{closing}><a href={link}>" in html
    assert urljoin("/en/schedule/", link) == "/en/editions/niic-2014/sessions/closing-plenary/"
    edition_page = client.get("/en/editions/niic-2014/schedule/?day=2014-12-16").text
    assert f"<h3 id=s{closing}><a href=../sessions/closing-plenary/>" in edition_page
    # Without JavaScript the star submits the agenda form around the timetable.
    assert '<form class="agenda-form" method="get" action="/en/agenda/">' in html


def test_a_schedule_opened_with_an_agenda_marks_its_sessions_and_keeps_it(client, niic):
    closing = Session.objects.get(slug="closing-plenary").pk
    lunch = Session.objects.get(slug="lunch").pk
    html = client.get(f"/en/schedule/?day=2014-12-16&agenda={lunch},{closing}").text
    assert (
        f"<button class=on name=remove value={closing} id=a{closing} "
        f'aria-labelledby="a{closing} s{closing}">In my agenda — remove</button>'
    ) in html
    assert f'<input type="hidden" name="sessions" value="{lunch},{closing}">' in html
    # The day tabs and the filters carry the agenda along.
    assert f'href="?agenda={lunch}%2C{closing}&amp;day=2014-12-14"' in html
    assert f'<input type="hidden" name="agenda" value="{lunch},{closing}">' in html


@pytest.mark.parametrize("agenda", ["1;2", "²", "1," + "2" * 30])
def test_a_malformed_agenda_on_the_schedule_is_a_400(client, niic, agenda):
    response = client.get("/en/schedule/", {"agenda": agenda})
    assert response.status_code == 400
    assert "The list of sessions must be numbers separated by commas." in response.text


def test_each_session_adds_few_bytes_to_a_schedule_day(client):
    """The day page's weight per session, the grid's markup included and the page's fixed
    parts (header, filters) left out: measured as the difference between two editions."""
    sizes = []
    for sessions in (180, 360):
        conference = generate_program(sessions=sessions, speakers=300, seed=4).conference
        response = client.get(
            f"/en/editions/{conference.slug}/schedule/?day={conference.start_date}"
        )
        sizes.append((len(response.content), response.text.count("<article")))
    (small_bytes, small_cards), (large_bytes, large_cards) = sizes
    assert (small_cards, large_cards) == (60, 120)
    # 450 before the cards said their languages, interpretation, CART and ASL (issue 20): on
    # this edition 75 cards of 120 carry such badges, about 72 bytes a card on average, the
    # same few words repeated (which compression on the wire takes back).
    assert (large_bytes - small_bytes) / (large_cards - small_cards) <= 525


def grid_cells(timetable):
    """Where each cell sits in the table as a browser lays it out: {card title: (first row,
    end row, first column, end column)} (columns after the time column), checking on the way
    that no two cells cover one slot and that every slot is covered."""
    width = sum(lanes for _, lanes in timetable.room_heads)
    taken, found = set(), {}
    for number, row in enumerate(timetable.rows):
        column = 0
        for cell in row.cells:
            while (number, column) in taken:
                column += 1
            slots = {
                (each_row, each_column)
                for each_row in range(number, number + cell.rowspan)
                for each_column in range(column, column + cell.colspan)
            }
            assert not slots & taken, f"cells overlap at row {number}, column {column}"
            taken |= slots
            for card in cell.cards:
                found[card.title] = (number, number + cell.rowspan, column, column + cell.colspan)
            assert len(cell.cards) <= 1, "two cards in one cell"
            column += cell.colspan
    assert taken == {(r, c) for r in range(len(timetable.rows)) for c in range(width)}
    return found


def check_the_grid(timetable, sessions):
    """No two cards overlap; each card starts in the row of its start, spans its duration and
    stays in its room's column (unless it is for every track and spans them all)."""
    cells = grid_cells(timetable)
    assert set(cells) == {session.title for session in sessions}
    step = datetime.timedelta(minutes=timetable.step_minutes)
    room_columns, column = {}, 0
    for room, lanes in timetable.room_heads:
        room_columns[room] = range(column, column + lanes)
        column += lanes
    for session in sessions:
        first, end, left, right = cells[session.title]
        assert timetable.rows[first].starts_at == session.starts_at, session.title
        duration = session.ends_at - session.starts_at
        assert (end - first) * step == max(duration, step), session.title
        if session.room in room_columns and right - left == 1:
            assert left in room_columns[session.room], session.title
    return cells


def check_the_phone_list(html, sessions):
    """In the narrow list every card sits under a time heading, and that heading is its
    start."""
    starts = {str(session.pk): session.starts_at for session in sessions}
    seen = 0
    for chunk in html.split("<tr")[2:]:
        refs = re.findall(r" id=s(\d+)", chunk)
        if not refs:
            continue
        heading = re.match(r'[^>]*><th scope="row"><time datetime="([^"]+)"', chunk)
        assert heading, chunk[:200]
        at = datetime.datetime.fromisoformat(heading.group(1))
        assert all(starts[ref] == at for ref in refs), (at, refs)
        seen += len(refs)
    assert seen == len(sessions)


def test_any_start_and_end_minute_gets_its_own_rows_and_lanes(client, conference):
    conference.is_current = True
    conference.save()
    hall, side = make_room(conference, name="Hall"), make_room(conference, name="Side")
    track = make_track(conference)
    times = [
        ("Early", hall, "10:08", "10:55"),
        ("Back to back", hall, "10:55", "11:40"),
        ("Odd", side, "10:00", "11:16"),
        ("Overlapping", side, "11:02", "12:29"),
        ("Late lunch talk", side, "12:29", "13:16"),
        ("Old", hall, "12:29", "13:16"),
        ("New", hall, "12:29", "13:16"),
        ("Short", hall, "13:16", "13:19"),
    ]
    sessions = [
        make_session(
            conference, title=title, room=room, track=track,
            # Published sessions never share a room (PostgreSQL refuses it).
            status="cancelled" if title in ("Old", "Overlapping") else "published",
            starts_at=la_time(15, starts), ends_at=la_time(15, ends),
        )
        for title, room, starts, ends in times
    ]  # fmt: skip
    sessions.append(
        make_session(
            conference, title="Lunch", starts_at=la_time(15, "13:30"), ends_at=la_time(15, "14:00")
        )
    )
    # Crossing the day's edge: it runs past midnight, and the grid runs with it.
    sessions.append(
        make_session(
            conference, title="Night walk", room=side, track=track,
            starts_at=la_time(15, "23:41"), ends_at=la_time(16, "00:26"),
        )
    )  # fmt: skip
    response = client.get("/en/schedule/?day=2014-12-15")
    timetable = response.context["timetable"]
    assert timetable.step_minutes == 1
    assert timetable.room_heads == [(hall, 2), (side, 2)]
    cells = check_the_grid(timetable, sessions)
    assert [cells[title][2:] for title in ("New", "Old", "Odd", "Overlapping")] == [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 4),
    ]
    # Back to back in one lane: one ends in the row where the next begins.
    assert cells["Early"][1] == cells["Back to back"][0]
    assert cells["Early"][2:] == cells["Back to back"][2:]
    # The break spans the table.
    assert cells["Lunch"][2:] == (0, 4)
    assert f"{timetable.rows[-1].starts_at:%H:%M}" == "00:25"
    assert sorted(on_at(timetable, "11:05")) == ["Back to back", "Odd", "Overlapping"]
    check_the_phone_list(response.text, sessions)


def test_overlapping_breaks_for_every_track_share_the_width(client, conference):
    conference.is_current = True
    conference.save()
    room = make_room(conference, name="Hall")
    track = make_track(conference)
    sessions = [
        make_session(conference, title="Talk", room=room, track=track),
        make_session(
            conference, title="Coffee", starts_at=la_time(15, "11:20"),
            ends_at=la_time(15, "11:50"),
        ),
        make_session(
            conference, title="Coffee (old time)", status="cancelled",
            starts_at=la_time(15, "11:25"), ends_at=la_time(15, "11:45"),
        ),
    ]  # fmt: skip
    response = client.get("/en/schedule/?day=2014-12-15")
    timetable = response.context["timetable"]
    cells = check_the_grid(timetable, sessions)
    # One column only: the two breaks cannot share it, so they keep to their rooms' lanes.
    assert timetable.room_heads == [(room, 1), (None, 2)]
    assert {cells["Coffee"][2:], cells["Coffee (old time)"][2:]} == {(1, 2), (2, 3)}
    check_the_phone_list(response.text, sessions)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_edition_at_irregular_times_never_overlaps(client, seed):
    """The generated program's regular slots, shifted and stretched at random: starts at any
    minute, sessions that run into each other in a room, some cancelled and replaced."""
    conference = generate_program(sessions=180, speakers=200, rooms=6, seed=seed).conference
    publishing_at_once(conference)
    rng, lanes = random.Random(seed), []
    moved = list(Session.objects.filter(conference=conference).order_by("pk"))
    for session in moved:
        session.starts_at += datetime.timedelta(minutes=rng.randint(-9, 23))
        session.ends_at = session.starts_at + datetime.timedelta(minutes=rng.randint(20, 110))
    # Published sessions never share a room (PostgreSQL refuses it): one that runs into the
    # one before it in its room is cancelled, as if replaced.
    busy_until = {}
    for session in sorted(moved, key=lambda session: session.starts_at):
        if session.room_id in busy_until and busy_until[session.room_id] > session.starts_at:
            session.status = Session.Status.CANCELLED
        else:
            busy_until[session.room_id] = session.ends_at
    for session in moved:
        session.save()
    for day in conference.days:
        response = client.get(f"/en/editions/{conference.slug}/schedule/?day={day}")
        timetable = response.context["timetable"]
        sessions = [
            session
            for session in Session.objects.filter(conference=conference)
            if timezone.localdate(session.starts_at, conference.tzinfo) == day
        ]
        assert sessions
        assert timetable.step_minutes == 1
        check_the_grid(timetable, sessions)
        check_the_phone_list(response.text, sessions)
        lanes.extend(count for _, count in timetable.room_heads)
    # Sessions ran into each other in their rooms, and got lanes.
    assert max(lanes) > 1


def test_the_phone_list_offers_a_jump_to_each_start_time(client, niic):
    response = client.get("/en/schedule/?day=2014-12-15")
    html = response.text
    nav = re.search(r'<nav class="time-jump" aria-label="Jump to a time">(.*?)</nav>', html, re.S)
    assert nav, "no jump to a time"
    targets = re.findall(r'<a href="#([^"]+)"><time datetime="([^"]+)">', nav.group(1))
    starts = [
        row.starts_at.isoformat() for row in response.context["timetable"].rows if row.has_starts
    ]
    # One link per time heading of the phone list, in order, each to that heading's id.
    assert [at for _, at in targets] == starts
    assert len(starts) > 1
    for target, at in targets:
        assert html.count(f' id="{target}"') == 1, target
        assert f'<th scope="row"><time datetime="{at}" id="{target}">' in html
    # Plain links: nothing scripted.
    assert "onclick" not in nav.group(1)


def test_the_jump_to_a_time_is_translated_and_costs_no_query(
    client, niic, django_assert_num_queries
):
    from tests.test_query_budget import QUERIES

    client.get("/es/schedule/?day=2014-12-15")  # warm whatever is cached per process
    from niic import program_version

    program_version.bump()
    with django_assert_num_queries(QUERIES["schedule"]):
        html = client.get("/es/schedule/?day=2014-12-15").text
    assert '<nav class="time-jump" aria-label="' in html
    assert re.search(r'<a href="#at-\d{4}"><time datetime="[^"]+">\d', html)
