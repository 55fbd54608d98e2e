"""Calendars across editions, read back with vobject, which (like ical.js, Thunderbird's parser)
reads times through the file's own VTIMEZONE rather than its own zone database: one VTIMEZONE
per zone covering every event, and DTSTAMP the moment the file was made (RFC 5545)."""

import datetime
import re
import time
import zoneinfo

import pytest
import vobject
from django.utils import timezone

from sessions.calendar import calendar_response
from sessions.models import Session
from tests.factories import LOS_ANGELES, make_conference, make_session

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def read_with_the_files_zones(content):
    """The calendar as vobject reads it from this file alone. vobject keeps, for the life of the
    process, the first VTIMEZONE it met under each TZID; those of this file's zones are
    forgotten first, so that an earlier test's file cannot stand in for this one's."""
    text = content.decode()
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in re.findall(r"^TZID:(.+?)\r$", text, re.MULTILINE):
        registry.pop(tzid, None)
    return vobject.readOne(text)


def agenda(client, *sessions):
    ids = ",".join(str(session.pk) for session in sessions)
    return client.get(f"/en/agenda.ics?sessions={ids}")


@pytest.fixture
def two_editions_across_a_dst_change():
    """A December edition (PST) and a June one (PDT), five years apart, both in Los Angeles."""
    winter = make_conference(slug="niic-2014-test")
    summer = make_conference(
        slug="niic-2019-test",
        year=2019,
        start_date=datetime.date(2019, 6, 10),
        end_date=datetime.date(2019, 6, 12),
    )
    return (
        make_session(
            winter,
            title="December session",
            starts_at=datetime.datetime(2014, 12, 15, 10, tzinfo=LOS_ANGELES),
            ends_at=datetime.datetime(2014, 12, 15, 11, tzinfo=LOS_ANGELES),
        ),
        make_session(
            summer,
            title="June session",
            starts_at=datetime.datetime(2019, 6, 11, 10, tzinfo=LOS_ANGELES),
            ends_at=datetime.datetime(2019, 6, 11, 11, tzinfo=LOS_ANGELES),
        ),
    )


def test_a_two_edition_agenda_across_a_dst_change_reads_right_through_its_own_zone(
    client, two_editions_across_a_dst_change
):
    december, june = two_editions_across_a_dst_change
    response = agenda(client, december, june)
    assert response.content.decode().count("BEGIN:VTIMEZONE") == 1
    calendar = read_with_the_files_zones(response.content)
    (zone,) = calendar.vtimezone_list
    assert zone.tzid.value == "America/Los_Angeles"
    read = {
        event.summary.value: (event.dtstart.value, event.dtend.value)
        for event in calendar.vevent_list
    }
    assert {
        title: (start.isoformat(), end.isoformat()) for title, (start, end) in read.items()
    } == {
        "December session": ("2014-12-15T10:00:00-08:00", "2014-12-15T11:00:00-08:00"),
        "June session": ("2019-06-11T10:00:00-07:00", "2019-06-11T11:00:00-07:00"),
    }
    # The zone came from the file (dateutil's reading of the VTIMEZONE), not from a database.
    start = read["June session"][0]
    assert type(start.tzinfo).__module__.startswith("dateutil")
    assert start.astimezone(datetime.UTC) == june.starts_at


def test_an_agenda_across_two_zones_has_one_vtimezone_for_each(client, conference):
    east = make_conference(
        slug="niic-east", time_zone="America/New_York", city="New York, New York"
    )
    west_session = make_session(conference, title="West")
    east_session = make_session(
        east,
        title="East",
        starts_at=datetime.datetime(2014, 12, 15, 10, tzinfo=NEW_YORK),
        ends_at=datetime.datetime(2014, 12, 15, 11, tzinfo=NEW_YORK),
    )
    calendar = read_with_the_files_zones(agenda(client, west_session, east_session).content)
    assert [zone.tzid.value for zone in calendar.vtimezone_list] == [
        "America/Los_Angeles",
        "America/New_York",
    ]
    read = {
        event.summary.value: event.dtstart.value.astimezone(datetime.UTC)
        for event in calendar.vevent_list
    }
    assert read == {"West": west_session.starts_at, "East": east_session.starts_at}


def stamps(content):
    calendar = read_with_the_files_zones(content)
    return {event.dtstamp.value for event in calendar.vevent_list}


def test_dtstamp_is_when_the_file_was_made(client, conference):
    session = make_session(conference, title="Stamped")
    url = f"/en/editions/{conference.slug}/schedule.ics"
    before = timezone.now().replace(microsecond=0)
    response = client.get(url)
    after = timezone.now()
    (stamp,) = stamps(response.content)
    assert before <= stamp <= after
    (event,) = read_with_the_files_zones(response.content).vevent_list
    assert event.last_modified.value == session.updated_at.replace(microsecond=0)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_two_copies_of_one_program_differ_in_dtstamp_only_and_share_an_etag(conference, rf):
    """Made a second apart (as a cache would not), they are equivalent: one weak ETag."""
    make_session(conference, title="Stamped")
    sessions = Session.objects.public().for_listing()
    request = rf.get("/en/agenda.ics", HTTP_HOST="localhost")
    first = calendar_response(sessions, request, name="Agenda", filename="agenda.ics")
    time.sleep(1.1)
    second = calendar_response(sessions, request, name="Agenda", filename="agenda.ics")
    assert stamps(first.content) != stamps(second.content)
    assert second["ETag"] == first["ETag"]
    assert first["ETag"].startswith('W/"')


def test_a_title_that_looks_like_the_stamp_is_kept_as_written(client, conference):
    session = make_session(conference, title="DTSTAMP:FILE-STAMP")
    response = client.get(f"/en/editions/{conference.slug}/sessions/{session.slug}/calendar.ics")
    (event,) = read_with_the_files_zones(response.content).vevent_list
    assert event.summary.value == "DTSTAMP:FILE-STAMP"
