import json
import re

import pytest

from sessions.models import Session
from tests.factories import la_time, make_room, make_session, make_speaker, make_track, seat
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_session_page_gives_time_with_zone_room_track_format_and_services(client, niic):
    response = client.get("/en/editions/niic-2014/sessions/closing-plenary/")
    assert response.status_code == 200
    html = response.text
    assert '<h1 id="session-title">Closing plenary</h1>' in html
    assert (
        '<dd>Tuesday, Dec. 16, 2014, <time datetime="2014-12-16T10:30:00-08:00">10:30 a.m.</time>'
        '–<time datetime="2014-12-16T12:00:00-08:00">noon</time> '
        '<abbr title="America/Los_Angeles">PST</abbr>'
    ) in html
    assert '<dd><a href="/en/editions/niic-2014/rooms/main-hall/">Main hall</a></dd>' in html
    assert "<dd>All tracks</dd>" in html
    assert "<dd>Plenary</dd>" in html
    assert "<dt>Interpretation languages</dt><dd>Spanish</dd>" in html
    assert "<li>CART captioning</li><li>ASL interpretation</li>" in html
    assert "Sample schedule: the source gives no time, room or line-up for this session" in html


def test_session_page_lists_the_panel_moderator_first_linking_to_speakers(client, conference):
    session = make_session(conference, title="Building alliances")
    seat(session, make_speaker(name="Eva Millona", slug="eva"), order=1)
    seat(session, make_speaker(name="Julien Ross", slug="julien"), role="moderator", order=2)
    html = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/").text
    panel = re.findall(r'<li><a href="/en/speakers/([a-z]+)/">([^<]+)</a> — ([A-Za-z]+)', html)
    assert panel == [("julien", "Julien Ross", "Moderator"), ("eva", "Eva Millona", "Panelist")]


def test_session_page_sanitizes_the_organizer_markdown(client, conference):
    session = make_session(
        conference, description="**Bring** questions.<script>alert(1)</script><img src=x onerror=y>"
    )
    html = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/").text
    assert '<div class="prose"><p><strong>Bring</strong> questions.</p></div>' in html
    assert "alert(1)" not in html
    assert "onerror" not in html


def test_session_page_lists_what_else_runs_in_the_same_slot(client, conference):
    room = make_room(conference, name="Room B")
    session = make_session(conference, title="Mine")
    make_session(conference, title="Parallel", room=room, starts_at=la_time(15, "10:30"))
    make_session(
        conference, title="Later", starts_at=la_time(15, "13:00"), ends_at=la_time(15, "14:00")
    )
    make_session(conference, title="Draft parallel", status="draft")
    response = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/")
    assert [other.title for other in response.context["same_slot"]] == ["Parallel"]


def test_session_page_carries_schema_org_event_data(client, niic):
    Session.objects.filter(slug="lunch").update(status=Session.Status.CANCELLED)
    program_changed.send(sender=Session)  # update() sends no model signal
    html = client.get("/en/editions/niic-2014/sessions/lunch/").text
    data = json_ld(html)
    assert {key: data[key] for key in ("@type", "name", "startDate", "endDate", "eventStatus")} == {
        "@type": "Event",
        "name": "Lunch",
        "startDate": "2014-12-15T12:00:00-08:00",
        "endDate": "2014-12-15T13:30:00-08:00",
        "eventStatus": "https://schema.org/EventCancelled",
    }
    assert data["location"] == {
        "@type": "Place",
        "name": "Main hall",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Los Angeles",
            "addressRegion": "California",
        },
    }
    assert "This session has been cancelled." in html


def test_session_of_another_edition_is_not_found_under_this_one(client, niic, conference):
    other = make_session(conference, slug="elsewhere")
    assert client.get(f"/en/editions/niic-2014/sessions/{other.slug}/").status_code == 404


def test_track_list_counts_public_sessions_and_topics(client, niic):
    response = client.get("/en/editions/niic-2014/tracks/")
    counts = {track.name: track.public_session_count for track in response.context["tracks"]}
    assert counts["engaging receiving communities"] == 4
    assert counts["economic opportunity, inclusion, and stability"] == 5
    assert "<p>4 sessions · 4 topics</p>" in response.text


def test_track_page_has_its_description_topics_and_sessions_by_day(client, niic):
    response = client.get("/en/editions/niic-2014/tracks/engaging-receiving-communities/")
    html = response.text
    assert "successful immigrant integration requires support from and engagement" in html
    assert [day.isoformat() for day, _ in response.context["sessions_by_day"]] == [
        "2014-12-14",
        "2014-12-15",
    ]
    assert sum(len(sessions) for _, sessions in response.context["sessions_by_day"]) == 4


