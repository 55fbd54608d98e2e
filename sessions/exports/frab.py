"""frab / Pentabarf schedule.xml: the days, their rooms and events, and the tracks."""

import re

from django.urls import reverse

from ..models import Session
from .fields import (
    GENERATOR,
    HEX_COLOUR,
    TIMESLOT,
    acronym,
    event_slug,
    hours_minutes,
    room_guid,
    xml_attribute,
    xml_text,
)
from .program import track_name

# What the schema accepts as slugs: a track's, an event's.
TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
FRAB_EVENT_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")


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
        f'      <event guid="{session.guid}" id="{session.public_id}">',
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
