"""An edition's public program in the formats that conference apps, calendars and spreadsheets
read: the frab/Pentabarf schedule.xml, the c3voc schedule.json, xCal (RFC 6321) and CSV.

Every export is made from the same few queries (load_program), whatever the size of the
program, and written here as plain strings: no serializer library is fast enough for a whole
edition in well under 250 ms (`make bench`). The test suite validates each against its published
schema (tests/formats/).

What apps key on stays put:
- an event's `id` is the session's id; its `guid` a UUID derived from the edition's slug and
  the session's slug, so neither changes when a title changes or a spreadsheet is re-imported
  (the guid survives even a session deleted and imported again);
- a person's `id` is the speaker's id, their `guid` derived from the speaker's slug;
- `version` is the name of the edition's latest release (Release), "unreleased" before one.
Drafts are never read. A cancelled session stays in every export, marked: its title starts
with "Cancelled:" in schedule.xml and schedule.json, its STATUS is CANCELLED in xCal, and the
CSV has a status column."""

import csv
import datetime
import html
import io
import re
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from . import calendar
from .cards import SLUG_PLACEHOLDER
from .models import PanelMembership, Release, Room, Session

GENERATOR = "NIIC program"
UNRELEASED = "unreleased"
# The namespace of every guid the exports make (a fixed, random UUID: changing it would change
# every guid that apps and video teams keep).
GUID_NAMESPACE = uuid.UUID("6f3c2a5e-8d1b-4b7a-9c0e-2f4d8a6b1e37")
TIMESLOT = "00:15"
# Characters XML 1.0 cannot carry, even escaped.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What the schemas accept as slugs: a frab track, a c3voc slug, the frab event slug.
TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
C3VOC_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")
FRAB_EVENT_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# A cell a spreadsheet would run as a formula (OWASP "CSV injection") is prefixed with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def session_guid(conference, session):
    return str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/session/{session.slug}"))


def speaker_guid(speaker_slug):
    return str(uuid.uuid5(GUID_NAMESPACE, f"speaker/{speaker_slug}"))


def room_guid(conference, room):
    key = room.slug if room is not None else ""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/room/{key}"))


def acronym(conference):
    """The edition's slug as both schemas accept an acronym: [a-z0-9_], at least 4 long."""
    text = re.sub(r"[^a-z0-9_]", "_", conference.slug.lower())
    return text if len(text) >= 4 else f"{text}_{conference.year}"


def event_slug(conference, session):
    """ "niic_2014-12-opening-plenary": the acronym, the session's id, its slug."""
    tail = re.sub(r"[^a-z0-9_-]", "-", session.slug.lower()).strip("-_")
    return f"{acronym(conference)}-{session.pk}" + (f"-{tail}" if tail else "")


