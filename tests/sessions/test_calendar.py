import random
import re

import icalendar
import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.text import capfirst

from sessions import calendar
from sessions.models import Session
from tests.factories import make_session
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db


def events_of(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_session_calendar_reads_back_field_by_field(client, niic):
    session = Session.objects.get(slug="closing-plenary")
    response = client.get(f"/en/editions/niic-2014/sessions/{session.slug}/calendar.ics")
    assert response["Content-Disposition"] == 'attachment; filename="niic-2014-closing-plenary.ics"'
    calendar, (event,) = events_of(response)
    assert str(calendar["PRODID"]) == "-//NIIC program//Conference schedule//EN"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert (str(start.tzinfo), start.isoformat(), end.isoformat()) == (
        "America/Los_Angeles",
        "2014-12-16T10:30:00-08:00",
        "2014-12-16T12:00:00-08:00",
    )
    assert str(event["UID"]) == f"session-{session.pk}@program.niic.example"
    assert str(event["SUMMARY"]) == "Closing plenary"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == "Main hall, Los Angeles, California"
    assert str(event["URL"]) == "http://testserver/en/editions/niic-2014/sessions/closing-plenary/"
    description = str(event["DESCRIPTION"])
    assert description.endswith(
        "Panel: Joshua Hoyt, Julien Ross, Eva Millona\n\n"
        "Sample schedule: time, room and line-up are invented for demonstration."
    )


def test_edition_calendar_holds_every_public_session_with_stable_uids(client, niic):
    first = events_of(client.get("/en/editions/niic-2014/schedule.ics"))[1]
    second = events_of(client.get("/es/editions/niic-2014/schedule.ics"))[1]
    assert len(first) == Session.objects.public().count() == 22
    assert [str(event["UID"]) for event in first] == [str(event["UID"]) for event in second]


def test_cancelled_sessions_are_in_the_feed_as_cancelled(client, niic):
    Session.objects.filter(slug="lunch").update(status=Session.Status.CANCELLED)
    program_changed.send(sender=Session)  # update() sends no model signal
    events = events_of(client.get("/en/editions/niic-2014/schedule.ics"))[1]
    statuses = {str(event["SUMMARY"]): str(event["STATUS"]) for event in events}
    # Marked in the SUMMARY too, for clients that ignore STATUS, as the exports mark titles.
    assert statuses["Cancelled: Lunch"] == "CANCELLED"
    assert statuses["Opening plenary"] == "CONFIRMED"


def test_track_calendar_holds_only_that_track(client, niic):
    response = client.get(
        "/en/editions/niic-2014/tracks/engaging-receiving-communities/calendar.ics"
    )
    events = events_of(response)[1]
    assert sorted(str(event["SUMMARY"]) for event in events) == sorted(
        capfirst(title)
        for title in Session.objects.filter(
            track__slug="engaging-receiving-communities"
        ).values_list("title", flat=True)
    )
    assert {str(event["CATEGORIES"].cats[0]) for event in events} == {
        "Engaging receiving communities"
    }
    assert (
        str(events_of(response)[0]["X-WR-CALNAME"]) == "NIIC 2014: Engaging receiving communities"
    )


def test_summaries_start_with_a_capital(client, niic):
    events = events_of(client.get("/en/editions/niic-2014/schedule.ics"))[1]
    assert "Building alliances between African Americans and immigrants" in {
        str(event["SUMMARY"]) for event in events
    }


def test_agenda_calendar_carries_the_chosen_sessions_only(client, niic):
    chosen = Session.objects.filter(slug__in=["opening-plenary", "lunch"]).order_by("pk")
    ids = ",".join(str(pk) for pk in chosen.values_list("pk", flat=True))
    events = events_of(client.get(f"/en/agenda.ics?sessions={ids}"))[1]
    assert sorted(str(event["SUMMARY"]) for event in events) == ["Lunch", "Opening plenary"]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ("1,two", "The list of sessions must be numbers separated by commas."),
        ("²", "The list of sessions must be numbers separated by commas."),
        (",".join(["1"] * 201), "An agenda holds at most 200 sessions."),
    ],
)
def test_a_malformed_agenda_export_is_a_400(client, ids, message):
    response = client.get(f"/en/agenda.ics?sessions={ids}")
    assert (response.status_code, response.content.decode()) == (400, message)


def test_an_unknown_session_calendar_is_a_404(client, niic):
    assert client.get("/en/editions/niic-2014/sessions/nope/calendar.ics").status_code == 404


