"""The program where attendees already look: schedule.xml (frab), schedule.json (c3voc), xCal,
CSV, per-speaker calendars and the sitemap, each validated against its published schema
(tests/formats/), with a draft and a cancelled session in the data."""

import csv
import datetime
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import jsonschema
import pytest

from niic.generated_program import generate_program
from sessions import services
from sessions.importing import COLUMNS, read_dataset, read_rows
from sessions.models import Session
from sessions.resources import SessionResource
from tests.factories import (
    LOS_ANGELES,
    la_time,
    make_conference,
    make_room,
    make_session,
    make_speaker,
    seat,
)
from tests.services import skip_unless

pytestmark = pytest.mark.django_db

FORMATS = Path(__file__).resolve().parent.parent / "formats"
EDITION = "/en/editions/niic-2014"
XCAL = "{urn:ietf:params:xml:ns:icalendar-2.0}"


# Validators: the published schemas, through public tools


def xmllint(document, *schema_options, tmp_path):
    skip_unless(shutil.which("xmllint"), "xmllint not found (Debian package libxml2-utils)")
    path = tmp_path / "document.xml"
    path.write_bytes(document)
    return subprocess.run(
        ["xmllint", "--noout", *schema_options, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def frab_errors(document, tmp_path):
    """What xmllint says is wrong with `document` as a frab schedule.xml ("" if nothing)."""
    result = xmllint(document, "--schema", str(FORMATS / "schedule.xml.xsd"), tmp_path=tmp_path)
    return "" if result.returncode == 0 else result.stderr


def xcal_errors(document, tmp_path):
    rng = FORMATS / "rfc6321-xcal-icalendar-2.0.rng"
    result = xmllint(document, "--relaxng", str(rng), tmp_path=tmp_path)
    return "" if result.returncode == 0 else result.stderr


def c3voc_errors(document):
    schema = json.loads((FORMATS / "c3voc-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


# The data: NIIC 2014 with a cancelled session, a draft, and a session with no room


@pytest.fixture
def program(niic, organizer):
    lunch = Session.objects.get(slug="lunch")
    services.sessions_cancel(user=organizer, sessions=[lunch], note="Lunch is on your own.")
    draft = make_session(
        niic,
        title="Secret draft",
        slug="secret-draft",
        status=Session.Status.DRAFT,
        starts_at=la_time(16, "13:00"),
        ends_at=la_time(16, "14:00"),
    )
    seat(draft, make_speaker(name="Draft Person", slug="draft-person"))
    make_session(
        niic,
        title="Walking tour",
        slug="walking-tour",
        starts_at=la_time(16, "15:00"),
        ends_at=la_time(16, "16:00"),
    )
    return niic


def public_count():
    return Session.objects.public().count()


# schedule.xml


@pytest.mark.parametrize("language", ["en", "es"])
def test_schedule_xml_is_valid_frab_with_every_public_session_and_no_draft(
    client, program, tmp_path, language
):
    response = client.get(f"/{language}/editions/niic-2014/schedule.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert frab_errors(response.content, tmp_path) == ""
    root = ET.fromstring(response.content)
    events = root.findall("day/room/event")
    assert len(events) == public_count() == 23
    assert "Secret draft" not in response.text
    assert "Draft Person" not in response.text
    titles = {event.findtext("title") for event in events}
    cancelled = "Cancelled: Lunch" if language == "en" else "Cancelada: Almuerzo"
    assert cancelled in titles
    assert all(event.findtext("title") and event.findtext("room") for event in events)


def test_schedule_xml_gives_each_event_its_room_day_times_people_and_version(
    client, program, tmp_path
):
    root = ET.fromstring(client.get(f"{EDITION}/schedule.xml").content)
    assert root.findtext("version") == "unreleased"
    assert root.findtext("conference/acronym") == "niic_2014"
    assert root.findtext("conference/time_zone_name") == "America/Los_Angeles"
    days = root.findall("day")
    assert [(day.get("index"), day.get("start"), day.get("end")) for day in days] == [
        ("1", "2014-12-14T00:00:00-08:00", "2014-12-15T00:00:00-08:00"),
        ("2", "2014-12-15T00:00:00-08:00", "2014-12-16T00:00:00-08:00"),
        ("3", "2014-12-16T00:00:00-08:00", "2014-12-17T00:00:00-08:00"),
    ]
    session = Session.objects.get(slug="closing-plenary")
    (event,) = root.findall(f"day/room/event[@id='{session.pk}']")
    assert {
        child.tag: (child.text or "")
        for child in event
        if child.tag not in ("persons", "recording")
    } | {
        "persons": [(person.get("id"), person.text) for person in event.find("persons")],
        "recording": [(child.tag, child.text) for child in event.find("recording")],
    } == {
        "room": "Main hall",
        "title": "Closing plenary",
        "subtitle": "",
        "type": "Plenary",
        "date": "2014-12-16T10:30:00-08:00",
        "start": "10:30",
        "duration": "01:30",
        "abstract": event.findtext("abstract"),
        "description": "",
        # A plenary has no track of its own: apps file it under its format, not "No track".
        "track": "Plenary",
        "slug": f"niic_2014-{session.pk}-closing-plenary",
        "language": "en",
        "url": "http://testserver/en/editions/niic-2014/sessions/closing-plenary/",
        "logo": "",
        "links": "",
        "attachments": "",
        "recording": [("license", None), ("optout", "false")],
        "persons": [
            (str(seat.speaker_id), seat.speaker.name)
            for seat in session.panel.in_panel_order().select_related("speaker")
        ],
    }
    assert event.findtext("abstract").endswith(
        "Panel: Joshua Hoyt (Panelist), Julien Ross (Panelist), Eva Millona (Panelist)\n\n"
        "Sample schedule: time, room and line-up are invented for demonstration."
    )
    (tour,) = root.findall("day/room/event[title='Walking tour']")
    assert tour.findtext("room") == "Room to be announced"


def test_the_validators_refuse_what_the_schemas_refuse(client, program, tmp_path):
    """Each check above can fail: a file without its version, or with a person lacking a
    name, is refused."""
    xml = client.get(f"{EDITION}/schedule.xml").content
    broken_xml = re.sub(rb"<version>[^<]*</version>", b"", xml)
    assert "version" in frab_errors(broken_xml, tmp_path)
    document = json.loads(client.get(f"{EDITION}/schedule.json").content)
    first_day = document["schedule"]["conference"]["days"][0]
    first_event = next(iter(first_day["rooms"].values()))[0]
    del first_event["guid"]
    assert c3voc_errors(document) != []
    xcal = client.get(f"{EDITION}/schedule.xcs").content
    assert xcal_errors(xcal.replace(b"<uid>", b"<uuid>").replace(b"</uid>", b"</uuid>"), tmp_path)


# schedule.json


@pytest.mark.parametrize("language", ["en", "es"])
def test_schedule_json_is_valid_c3voc_with_every_public_session_and_no_draft(
    client, program, language
):
    response = client.get(f"/{language}/editions/niic-2014/schedule.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert c3voc_errors(document) == []
    events = [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]
    assert len(events) == public_count()
    assert "Secret draft" not in response.text
    lunch = next(event for event in events if event["id"] == Session.objects.get(slug="lunch").pk)
    assert (lunch["title"], lunch["subtitle"]) == (
        "Cancelled: Lunch" if language == "en" else "Cancelada: Almuerzo",
        "Lunch is on your own.",
    )


def test_schedule_json_people_carry_ids_guids_and_roles(client, program):
    document = json.loads(client.get(f"{EDITION}/schedule.json").content)
    session = Session.objects.get(slug="closing-plenary")
    events = [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]
    (event,) = [event for event in events if event["id"] == session.pk]
    people = [(person["id"], person["public_name"], person["role"]) for person in event["persons"]]
    assert people == [
        (seat.speaker_id, seat.speaker.name, seat.role)
        for seat in session.panel.in_panel_order().select_related("speaker")
    ]
    assert len({person["guid"] for person in event["persons"]}) == 3
    assert (event["start"], event["end"], event["duration"]) == (
        "10:30",
        "2014-12-16T12:00:00-08:00",
        "01:30",
    )


# Identifiers that apps keep


def ids_and_guids(client):
    document = json.loads(client.get(f"{EDITION}/schedule.json").content)
    return {
        event["id"]: (event["guid"], event["title"])
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    }


def reimport(rows, user):
    """Import `rows` (dicts of the spreadsheet's columns) as the admin's Import does."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    imported = services.sessions_import(
        user=user, rows=read_rows(read_dataset(out.getvalue().encode(), "program.csv"))
    )
    assert [(row.number, row.errors) for row in imported if row.errors] == []


def test_ids_and_guids_stay_the_same_through_a_title_change_and_a_reimport(
    client, program, organizer, django_capture_on_commit_callbacks
):
    before = ids_and_guids(client)
    opening = Session.objects.get(slug="opening-plenary")
    with django_capture_on_commit_callbacks(execute=True):  # the changes commit
        opening.title = "Opening plenary: welcome to Los Angeles"
        services.session_save(user=organizer, session=opening)
        rows = SessionResource().export(Session.objects.filter(conference=program)).dict
        for row in rows:
            row["title_en"] = f"{row['title_en']} (revised)"
        reimport(rows, organizer)

    after = ids_and_guids(client)
    assert {pk: guid for pk, (guid, _title) in after.items()} == {
        pk: guid for pk, (guid, _title) in before.items()
    }
    assert after[opening.pk][1] == "Opening plenary: welcome to Los Angeles (revised)"
    assert len({guid for guid, _title in after.values()}) == len(after)


def test_guids_survive_deleting_a_session_and_importing_it_again(
    client, program, organizer, django_capture_on_commit_callbacks
):
    session = Session.objects.get(slug="closing-plenary")
    guid_before = ids_and_guids(client)[session.pk][0]
    rows = SessionResource().export(Session.objects.filter(pk=session.pk)).dict
    with django_capture_on_commit_callbacks(execute=True):  # the changes commit
        session.delete()
        reimport(rows, organizer)
    again = Session.objects.get(slug="closing-plenary")
    assert again.pk != session.pk
    assert ids_and_guids(client)[again.pk][0] == guid_before


# xCal


def test_xcal_is_valid_rfc_6321_with_the_feed_events_and_one_time_zone(client, program, tmp_path):
    response = client.get(f"{EDITION}/schedule.xcs")
    assert response["Content-Type"] == "application/calendar+xml; charset=utf-8"
    assert xcal_errors(response.content, tmp_path) == ""
    root = ET.fromstring(response.content)
    zones = root.findall(f".//{XCAL}vtimezone/{XCAL}properties/{XCAL}tzid/{XCAL}text")
    assert [zone.text for zone in zones] == ["America/Los_Angeles"]
    events = root.findall(f".//{XCAL}vevent/{XCAL}properties")
    assert len(events) == public_count()
    statuses = {
        event.findtext(f"{XCAL}summary/{XCAL}text"): event.findtext(f"{XCAL}status/{XCAL}text")
        for event in events
    }
    # A cancelled session's summary is marked as its title is in the XML and JSON.
    assert (statuses["Cancelled: Lunch"], statuses["Closing plenary"]) == (
        "CANCELLED",
        "CONFIRMED",
    )
    assert "Secret draft" not in response.text
    closing = next(
        event
        for event in events
        if event.findtext(f"{XCAL}summary/{XCAL}text") == "Closing plenary"
    )
    assert closing.findtext(f"{XCAL}dtstart/{XCAL}date-time") == "2014-12-16T10:30:00"
    assert closing.findtext(f"{XCAL}dtstart/{XCAL}parameters/{XCAL}tzid/{XCAL}text") == (
        "America/Los_Angeles"
    )


# CSV


def test_csv_has_a_row_per_public_session_on_the_editions_clock(client, program):
    response = client.get(f"{EDITION}/schedule.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="niic-2014-unreleased.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == public_count()
    closing = Session.objects.get(slug="closing-plenary")
    by_title = {row["title"]: row for row in rows}
    assert by_title["Closing plenary"] == {
        "id": str(closing.pk),
        "guid": by_title["Closing plenary"]["guid"],
        "day": "2014-12-16",
        "start": "10:30",
        "end": "12:00",
        "time zone": "America/Los_Angeles",
        "title": "Closing plenary",
        "status": "Published",
        "track": "",
        "room": "Main hall",
        "format": "Plenary",
        "languages": "en",
        "panel": "Joshua Hoyt (Panelist), Julien Ross (Panelist), Eva Millona (Panelist)",
        "page": "http://testserver/en/editions/niic-2014/sessions/closing-plenary/",
    }
    assert by_title["Lunch"]["status"] == "Cancelled"
    assert "Secret draft" not in by_title


def test_csv_speaks_spanish_and_defuses_spreadsheet_formulas(client, program, organizer):
    session = Session.objects.get(slug="closing-plenary")
    session.title_es = '=HYPERLINK("http://evil.example","click")'
    services.session_save(user=organizer, session=session)
    response = client.get("/es/editions/niic-2014/schedule.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["id", "guid", "día", "inicio"]
    assert [row[6] for row in rows if row[0] == str(session.pk)] == [
        '\'=HYPERLINK("http://evil.example","click")'
    ]


# Every export


EXPORTS = ["schedule.xml", "schedule.json", "schedule.xcs", "schedule.csv"]


@pytest.mark.parametrize("export", EXPORTS)
def test_exports_are_open_to_other_sites_and_answer_a_conditional_get(client, program, export):
    response = client.get(f"{EDITION}/{export}")
    assert (response.status_code, response["Access-Control-Allow-Origin"]) == (200, "*")
    again = client.get(f"{EDITION}/{export}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    preflight = client.options(f"{EDITION}/{export}")
    assert (preflight.status_code, preflight["Access-Control-Allow-Methods"]) == (
        204,
        "GET, HEAD, OPTIONS",
    )
    assert client.post(f"{EDITION}/{export}").status_code == 405


@pytest.mark.parametrize("export", EXPORTS)
def test_exports_of_an_unknown_edition_are_404(client, export):
    assert client.get(f"/en/editions/nope/{export}").status_code == 404


def versions(client):
    xml = ET.fromstring(client.get(f"{EDITION}/schedule.xml").content).findtext("version")
    data = json.loads(client.get(f"{EDITION}/schedule.json").content)["schedule"]["version"]
    filename = client.get(f"{EDITION}/schedule.csv")["Content-Disposition"]
    return xml, data, filename


def test_exports_carry_the_latest_release_name(
    client, program, organizer, django_capture_on_commit_callbacks
):
    services.program_release(user=organizer, conference=program, name="v1")
    assert versions(client) == ("v1", "v1", 'attachment; filename="niic-2014-v1.csv"')
    with django_capture_on_commit_callbacks(execute=True):  # the changes commit
        services.sessions_return_to_draft(
            user=organizer, sessions=[Session.objects.get(slug="walking-tour")]
        )
        services.program_release(user=organizer, conference=program, name="v2")
    assert versions(client) == ("v2", "v2", 'attachment; filename="niic-2014-v2.csv"')


def test_export_of_an_edition_with_sessions_across_a_dst_change_uses_each_days_offset(
    client, tmp_path
):
    conference = make_conference(
        slug="niic-2015-spring",
        year=2015,
        start_date=datetime.date(2015, 3, 7),
        end_date=datetime.date(2015, 3, 9),
    )
    room = make_room(conference, name="Hall", slug="hall")
    for day in (7, 9):
        make_session(
            conference,
            room=room,
            starts_at=datetime.datetime(2015, 3, day, 10, tzinfo=LOS_ANGELES),
            ends_at=datetime.datetime(2015, 3, day, 11, tzinfo=LOS_ANGELES),
        )
    response = client.get(f"/en/editions/{conference.slug}/schedule.xml")
    assert frab_errors(response.content, tmp_path) == ""
    root = ET.fromstring(response.content)
    assert [event.findtext("date") for event in root.findall("day/room/event")] == [
        "2015-03-07T10:00:00-08:00",
        "2015-03-09T10:00:00-07:00",
    ]
    assert [(day.get("start"), day.get("end")) for day in root.findall("day")][1] == (
        "2015-03-08T00:00:00-08:00",
        "2015-03-09T00:00:00-07:00",
    )


# Per-speaker calendars


def test_speaker_calendar_holds_their_public_sessions_across_editions(client, program):
    speaker = make_speaker(name="Two Editions", slug="two-editions")
    later = make_conference(
        slug="niic-2015",
        year=2015,
        start_date=datetime.date(2015, 12, 14),
        end_date=datetime.date(2015, 12, 16),
    )
    seat(Session.objects.get(slug="closing-plenary"), speaker)
    seat(
        make_session(
            later,
            title="Next year's opening",
            starts_at=datetime.datetime(2015, 12, 15, 10, tzinfo=LOS_ANGELES),
            ends_at=datetime.datetime(2015, 12, 15, 11, tzinfo=LOS_ANGELES),
        ),
        speaker,
    )
    seat(Session.objects.get(slug="secret-draft"), speaker)
    response = client.get("/en/speakers/two-editions/calendar.ics")
    assert response["Access-Control-Allow-Origin"] == "*"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(event["SUMMARY"]) for event in events) == [
        "Closing plenary",
        "Next year's opening",
    ]


def test_a_speaker_only_on_drafts_or_unknown_has_no_calendar(client, program):
    assert client.get("/en/speakers/draft-person/calendar.ics").status_code == 404
    assert client.get("/en/speakers/nobody/calendar.ics").status_code == 404


# Sitemap


def sitemap_locations(client, language="en"):
    response = client.get(f"/{language}/sitemap.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return response, [url.findtext(f"{namespace}loc") for url in root.findall(f"{namespace}url")]


def test_sitemap_lists_the_public_pages_of_its_language_with_their_alternates(client, program):
    response, locations = sitemap_locations(client)
    root = "http://testserver/en/"
    assert locations[:3] == [root, f"{root}editions/", f"{root}speakers/"]
    assert f"{root}editions/niic-2014/sessions/closing-plenary/" in locations
    assert f"{root}editions/niic-2014/sessions/lunch/" in locations
    assert f"{root}editions/niic-2014/changes/" in locations
    assert f"{root}speakers/angelica-salas/" in locations
    assert f"{root}organizations/chirla/" in locations
    assert all(location.startswith(root) for location in locations)
    assert len(locations) == len(set(locations))
    assert "secret-draft" not in response.text
    assert "draft-person" not in response.text
    assert (
        '<xhtml:link rel="alternate" hreflang="es" '
        'href="http://testserver/es/editions/niic-2014/sessions/lunch/"/>'
    ) in response.text
    _response, spanish = sitemap_locations(client, "es")
    assert spanish == [location.replace("/en/", "/es/", 1) for location in locations]


def test_every_page_of_the_sitemap_answers(client, program):
    _response, locations = sitemap_locations(client)
    for location in locations:
        assert client.get(location).status_code == 200, location


# Finding them


def test_the_schedule_page_links_to_the_exports_page_which_lists_every_export(client, program):
    schedule = client.get(f"{EDITION}/schedule/").text
    assert f'<a href="{EDITION}/apps/">Use in your app</a>' in schedule
    assert f'<a href="{EDITION}/changes/">What changed</a>' in schedule
    page = client.get(f"{EDITION}/apps/").text
    for export in [*EXPORTS, "changes.atom", "schedule.ics"]:
        assert f"<code>http://testserver{EDITION}/{export}</code>" in page
    assert "<code>http://testserver/en/changes.json</code>" in page
    spanish = client.get("/es/editions/niic-2014/schedule/").text
    assert "Usar en su aplicación" in spanish


def test_a_generated_edition_exports_valid_files_in_both_languages(client, tmp_path):
    """Many rooms and tracks, every format of session, panels of every size."""
    conference = generate_program(sessions=120, speakers=80, seed=5).conference
    for language in ("en", "es"):
        edition = f"/{language}/editions/{conference.slug}"
        assert frab_errors(client.get(f"{edition}/schedule.xml").content, tmp_path) == ""
        assert c3voc_errors(json.loads(client.get(f"{edition}/schedule.json").content)) == []
        assert xcal_errors(client.get(f"{edition}/schedule.xcs").content, tmp_path) == ""


def test_two_rooms_of_one_name_stay_apart_in_every_export(client, conference, tmp_path):
    first, second = (
        make_room(conference, name="Hall", slug=slug) for slug in ("hall-north", "hall-south")
    )
    make_session(conference, title="In the north hall", room=first)
    make_session(conference, title="In the south hall", room=second)
    edition = f"/en/editions/{conference.slug}"
    document = json.loads(client.get(f"{edition}/schedule.json").content)
    (day,) = [day for day in document["schedule"]["conference"]["days"] if day["rooms"]]
    assert {
        room: [event["title"] for event in events] for room, events in day["rooms"].items()
    } == {
        "Hall (hall-north)": ["In the north hall"],
        "Hall (hall-south)": ["In the south hall"],
    }
    xml = client.get(f"{edition}/schedule.xml").content
    assert frab_errors(xml, tmp_path) == ""
    assert [room.get("name") for room in ET.fromstring(xml).findall("day/room")] == [
        "Hall (hall-north)",
        "Hall (hall-south)",
    ]