def test_topic_page_lists_its_sessions(client, niic):
    response = client.get(
        "/en/editions/niic-2014/tracks/economic-opportunity-inclusion-and-stability/"
        "entrepreneurship-as-a-component-of-integration-in-welcoming-cities/"
    )
    assert [
        session.title for _, sessions in response.context["sessions_by_day"] for session in sessions
    ] == ["entrepreneurship as a component of integration in welcoming cities"]


def test_room_page_says_nothing_of_accessibility_when_it_has_no_notes(client, conference):
    room = make_room(conference, slug="annex", name="Annex")
    make_session(conference, room=room)
    html = client.get(f"/en/editions/{conference.slug}/rooms/annex/").text
    assert "Accessibility" not in html
    assert "No accessibility notes" not in html


def test_room_page_gives_location_accessibility_and_sessions_by_day(client, conference):
    room = make_room(
        conference,
        slug="ballroom",
        name="Ballroom",
        location="Level 2, west wing",
        accessibility_notes="Step-free from the lobby lift.",
        capacity=300,
    )
    make_session(conference, title="Morning", room=room, track=make_track(conference))
    html = client.get(f"/en/editions/{conference.slug}/rooms/ballroom/").text
    assert "<dt>Location</dt><dd>Level 2, west wing</dd>" in html
    assert "<dt>Capacity</dt><dd>300 seats</dd>" in html
    assert "<dt>Accessibility</dt><dd>Step-free from the lobby lift.</dd>" in html
    assert '<h2 id="day-2014-12-15">Monday, December 15</h2>' in html


def test_agenda_lists_chosen_sessions_by_day_and_flags_overlaps(client, conference):
    first = make_session(conference, title="First")
    overlapping = make_session(
        conference,
        title="Overlapping",
        starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"),
    )
    apart = make_session(
        conference, title="Apart", starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00")
    )
    response = client.get(f"/en/agenda/?sessions={apart.pk},{first.pk},{overlapping.pk}")
    agenda = [
        (day.isoformat(), [(s.title, s.overlaps) for s in sessions])
        for day, sessions in response.context["agenda"]
    ]
    assert agenda == [
        ("2014-12-15", [("First", ["Overlapping"]), ("Overlapping", ["First"])]),
        ("2014-12-16", [("Apart", [])]),
    ]
    assert f'href="/en/agenda.ics?sessions={first.pk},{overlapping.pk},{apart.pk}"' in response.text
    assert (
        f'href="webcal://testserver/en/agenda.ics?sessions={first.pk},{overlapping.pk},{apart.pk}"'
        in response.text
    )


def test_overlap_badges_name_the_other_session_with_a_capital(client, conference):
    first = make_session(conference, title="first things")
    other = make_session(conference, title="second thoughts", starts_at=la_time(15, "10:30"))
    html = client.get(f"/en/agenda/?sessions={first.pk},{other.pk}").text
    assert "Overlaps with: Second thoughts" in html
    assert "Overlaps with: First things" in html


def test_an_empty_agenda_explains_itself_without_a_cookie(client):
    response = client.get("/en/agenda/")
    assert "Your agenda is empty." in response.text
    assert response.cookies == {}


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ("1;DROP", "The list of sessions must be numbers separated by commas."),
        ("²", "The list of sessions must be numbers separated by commas."),
        ("1,٣", "The list of sessions must be numbers separated by commas."),
        ("9" * 40, "The list of sessions must be numbers separated by commas."),
        (",".join(["1"] * 201), "An agenda holds at most 200 sessions."),
    ],
)
def test_a_malformed_agenda_is_a_400_with_our_own_message(client, sessions, message):
    response = client.get("/en/agenda/", {"sessions": sessions})
    assert response.status_code == 400
    assert f"<p>{message}</p>" in response.text
    assert "invalid literal" not in response.text


def test_a_malformed_agenda_is_refused_in_the_pages_language(client):
    response = client.get("/es/agenda/", {"sessions": "²"})
    assert response.status_code == 400
    assert "La lista de sesiones debe contener números separados por comas." in response.text


