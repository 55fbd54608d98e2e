"""c3voc schedule.json: the frab schedule as JSON, with rooms' capacities and speakers' pages."""

import re

from django.urls import reverse

from ..cards import SLUG_PLACEHOLDER
from ..models import Session
from .event_tracks import event_track, format_tracks
from .fields import (
    GENERATOR,
    HEX_COLOUR,
    TIMESLOT,
    acronym,
    event_slug,
    hours_minutes,
    room_guid,
)
from .program import track_name

# What the schema accepts as a slug.
C3VOC_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")


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
    tracks += [{"name": name} for name in format_tracks(program)]
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
        "id": session.public_id,
        "date": session.local_start.isoformat(),
        "start": f"{session.local_start:%H:%M}",
        "end": session.local_end.isoformat(),
        "duration": hours_minutes(session.ends_at - session.starts_at),
        "room": session.room_label,
        "slug": event_slug(session.conference, session),
        "url": session.url,
        "title": session.shown_title,
        "subtitle": session.cancellation_note if cancelled and session.cancellation_note else None,
        "track": event_track(session),
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
