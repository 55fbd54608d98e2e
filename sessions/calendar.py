"""iCalendar (RFC 5545) feeds of the program, built with the icalendar package.

Times are written in the edition's own zone with its VTIMEZONE; UIDs depend only on the
session's id, so a calendar that subscribed once updates the same events; cancelled sessions
stay in the feed with STATUS:CANCELLED so that calendars remove them from view."""

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from .markup import markdown_to_text

PRODUCT_ID = "-//NIIC program//Conference schedule//EN"
CALENDAR_STATUS = {"published": "CONFIRMED", "cancelled": "CANCELLED"}


def session_uid(session):
    return f"session-{session.pk}@{settings.NIIC_CALENDAR_UID_DOMAIN}"


def session_event(session, request):
    zone = session.conference.tzinfo
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", timezone.localtime(session.starts_at, zone))
    event.add("dtend", timezone.localtime(session.ends_at, zone))
    event.add("summary", session.title)
    event.add("status", CALENDAR_STATUS[session.status])
    event.add("url", request.build_absolute_uri(session.get_absolute_url()))
    if session.room is not None:
        event.add("location", f"{session.room.name}, {session.conference.city}")
    if session.track is not None:
        event.add("categories", [session.track.name])
    panel = ", ".join(seat.speaker.name for seat in session.panel.all())
    lines = [markdown_to_text(session.description)]
    if panel:
        lines.append(f"Panel: {panel}")
    if session.is_sample:
        lines.append("Sample schedule: time, room and line-up are invented for demonstration.")
    event.add("description", "\n\n".join(line for line in lines if line))
    return event


def calendar_response(sessions, request, *, name, filename):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(session_event(session, request))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