def hours_minutes(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# The program, read once


@dataclass
class Labels:
    """Every word the exports add, translated once per file into the active language: a label
    looked up for each of a thousand sessions would cost more than writing the file. And the
    name of each room, unique in the file (apps and schedule.json key rooms by name)."""

    formats: dict
    statuses: dict
    roles: dict
    cancelled_title: str
    panel: str
    sample_note: str
    no_room: str
    room_names: dict = field(default_factory=dict)  # {room id or None: name}

    @classmethod
    def in_active_language(cls):
        def labels(choices):
            return {value: str(label) for value, label in choices.choices}

        return cls(
            formats=labels(Session.Format),
            statuses=labels(Session.Status),
            roles=labels(PanelMembership.Role),
            cancelled_title=pgettext(
                "a cancelled session's title in exports", "Cancelled: %(title)s"
            ),
            panel=gettext("Panel: %(people)s"),
            sample_note=gettext(
                "Sample schedule: time, room and line-up are invented for demonstration."
            ),
            no_room=gettext("Room to be announced"),
        )

    def name_rooms(self, rooms):
        """Rooms by their names; two rooms of one name (or one named like the room to be
        announced) are told apart by their slugs."""
        taken = [room.name for room in rooms] + [self.no_room]
        self.room_names = {
            room.pk: room.name if taken.count(room.name) == 1 else f"{room.name} ({room.slug})"
            for room in rooms
        }
        self.room_names[None] = self.no_room

    def room(self, room):
        return self.room_names[room.pk if room is not None else None]


@dataclass(slots=True)
class Seat:
    speaker_id: int
    name: str
    slug: str
    role: str
    guid: str


@dataclass
class Program:
    conference: object
    version: str
    labels: Labels
    sessions: list  # Event, ordered by start
    tracks: list
    rooms: list  # the rooms that hold a public session, in the edition's order; None last

    def days(self):
        """[(index from 1, date, first moment, end moment, {room: [sessions]})] for every day
        of the edition, midnight to midnight on its clock."""
        zone = self.conference.tzinfo
        by_day = {}
        for session in self.sessions:
            by_day.setdefault(session.local_start.date(), {}).setdefault(session.room, []).append(
                session
            )
        days = []
        for index, day in enumerate(self.conference.days, start=1):
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
            end = datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            rooms = by_day.get(day, {})
            days.append((index, day, start, end, [(r, rooms[r]) for r in self.rooms if r in rooms]))
        return days


@dataclass(slots=True)
class Event:
    """A public session as the exports read it: plain values, no model instance (a thousand of
    those take longer to build than the whole file to write)."""

    pk: int
    slug: str
    title: str
    status: str
    format: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: object  # Room or None
    track_id: int | None
    is_sample: bool
    cancellation_note: str
    updated_at: datetime.datetime
    conference: object = None
    # What the formats write of it (load_program and describe()):
    local_start: datetime.datetime = None
    local_end: datetime.datetime = None
    url: str = ""
    guid: str = ""
    panel_seats: list = field(default_factory=list)
    language_codes: list = field(default_factory=list)
    track_label: str = ""
    shown_title: str = ""
    format_label: str = ""
    status_label: str = ""
    room_label: str = ""
    panel_text: str = ""
    abstract: str = ""


EVENT_FIELDS = [
    "pk", "slug", "title", "status", "format", "description", "starts_at", "ends_at", "room_id",
    "track_id", "is_sample", "cancellation_note", "updated_at",
]  # fmt: skip


def load_program(conference, request):
    """The edition's public program with what every export needs, in six queries."""
    zone = conference.tzinfo
    labels = Labels.in_active_language()
    release = Release.objects.latest_for(conference)
    tracks = list(conference.tracks.all())
    rooms_by_id = {room.pk: room for room in Room.objects.filter(conference=conference)}
    labels.name_rooms(rooms_by_id.values())
    rows = (
        Session.objects.public()
        .for_edition(conference)
        .order_by("starts_at", "room__order", "room__name", "pk")
        .values_list(*EVENT_FIELDS)
    )
    public = Session.PUBLIC_STATUSES
    seats, guids = {}, {}
    for session_id, speaker_id, name, slug, role in (
        PanelMembership.objects.filter(session__conference=conference, session__status__in=public)
        .in_panel_order()
        .values_list("session_id", "speaker_id", "speaker__name", "speaker__slug", "role")
    ):
        guid = guids.get(slug) or guids.setdefault(slug, speaker_guid(slug))
        seats.setdefault(session_id, []).append(Seat(speaker_id, name, slug, role, guid))
    languages = {}
    for session_id, code in (
        Session.languages.through.objects.filter(
            session__conference=conference, session__status__in=public
        )
        .order_by("language__code")
        .values_list("session_id", "language__code")
    ):
        languages.setdefault(session_id, []).append(code)
    url_pattern = request.build_absolute_uri(
        reverse(
            "program:session-detail",
            kwargs={"edition": conference.slug, "session": SLUG_PLACEHOLDER},
        )
    )
    track_names = {track.pk: track_name(track) for track in tracks}
    sessions, rooms = [], set()
    for pk, slug, title, status, format_, description, starts_at, ends_at, room_id, *rest in rows:
        room = rooms_by_id.get(room_id)
        session = Event(
            pk, slug, title, status, format_, description, starts_at, ends_at, room, *rest
        )
        session.conference = conference
        session.local_start = starts_at.astimezone(zone)
        session.local_end = ends_at.astimezone(zone)
        session.panel_seats = seats.get(pk, [])
        session.language_codes = languages.get(pk, [])
        session.url = url_pattern.replace(SLUG_PLACEHOLDER, slug)
        session.guid = session_guid(conference, session)
        session.track_label = track_names.get(session.track_id, "")
        describe(session, labels)
        sessions.append(session)
        rooms.add(room)
    ordered_rooms = sorted(
        (room for room in rooms if room is not None), key=lambda room: (room.order, room.name)
    )
    if None in rooms:
        ordered_rooms.append(None)
    return Program(
        conference=conference,
        version=release.name if release else UNRELEASED,
        labels=labels,
        sessions=sessions,
        tracks=tracks,
        rooms=ordered_rooms,
    )


def markdown_source(text):
    """A description as apps show it: its Markdown source (written to read well as plain text,
    as pretalx and frab export it), with any HTML removed along with a script's or a style's
    content. Rendering a thousand descriptions to strip their markup would cost seconds."""
    return html.unescape(nh3.clean(text or "", tags=set())).strip()


def track_name(track):
    """As the site shows it: the name with a capital."""
    return capfirst(track.name) if track is not None else ""


def describe(session, labels):
    """What every format says of the session, in the active language: its shown title (marked
    when cancelled), format, status, room, panel with roles, and an abstract (the description
    as plain text, then the panel, then the sample note)."""
    cancelled = session.status == Session.Status.CANCELLED
    session.shown_title = (
        labels.cancelled_title % {"title": session.title} if cancelled else session.title
    )
    session.format_label = labels.formats[session.format]
    session.status_label = labels.statuses[session.status]
    session.room_label = labels.room(session.room)
    session.panel_text = ", ".join(
        f"{seat.name} ({labels.roles[seat.role]})" for seat in session.panel_seats
    )
    paragraphs = [markdown_source(session.description)]
    if session.panel_text:
        paragraphs.append(labels.panel % {"people": session.panel_text})
    if session.is_sample:
        paragraphs.append(labels.sample_note)
    session.abstract = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def xml_text(value):
    return escape(NOT_IN_XML.sub("", str(value)))


def xml_attribute(value):
    return quoteattr(NOT_IN_XML.sub("", str(value)))


# frab / Pentabarf schedule.xml


def frab_xml(program, request):
    conference = program.conference
    schedule_url = request.build_absolute_uri(
        reverse("program:schedule", kwargs={"edition": conference.slug})
    )
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<schedule>",
        f"  <generator name={xml_attribute(GENERATOR)}/>",
        f"  <url>{xml_text(request.build_absolute_uri())}</url>",
        f"  <version>{xml_text(program.version)}</version>",
        "  <conference>",
        f"    <acronym>{acronym(conference)}</acronym>",
        f"    <title>{xml_text(f'{conference.name} {conference.year}')}</title>",
        f"    <start>{conference.start_date.isoformat()}</start>",
        f"    <end>{conference.end_date.isoformat()}</end>",
        f"    <days>{len(conference.days)}</days>",
        f"    <timeslot_duration>{TIMESLOT}</timeslot_duration>",
        f"    <base_url>{xml_text(request.build_absolute_uri('/'))}</base_url>",
        f"    <url>{xml_text(schedule_url)}</url>",
        f"    <time_zone_name>{xml_text(conference.time_zone)}</time_zone_name>",
    ]
    for track in program.tracks:
        attributes = f"name={xml_attribute(track_name(track))}"
        if HEX_COLOUR.fullmatch(track.colour):
            attributes += f' color="{track.colour.lower()}"'
        if TRACK_SLUG.fullmatch(track.slug):
            attributes += f' slug="{track.slug}"'
        out.append(f"    <track {attributes}>{xml_text(track_name(track))}</track>")
    out.append("  </conference>")
    for index, day, start, end, rooms in program.days():
        out.append(
            f'  <day index="{index}" date="{day.isoformat()}" start="{start.isoformat()}" '
            f'end="{end.isoformat()}">'
        )
        for room, sessions in rooms:
            out.append(
                f"    <room name={xml_attribute(program.labels.room(room))} "
                f'guid="{room_guid(conference, room)}">'
            )
            out.extend(frab_event(session) for session in sessions)
            out.append("    </room>")
        out.append("  </day>")
    out.append("</schedule>")
    return "\n".join(out) + "\n"