def test_adding_to_the_agenda_without_javascript_redirects_to_the_new_list(client, conference):
    first, second = make_session(conference), make_session(conference)
    response = client.get("/en/agenda/", {"sessions": str(first.pk), "add": str(second.pk)})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/en/agenda/?sessions={first.pk},{second.pk}",
    )
    response = client.get("/en/agenda/", {"add": str(first.pk)})
    assert response["Location"] == f"/en/agenda/?sessions={first.pk}"
    # Adding one already there changes nothing.
    response = client.get("/en/agenda/", {"sessions": str(first.pk), "add": str(first.pk)})
    assert response["Location"] == f"/en/agenda/?sessions={first.pk}"


def test_removing_from_the_agenda_without_javascript_redirects_to_the_rest(client, conference):
    first, second = make_session(conference), make_session(conference)
    response = client.get(
        "/en/agenda/", {"sessions": f"{first.pk},{second.pk}", "remove": str(first.pk)}
    )
    assert response["Location"] == f"/en/agenda/?sessions={second.pk}"
    response = client.get("/en/agenda/", {"sessions": str(second.pk), "remove": str(second.pk)})
    assert response["Location"] == "/en/agenda/"


def test_the_agenda_page_offers_removal_and_the_shared_view(client, conference):
    session = make_session(conference, title="Kept")
    html = client.get(f"/en/agenda/?sessions={session.pk}").text
    assert (
        f"<button class=on name=remove value={session.pk} id=a{session.pk} "
        f'aria-labelledby="a{session.pk} s{session.pk}">In my agenda — remove</button>'
    ) in html
    assert f'<input type="hidden" name="sessions" value="{session.pk}">' in html
    # agenda.js shows these when the list is not this browser's own.
    assert 'data-title-shared="Shared agenda"' in html
    assert (
        '<button type="button" class="primary" data-agenda-add-all>Add all to my agenda</button>'
        in html
    )
    assert f'href="/en/schedule/?agenda={session.pk}" data-agenda-more' in html


def test_the_session_page_star_works_without_javascript(client, niic):
    session = Session.objects.get(slug="lunch")
    html = client.get("/en/editions/niic-2014/sessions/lunch/").text
    assert '<form class="actions agenda-form" method="get" action="/en/agenda/">' in html
    assert (
        f'<button class="star" name="add" value="{session.pk}" id="a{session.pk}" '
        f'aria-labelledby="a{session.pk} session-title">Add to my agenda</button>'
    ) in html


def test_structured_data_carries_the_description_without_markdown(client, conference):
    session = make_session(
        conference, description="Bring **questions** and [notes](https://x.org)."
    )
    data = json_ld(client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/").text)
    assert data["description"] == "Bring questions and notes (https://x.org)."


def test_track_colours_are_one_small_stylesheet(client, niic):
    response = client.get("/track-colours.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    track = niic.tracks.get(slug="engaging-receiving-communities")
    assert f".t{track.pk}{{--track:{track.colour}}}" in response.text.splitlines()
    assert len(response.text.splitlines()) == 9


def test_the_same_slot_list_shows_each_session_linked_with_its_time_room_and_cancellation(
    client, conference
):
    room = make_room(conference, name="Room B", slug="room-b")
    session = make_session(conference, title="Mine")
    make_session(
        conference,
        title="parallel workshop",
        slug="parallel",
        room=room,
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
        status="cancelled",
    )
    make_session(conference, title="Caucus", title_es="Asamblea", slug="caucus")
    html = client.get(f"/es/editions/{conference.slug}/sessions/{session.slug}/").text
    listed = html[html.index('<ul class="compact-list">') :]
    listed = listed[: listed.index("</ul>")]
    # On a Spanish page, a title or room name shown in English says so; a cancelled session
    # is marked as such.
    assert re.findall(r"<li>(.*?)</li>", listed) == [
        f'<a href="/es/editions/{conference.slug}/sessions/caucus/">Asamblea</a> — '
        '<time datetime="2014-12-15T10:00:00-08:00">10:00</time>–'
        '<time datetime="2014-12-15T11:15:00-08:00">11:15</time> '
        '<abbr title="America/Los_Angeles">PST</abbr>',
        f'<a href="/es/editions/{conference.slug}/sessions/parallel/" lang="en">Parallel workshop'
        "</a> — "
        '<time datetime="2014-12-15T10:30:00-08:00">10:30</time>–'
        '<time datetime="2014-12-15T11:30:00-08:00">11:30</time> '
        '<abbr title="America/Los_Angeles">PST</abbr> · <span lang="en">Room B</span> (cancelada)',
    ]
