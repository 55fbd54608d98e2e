"""xCal (RFC 6321): the calendar feed's events, in XML: the same UIDs as the .ics feeds, and
the title every export writes (capitalised, marked when cancelled)."""

import datetime

from .. import calendar
from .fields import xml_text


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
    for session in sessions:
        properties = [
            xcal_text("uid", calendar.event_uid(session)),
            f"<dtstamp><date-time>{calendar.FILE_STAMP}</date-time></dtstamp>",
            xcal_date_time("last-modified", session.updated_at),
            xcal_date_time("dtstart", session.local_start, zone_name),
            xcal_date_time("dtend", session.local_end, zone_name),
            xcal_text("summary", session.shown_title),
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