def frab_event(session):
    conference = session.conference
    lines = [
        f'      <event guid="{session.guid}" id="{session.pk}">',
        f"        <room>{xml_text(session.room_label)}</room>",
        f"        <title>{xml_text(session.shown_title)}</title>",
    ]
    if session.status == Session.Status.CANCELLED and session.cancellation_note:
        lines.append(f"        <subtitle>{xml_text(session.cancellation_note)}</subtitle>")
    slug = event_slug(conference, session)
    lines += [
        f"        <type>{xml_text(session.format_label)}</type>",
        f"        <date>{session.local_start.isoformat()}</date>",
        f"        <start>{session.local_start:%H:%M}</start>",
        f"        <duration>{hours_minutes(session.ends_at - session.starts_at)}</duration>",
        f"        <abstract>{xml_text(session.abstract)}</abstract>",
        f"        <track>{xml_text(session.track_label)}</track>",
    ]
    if FRAB_EVENT_SLUG.fullmatch(slug):
        lines.append(f"        <slug>{slug}</slug>")
    if session.language_codes:
        lines.append(f"        <language>{xml_text(', '.join(session.language_codes))}</language>")
    lines.append("        <persons>")
    for seat in session.panel_seats:
        lines.append(
            f'          <person id="{seat.speaker_id}" guid="{seat.guid}">'
            f"{xml_text(seat.name)}</person>"
        )
    lines += [
        "        </persons>",
        f"        <url>{xml_text(session.url)}</url>",
        "      </event>",
    ]
    return "\n".join(lines)