def test_calendar_times_ignore_the_server_zone(client, conference, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    session = make_session(conference)
    response = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/calendar.ics")
    (event,) = events_of(response)[1]
    assert event.decoded("DTSTART").isoformat() == "2014-12-15T10:00:00-08:00"


def test_text_with_commas_semicolons_newlines_and_accents_survives_folding(client, conference):
    title = "Derechos, deberes; y participación cívica — " + "¿quién decide? " * 8
    description = "Línea uno.\n\nLínea dos, con *énfasis*; y una barra \\ invertida."
    session = make_session(conference, title=title, description=description)
    response = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/calendar.ics")
    raw_lines = response.content.decode().split("\r\n")
    assert max(len(line.encode()) for line in raw_lines) <= 75
    (event,) = events_of(response)[1]
    assert str(event["SUMMARY"]) == title
    # Markdown is read as text: the emphasis without its asterisks.
    assert (
        str(event["DESCRIPTION"])
        == "Línea uno.\n\nLínea dos, con énfasis; y una barra \\ invertida."
    )


def content_lines(response):
    """The feed's content lines, unfolded, as a strict RFC 5545 reader sees them."""
    body = response.content.decode()
    assert body.endswith("\r\n")
    return body[:-2].replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Panel\rBEGIN:VEVENT", "Plain."),
        ("Panel\nDTSTART:19700101T000000Z", "Plain."),
        ("Panel\u2028LOCATION:Elsewhere", "Plain."),
        ("Vertical\x0btab", "Line&#13;BEGIN:VALARM"),
        ("Markdown", "First&#13;&#10;ATTACH:http://evil.example/x\r\nSecond"),
    ],
)
def test_no_text_can_break_out_of_its_content_line(client, conference, title, description):
    session = make_session(conference, title=title, description=description)
    response = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/calendar.ics")
    body = response.content.decode()
    # CR and LF only ever appear together, ending a content line, and no other line break or
    # control character is left in a value.
    assert body.count("\r") == body.count("\r\n") == body.count("\n")
    assert not any(character in body for character in "\x0b\x85\u2028\u2029")
    lines = content_lines(response)
    assert (lines.count("BEGIN:VEVENT"), lines.count("END:VEVENT")) == (1, 1)
    injected = ("DTSTART:1970", "LOCATION:Elsewhere", "BEGIN:VALARM", "ATTACH")
    assert [line for line in lines if line.startswith(injected)] == []
    (event,) = events_of(response)[1]
    assert "\r" not in str(event["SUMMARY"])
    assert "\r" not in str(event["DESCRIPTION"])


def fold_character_by_character(line):
    """Folding as RFC 5545 3.1 describes it: as many characters as fit in 75 octets, then 74
    after each leading space."""
    if len(line.encode()) <= 75:
        return line
    pieces, current, size = [], [], 0
    for character in line:
        width = len(character.encode())
        if size + width > (75 if not pieces else 74):
            pieces.append("".join(current))
            current, size = [], 0
        current.append(character)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def test_folding_fills_each_line_without_splitting_a_character():
    rng = random.Random(5)
    alphabet = ["a", " ", ",", "é", "—", "€", "中", "😀", "\\n"]
    lines = [
        "".join(rng.choices(alphabet, weights=weights, k=rng.randint(60, 400)))
        for weights in ([50, 5, 1, 0, 0, 0, 0, 0, 1], [5, 1, 1, 3, 2, 2, 2, 2, 1])
        for _ in range(500)
    ]
    for line in lines:
        folded = calendar.fold(line)
        assert folded == fold_character_by_character(line)
        assert folded.replace("\r\n ", "") == line
        assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))


def without_stamps(body):
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:", body)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_edition_calendar_says_what_one_from_loaded_sessions_says(
    client, niic, settings, language
):
    """The edition's feed reads its sessions as plain values, in one query, rather than as
    model instances: the file is the same as one made from sessions loaded with for_listing(),
    in each language (texts missing in Spanish fall back to English and say so)."""
    Session.objects.filter(slug="lunch").update(
        status=Session.Status.CANCELLED, cancellation_note="Moved, sorry."
    )
    Session.objects.filter(slug="closing-plenary").update(title_es="Plenaria de clausura")
    program_changed.send(sender=Session)  # update() sends no model signal
    response = client.get(f"/{language}/editions/niic-2014/schedule.ics")
    with translation.override(language):
        loaded = calendar.calendar_response(
            list(Session.objects.public().filter(conference__slug="niic-2014").for_listing()),
            RequestFactory().get(f"/{language}/editions/niic-2014/schedule.ics"),
            name="NIIC 2014",
            filename="niic-2014.ics",
        )
    assert without_stamps(response.content) == without_stamps(loaded.content)
    assert b"CATEGORIES:" in response.content
    assert b"LOCATION:" in response.content
    assert b"STATUS:CANCELLED" in response.content
    assert (b"SUMMARY;LANGUAGE=en:" in response.content) == (language == "es")


def test_the_quick_check_for_characters_to_clean_agrees_with_the_full_one():
    """escape_text looks for control characters and line separators only in text that
    isprintable() does not clear: it must never clear one of them."""
    characters = [chr(code) for code in range(0x3000)] + ["\u2028", "\u2029", "\ufeff"]
    for character in characters:
        for text in (character, f"Line one\n{character} two", f"é{character}"):
            found = calendar.TO_CLEAN.search(text) is not None
            assert calendar.needs_cleaning(text) == found, repr(text)
