"""frab / Pentabarf schedule.xml: the days, their rooms and events, and the tracks."""

import re

from django.urls import reverse

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
    xml_attribute,
    xml_text,
)
from .program import track_name

# What the schema accepts as slugs: a track's, an event's.
TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
FRAB_EVENT_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
# Whether the speakers opted out of being recorded. NIIC holds no recording consent and no
# opt-out: "false" is what frab and pretalx write when nobody opted out, which is all this
# program knows. It is not a consent to record.
RECORDING_OPT_OUT = "false"


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
    for name in format_tracks(program):
        out.append(f"    <track name={xml_attribute(name)}>{xml_text(name)}</track>")
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
    """One event with every element frab and pretalx write, in their order
    (tests/formats/frab_event_elements.json names them and where that order comes from):
    readers written against their files, such as pretalx's own frab importer, look each one
    up and fail on one left out. What NIIC does not hold is written empty."""
    lines = [
        f'      <event guid="{session.guid}" id="{session.public_id}">',
        f"        <date>{session.local_start.isoformat()}</date>",
        f"        <start>{session.local_start:%H:%M}</start>",
        f"        <duration>{hours_minutes(session.ends_at - session.starts_at)}</duration>",
        f"        <room>{xml_text(session.room_label)}</room>",
    ]
    slug = frab_slug(session)
    if slug:
        lines.append(f"        <slug>{slug}</slug>")
    lines += [
        f"        <url>{xml_text(session.url)}</url>",
        "        <recording>",
        "          <license/>",
        f"          <optout>{RECORDING_OPT_OUT}</optout>",
        "        </recording>",
        f"        <title>{xml_text(session.shown_title)}</title>",
        text_element("subtitle", subtitle(session)),
        f"        <track>{xml_text(event_track(session))}</track>",
        f"        <type>{xml_text(session.format_label)}</type>",
        text_element("language", ", ".join(session.language_codes)),
        text_element("abstract", session.abstract),
        # The abstract holds the whole description already (with the panel and any sample
        # note): written twice, apps that show both would repeat it.
        "        <description/>",
        "        <logo/>",
        "        <persons>",
    ]
    for seat in session.panel_seats:
        lines.append(
            f'          <person id="{seat.speaker_id}" guid="{seat.guid}">'
            f"{xml_text(seat.name)}</person>"
        )
    lines += [
        "        </persons>",
        "        <links/>",
        "        <attachments/>",
        "      </event>",
    ]
    return "\n".join(lines)


def text_element(name, value):
    """The element with its text, or empty (<name/>) when there is none."""
    return f"        <{name}>{xml_text(value)}</{name}>" if value else f"        <{name}/>"


def subtitle(session):
    if session.status == Session.Status.CANCELLED:
        return session.cancellation_note
    return ""


def frab_slug(session):
    """The event's slug as the schema accepts one ("acronym-rest", the rest at least four
    long), or "" if it cannot be. A session of a short id and no slug of its own gets
    "-event" added: its id keeps it unique."""
    slug = event_slug(session.conference, session)
    for candidate in (slug, f"{slug}-event"):
        if FRAB_EVENT_SLUG.fullmatch(candidate):
            return candidate
    return ""