# c3voc schedule.json


def c3voc_json(program, request):
    """The document as a dict, ready for json.dumps."""
    conference = program.conference
    speaker_url = request.build_absolute_uri(
        reverse("speaker-detail", kwargs={"speaker": SLUG_PLACEHOLDER})
    )
    tracks = []
    for track in program.tracks:
        entry = {"name": track_name(track)}
        if C3VOC_SLUG.fullmatch(track.slug):
            entry["slug"] = track.slug
        if HEX_COLOUR.fullmatch(track.colour):
            entry["color"] = track.colour.lower()
        tracks.append(entry)
    rooms = []
    for room in program.rooms:
        entry = {"name": program.labels.room(room), "guid": room_guid(conference, room)}
        if room is not None:
            if C3VOC_SLUG.fullmatch(room.slug):
                entry["slug"] = room.slug
            entry["capacity"] = room.capacity
        rooms.append(entry)
    days = [
        {
            "index": index,
            "date": day.isoformat(),
            "day_start": start.isoformat(),
            "day_end": end.isoformat(),
            "rooms": {
                program.labels.room(room): [
                    c3voc_event(session, speaker_url) for session in sessions
                ]
                for room, sessions in day_rooms
            },
        }
        for index, day, start, end, day_rooms in program.days()
    ]
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": program.version,
            "base_url": request.build_absolute_uri("/"),
            "conference": {
                "acronym": acronym(conference),
                "title": f"{conference.name} {conference.year}",
                "start": conference.start_date.isoformat(),
                "end": conference.end_date.isoformat(),
                "daysCount": len(conference.days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": conference.time_zone,
                "url": request.build_absolute_uri(
                    reverse("program:schedule", kwargs={"edition": conference.slug})
                ),
                "tracks": tracks,
                "rooms": rooms,
                "days": days,
            },
        },
    }


def c3voc_event(session, speaker_url):
    cancelled = session.status == Session.Status.CANCELLED
    return {
        "guid": session.guid,
        "id": session.pk,
        "date": session.local_start.isoformat(),
        "start": f"{session.local_start:%H:%M}",
        "end": session.local_end.isoformat(),
        "duration": hours_minutes(session.ends_at - session.starts_at),
        "room": session.room_label,
        "slug": event_slug(session.conference, session),
        "url": session.url,
        "title": session.shown_title,
        "subtitle": session.cancellation_note if cancelled and session.cancellation_note else None,
        "track": session.track_label or None,
        "type": session.format_label,
        "language": ", ".join(session.language_codes) or None,
        "abstract": session.abstract,
        "description": None,
        "persons": [
            {
                "id": seat.speaker_id,
                "guid": seat.guid,
                "public_name": seat.name,
                "role": seat.role,
                "url": speaker_url.replace(SLUG_PLACEHOLDER, seat.slug),
            }
            for seat in session.panel_seats
        ],
        "links": [],
    }


# xCal (RFC 6321): the calendar feed's events, in XML


def xcal_text(name, value):
    return f"<{name}><text>{xml_text(value)}</text></{name}>"


def xcal_date_time(name, moment, zone_name=None):
    if zone_name is None:
        value = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"<{name}><date-time>{value}</date-time></{name}>"
    value = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return (
        f"<{name}><parameters><tzid><text>{xml_text(zone_name)}</text></tzid></parameters>"
        f"<date-time>{value}</date-time></{name}>"
    )


def ical_local(value):
    """20140309T030000 → 2014-03-09T03:00:00"""
    moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%S")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def ical_offset(value):
    """-0800 → -08:00"""
    return f"{value[:3]}:{value[3:5]}" + (f":{value[5:]}" if len(value) > 5 else "")


