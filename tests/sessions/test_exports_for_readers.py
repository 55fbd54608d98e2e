"""What apps, calendars and readers built for other programs' files expect of the exports
beyond their schemas: every element frab and pretalx write, in their order; tracks for
plenaries and breaks; CORS on the calendar feeds; an Atom author; schema.org data that search
engines read; a CSV that Excel reads as UTF-8; the agenda calendar's limit said in words."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sessions import services
from sessions.models import Session
from speakers.models import Organization, Speaker
from tests.factories import make_room, make_session
from tests.sessions.test_exports import c3voc_errors, frab_errors
from tracks.models import Conference
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db

FORMATS = Path(__file__).resolve().parent.parent / "formats"
EDITION = "/en/editions/niic-2014"
FRAB_EVENT = json.loads((FORMATS / "frab_event_elements.json").read_text())


@pytest.fixture
def program(niic, organizer):
    """NIIC 2014 with a cancelled session (with a note) and one of no slug, room or language."""
    lunch = Session.objects.get(slug="lunch")
    services.sessions_cancel(user=organizer, sessions=[lunch], note="Lunch is on your own.")
    make_session(niic, title="Walking tour", slug="")
    return niic


def frab_events(client, language="en"):
    response = client.get(f"/{language}/editions/niic-2014/schedule.xml")
    return response, ET.fromstring(response.content).findall("day/room/event")


def c3voc_events(client, language="en"):
    document = json.loads(client.get(f"/{language}/editions/niic-2014/schedule.json").content)
    conference = document["schedule"]["conference"]
    events = [
        event for day in conference["days"] for events in day["rooms"].values() for event in events
    ]
    return document, events


# schedule.xml: every element frab and pretalx write, in their order


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_event_has_the_elements_frab_and_pretalx_write_in_their_order(
    client, program, language, tmp_path
):
    response, events = frab_events(client, language)
    assert len(events) == Session.objects.public().count() == 23
    for event in events:
        assert sorted(event.attrib) == sorted(FRAB_EVENT["event_attributes"])
        assert [child.tag for child in event] == FRAB_EVENT["event"], event.findtext("title")
        recording = event.find("recording")
        assert [child.tag for child in recording] == FRAB_EVENT["recording"]
    # And the file still validates against the c3voc's schema.
    assert frab_errors(response.content, tmp_path) == ""


def test_elements_without_a_value_are_written_empty(client, program):
    _response, events = frab_events(client)
    by_title = {event.findtext("title"): event for event in events}
    lunch, tour = by_title["Cancelled: Lunch"], by_title["Walking tour"]
    assert lunch.findtext("subtitle") == "Lunch is on your own."
    # What pretalx's importer reads of an event that is not cancelled: text of None, no crash.
    for name in ("subtitle", "language", "description", "logo", "links", "attachments"):
        assert [child.text for child in tour if child.tag == name] == [None], name
    assert (tour.findtext("recording/license"), tour.findtext("recording/optout")) == ("", "false")
    # A session with no slug of its own still gets one the schema accepts.
    assert tour.findtext("slug").startswith("niic_2014-")


@pytest.mark.parametrize(
    ("language", "plenary", "pause", "reception", "panel"),
    [
        ("en", "Plenary", "Break", "Reception", "Panel"),
        ("es", "Plenaria", "Receso", "Recepción", "Panel"),
    ],
)
def test_plenaries_and_breaks_are_filed_under_their_format_not_under_no_track(
    client, program, language, plenary, pause, reception, panel
):
    response, events = frab_events(client, language)
    tracks = {int(event.get("id")): event.findtext("track") for event in events}
    listed = [
        track.get("name") for track in ET.fromstring(response.content).findall("conference/track")
    ]
    # Every event names a track, and every track an event names is listed, once.
    assert all(tracks.values())
    assert set(tracks.values()) <= set(listed)
    # The edition's nine tracks, then a session of no track's format, each once.
    assert len(listed) == len(set(listed)) == 9 + 4
    assert set(listed[9:]) == {plenary, pause, reception, panel}
    untracked = Session.objects.public().filter(conference=program, track=None)
    expected = {Session.Format.PLENARY: plenary, Session.Format.BREAK: pause}
    expected |= {Session.Format.RECEPTION: reception, Session.Format.PANEL: panel}
    assert {session.pk: tracks[session.pk] for session in untracked} == {
        session.pk: expected[session.format] for session in untracked
    }
    # A session in a track keeps its track's name.
    tracked = Session.objects.public().filter(conference=program).exclude(track=None).first()
    assert tracks[tracked.pk]
    assert tracks[tracked.pk] not in (plenary, pause, reception)

    document, json_events = c3voc_events(client, language)
    assert c3voc_errors(document) == []
    assert {event["id"]: event["track"] for event in json_events} == tracks
    json_tracks = [track["name"] for track in document["schedule"]["conference"]["tracks"]]
    assert json_tracks == listed


# CORS on every calendar feed, as on the other exports


def calendar_feeds(program, language):
    edition = f"/{language}/editions/niic-2014"
    session = Session.objects.get(slug="closing-plenary")
    track = program.tracks.order_by("order").first()
    return [
        f"{edition}/schedule.ics",
        f"{edition}/tracks/{track.slug}/calendar.ics",
        f"{edition}/sessions/{session.slug}/calendar.ics",
        f"/{language}/agenda.ics?sessions={session.pk}",
        f"/{language}/speakers/{session.panel.first().speaker.slug}/calendar.ics",
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_calendar_feed_is_open_to_other_sites_on_200_304_and_preflight(
    client, program, language
):
    for path in calendar_feeds(program, language):
        response = client.get(path, headers={"origin": "https://app.example"})
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/calendar"), path
        unchanged = client.get(path, headers={"if-none-match": response["ETag"]})
        assert unchanged.status_code == 304, path
        for answer in (response, unchanged):
            assert answer["Access-Control-Allow-Origin"] == "*", path
            assert answer["Access-Control-Expose-Headers"] == "ETag", path
        preflight = client.options(path)
        assert (preflight.status_code, preflight["Access-Control-Allow-Origin"]) == (204, "*")
        assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


# The change feed names its author


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_change_feed_names_the_editions_organizer_as_its_author(
    client, program, organizer, language
):
    services.program_release(user=organizer, conference=program, name="v1")
    response = client.get(f"/{language}/editions/niic-2014/changes.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287, 4.1.1: a feed with an entry of no author of its own names one.
    (author,) = feed.findall(f"{ATOM}author")
    assert author.findtext(f"{ATOM}name") == "National Partnership for New Americans"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["v1"]
    assert entries[0].find(f"{ATOM}author") is None


# schema.org data on session pages


def json_ld(client, path):
    html = client.get(path).text
    (found,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found)


NPNA = "national-partnership-for-new-americans"


def test_a_speakers_photo_is_the_performers_image_and_the_events(client, program):
    session = Session.objects.get(slug="closing-plenary")
    speaker = session.panel.in_panel_order().first().speaker
    Speaker.objects.filter(pk=speaker.pk).update(photo=f"speakers/{speaker.slug}.jpg")
    speaker.refresh_from_db()

    data = json_ld(client, "/en/editions/niic-2014/sessions/closing-plenary/")

    image = f"http://testserver{speaker.photo.small_url}"
    with_photo = [person for person in data["performer"] if person["name"] == speaker.name]
    assert [person.get("image") for person in with_photo] == [image]
    assert all("image" not in person for person in data["performer"] if person not in with_photo)
    assert data["image"] == [image]


def test_a_session_without_photos_claims_no_image(client, program):
    data = json_ld(client, "/en/editions/niic-2014/sessions/closing-plenary/")
    assert "image" not in data
    assert all("image" not in person for person in data["performer"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_session_page_names_its_speakers_as_performers_and_the_organizer_with_its_url(
    client, program, language
):
    data = json_ld(client, f"/{language}/editions/niic-2014/sessions/closing-plenary/")
    session = Session.objects.get(slug="closing-plenary")
    seats = session.panel.in_panel_order().select_related("speaker")
    assert data["performer"] == [
        {
            "@type": "Person",
            "name": seat.speaker.name,
            "url": f"http://testserver/{language}/speakers/{seat.speaker.slug}/",
            "affiliation": {
                "@type": "Organization",
                "name": "National Partnership for New Americans",
            },
        }
        for seat in seats
    ]
    # The organizer is an organization of the program, whose page here is public.
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "National Partnership for New Americans",
        "url": f"http://testserver/{language}/organizations/{NPNA}/",
    }
    assert client.get(data["organizer"]["url"]).status_code == 200
    assert data["superEvent"]["url"] == f"http://testserver/{language}/editions/niic-2014/"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Los Angeles",
        "addressRegion": "California",
    }


def test_a_session_with_no_speaker_named_claims_no_performer(client, program):
    """The source names the speakers of two sessions of 22: the other pages say nothing of
    performers rather than that there are none."""
    data = json_ld(client, f"{EDITION}/sessions/lunch/")
    assert "performer" not in data
    assert data["name"] == "Lunch"


def test_the_organizers_own_website_is_its_url_when_the_program_records_one(client, program):
    Organization.objects.filter(slug=NPNA).update(website="https://npna.example.org/")
    program_changed.send(sender=Organization)
    data = json_ld(client, f"{EDITION}/sessions/lunch/")
    assert data["organizer"]["url"] == "https://npna.example.org/"


def test_an_organizer_the_program_does_not_know_has_no_url_and_a_venue_is_named(client, conference):
    session = make_session(conference, room=make_room(conference, name="Ballroom"))
    Conference.objects.filter(pk=conference.pk).update(
        organizer="Someone Else", venue="Convention Center", city="Lisbon"
    )
    program_changed.send(sender=Conference)
    data = json_ld(client, f"/en/editions/{conference.slug}/sessions/{session.slug}/")
    assert data["organizer"] == {"@type": "Organization", "name": "Someone Else"}
    assert data["location"] == {
        "@type": "Place",
        "name": "Ballroom",
        "address": {"@type": "PostalAddress", "addressLocality": "Lisbon"},
        "containedInPlace": {"@type": "Place", "name": "Convention Center"},
    }


# The CSV for Excel


def test_the_csv_for_excel_is_the_csv_opened_by_a_byte_order_mark(client, program):
    program.sessions.filter(slug="lunch").update(title="Almuerzo con café")
    program_changed.send(sender=Session)
    plain = client.get(f"{EDITION}/schedule.csv")
    excel = client.get(f"{EDITION}/schedule-excel.csv")
    assert excel["Content-Type"] == "text/csv; charset=utf-8"
    assert excel["Content-Disposition"] == 'attachment; filename="niic-2014-unreleased-excel.csv"'
    # The UTF-8 byte-order mark Excel reads the encoding by, then the very same rows; the
    # plain CSV, which scripts read, has none (their readers would take it into "id").
    assert excel.content[:3] == b"\xef\xbb\xbf"
    assert excel.content[3:] == plain.content
    assert plain.content.startswith(b"id,guid,")
    assert "Almuerzo con café" in excel.content.decode("utf-8-sig")
    assert excel["Access-Control-Allow-Origin"] == "*"
    assert (
        client.get(excel.request["PATH_INFO"], headers={"if-none-match": excel["ETag"]}).status_code
        == 304
    )


def test_the_apps_page_offers_the_csv_for_excel_beside_the_plain_one(client, program):
    page = client.get(f"{EDITION}/apps/").text
    assert f"<code>http://testserver{EDITION}/schedule.csv</code>" in page
    assert f"<code>http://testserver{EDITION}/schedule-excel.csv</code>" in page
    assert "Spreadsheet for Excel (CSV)" in page


# The agenda calendar's limit, said in the answer


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "An agenda holds at most 200 sessions."),
        ("es", "Una agenda admite como máximo 200 sesiones."),
    ],
)
def test_an_agenda_calendar_of_more_than_200_sessions_is_a_400_that_names_the_limit(
    client, program, language, message
):
    ids = list(Session.objects.public().values_list("pk", flat=True))[:1]
    at_limit = ",".join(str(pk) for pk in [*ids, *range(10**6, 10**6 + 199)])
    assert client.get(f"/{language}/agenda.ics?sessions={at_limit}").status_code == 200
    over = ",".join(str(pk) for pk in [*ids, *range(10**6, 10**6 + 200)])
    response = client.get(f"/{language}/agenda.ics?sessions={over}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == message
    # A script on another site can read why.
    assert response["Access-Control-Allow-Origin"] == "*"
