"""The program, read once: every public session of an edition with what the formats write of
it, in the active language, as plain values."""

import datetime
import html
from dataclasses import dataclass, field

import nh3
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from .. import released
from ..cards import SLUG_PLACEHOLDER
from ..models import PanelMembership, Release, Room, Session
from .fields import cancelled_title_pattern, display_title, shown_title, speaker_guid

UNRELEASED = "unreleased"


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
            cancelled_title=cancelled_title_pattern(),
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
    public_id: int
    guid: str
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
    "pk", "public_id", "guid", "slug", "title", "status", "format", "description", "starts_at",
    "ends_at", "room_id", "track_id", "is_sample", "cancellation_note", "updated_at",
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
        released.sessions()
        .public()
        .for_edition(conference)
        .order_by("starts_at", "room__order", "room__name", "pk")
        .values_list(*EVENT_FIELDS)
    )
    seats = panel_seats(conference)
    languages = spoken_languages(conference)
    url_pattern = request.build_absolute_uri(
        reverse(
            "program:session-detail",
            kwargs={"edition": conference.slug, "session": SLUG_PLACEHOLDER},
        )
    )
    track_names = {track.pk: track_name(track) for track in tracks}
    sessions = []
    for pk, public_id, guid, slug, title, status, format_, *rest in rows:
        description, starts_at, ends_at, room_id, *rest = rest
        room = rooms_by_id.get(room_id)
        # The title as the site shows it, in every format (display_title).
        session = Event(
            pk, public_id, str(guid), slug, display_title(title), status, format_, description,
            starts_at, ends_at, room, *rest,
        )  # fmt: skip
        session.conference = conference
        session.local_start = starts_at.astimezone(zone)
        session.local_end = ends_at.astimezone(zone)
        session.panel_seats = seats.get(pk, [])
        session.language_codes = languages.get(pk, [])
        session.url = url_pattern.replace(SLUG_PLACEHOLDER, slug)
        session.track_label = track_names.get(session.track_id, "")
        describe(session, labels)
        sessions.append(session)
    return Program(
        conference=conference,
        version=release.name if release else UNRELEASED,
        labels=labels,
        sessions=sessions,
        tracks=tracks,
        rooms=rooms_in_order({session.room for session in sessions}),
    )


def panel_seats(conference):
    """{session id: [Seat]} for the edition's public sessions, in panel order."""
    seats, guids = {}, {}
    for session_id, speaker_id, name, slug, role in (
        released.seats()
        .filter(session__conference=conference)
        .in_panel_order()
        .values_list("session_id", "speaker_id", "speaker__name", "speaker__slug", "role")
    ):
        guid = guids.get(slug) or guids.setdefault(slug, speaker_guid(slug))
        seats.setdefault(session_id, []).append(Seat(speaker_id, name, slug, role, guid))
    return seats


def spoken_languages(conference):
    """{session id: [language code]} for the edition's public sessions, codes in order."""
    languages = {}
    for session_id, code in (
        released.sessions()
        .public()
        .for_edition(conference)
        .order_by("pk", "languages__code")
        .values_list("pk", "languages__code")
    ):
        if code is not None:  # a session held in no language named
            languages.setdefault(session_id, []).append(code)
    return languages


def rooms_in_order(rooms):
    """The rooms in the edition's order, the room to be announced (None) last."""
    ordered = sorted(
        (room for room in rooms if room is not None), key=lambda room: (room.order, room.name)
    )
    if None in rooms:
        ordered.append(None)
    return ordered


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
    session.shown_title = shown_title(session.title, session.status, labels.cancelled_title)
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