def xcal_vtimezone(lines):
    """The VTIMEZONE lines of sessions.calendar as xCal: its TZID, and each observance with its
    start, offsets, names and further dates (the only properties icalendar writes there)."""
    unfolded = []
    for line in lines:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    out, observance = [], None
    for line in unfolded:
        name, _, value = line.partition(":")
        if name in ("BEGIN", "END") and value in ("STANDARD", "DAYLIGHT"):
            if name == "BEGIN":
                observance = []
            else:
                tag = value.lower()
                out.append(f"<{tag}><properties>{''.join(observance)}</properties></{tag}>")
                observance = None
        elif name == "TZID":
            out.insert(0, f"<properties>{xcal_text('tzid', value)}</properties><components>")
        elif observance is not None and name == "DTSTART":
            observance.append(f"<dtstart><date-time>{ical_local(value)}</date-time></dtstart>")
        elif observance is not None and name == "RDATE":
            dates = "".join(
                f"<date-time>{ical_local(each)}</date-time>" for each in value.split(",")
            )
            observance.append(f"<rdate>{dates}</rdate>")
        elif observance is not None and name in ("TZOFFSETFROM", "TZOFFSETTO"):
            tag = name.lower()
            observance.append(f"<{tag}><utc-offset>{ical_offset(value)}</utc-offset></{tag}>")
        elif observance is not None and name == "TZNAME":
            observance.append(xcal_text("tzname", value))
    return f"<vtimezone>{''.join(out)}</components></vtimezone>"


def xcal(program):
    """The edition's calendar feed as an xCal document, with FILE_STAMP for its DTSTAMP."""
    conference = program.conference
    sessions = program.sessions
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><vcalendar><properties>',
        xcal_text("prodid", calendar.PRODUCT_ID),
        xcal_text("version", "2.0"),
        xcal_text("calscale", "GREGORIAN"),
        xcal_text("method", "PUBLISH"),
        "</properties><components>",
    ]
    time_zones = sorted(calendar.zone_years(sessions).items())
    for time_zone, (first_year, last_year) in time_zones:
        out.append(
            xcal_vtimezone(calendar.vtimezone_lines(time_zone, first_year - 1, last_year + 1))
        )
    zone_name = conference.time_zone
    domain = settings.NIIC_CALENDAR_UID_DOMAIN
    for session in sessions:
        properties = [
            xcal_text("uid", f"session-{session.pk}@{domain}"),
            f"<dtstamp><date-time>{calendar.FILE_STAMP}</date-time></dtstamp>",
            xcal_date_time("last-modified", session.updated_at),
            xcal_date_time("dtstart", session.local_start, zone_name),
            xcal_date_time("dtend", session.local_end, zone_name),
            xcal_text("summary", session.title),
            xcal_text("status", calendar.CALENDAR_STATUS[session.status]),
            f"<url><uri>{xml_text(session.url)}</uri></url>",
        ]
        if session.room is not None:
            properties.append(xcal_text("location", f"{session.room.name}, {conference.city}"))
        if session.track_label:
            properties.append(xcal_text("categories", session.track_label))
        if session.abstract:
            properties.append(xcal_text("description", session.abstract))
        out.append(f"<vevent><properties>{''.join(properties)}</properties></vevent>")
    out.append("</components></vcalendar></icalendar>")
    return "\n".join(out) + "\n"


def xcal_stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# CSV of the public program


def csv_cell(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def program_csv(program):
    conference = program.conference
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            gettext("id"),
            gettext("guid"),
            gettext("day"),
            gettext("start"),
            gettext("end"),
            gettext("time zone"),
            gettext("title"),
            gettext("status"),
            gettext("track"),
            gettext("room"),
            gettext("format"),
            gettext("languages"),
            gettext("panel"),
            gettext("page"),
        ]
    )
    for session in program.sessions:
        writer.writerow(
            [
                session.pk,
                session.guid,
                session.local_start.date().isoformat(),
                f"{session.local_start:%H:%M}",
                f"{session.local_end:%H:%M}",
                conference.time_zone,
                csv_cell(session.title),
                session.status_label,
                csv_cell(session.track_label),
                csv_cell(session.room_label),
                session.format_label,
                " ".join(session.language_codes),
                csv_cell(session.panel_text),
                session.url,
            ]
        )
    return out.getvalue()
