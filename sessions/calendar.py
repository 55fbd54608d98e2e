"""iCalendar (RFC 5545) feeds of the program.

The VTIMEZONE comes from the icalendar package; the events are written here, line by line,
because icalendar's per-property serializer costs about a millisecond per event and a whole
edition must download in well under 150 ms (`make bench`). The tests read every feed back with
icalendar, field by field, and with vobject, which reads times through the file's own VTIMEZONE.
Times are in the edition's own zone; UIDs depend only on the session's public id (which a
retitle, a slug edit, a track move or a deletion and re-creation leave as it is, see
sessions.identity), so a subscribed calendar updates its events; cancelled sessions stay in the
feed with STATUS:CANCELLED so that calendars strike them out, and their SUMMARY starts with the
same "Cancelled:" as the exports' titles, for clients that ignore STATUS. Every feed asks
subscribed clients to refresh it as often as the site's freshness promise
(NIIC_FRESHNESS_SECONDS), in REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (Outlook's).

A file holds one VTIMEZONE per zone, covering every event in it: an agenda across editions in
one zone must not repeat the TZID, since parsers (vobject, ical.js) keep the first block and
would read the other edition's times with it. DTSTAMP is the moment the file is made (RFC 5545,
3.8.7.2, as the file says METHOD:PUBLISH); the ETag covers everything else, so that an unchanged
program still answers a conditional GET with a 304."""

import datetime
import hashlib
import re
from functools import lru_cache

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import quote_etag
from django.utils.translation import gettext, gettext_lazy

from .cards import SLUG_PLACEHOLDER, panel_names_by_session
from .exports.fields import cancelled_title_pattern, display_title, shown_title
from .markup import markdown_as_plain_text
from .safe_text import attachment_header
from .texts import page_language, reader

PRODUCT_ID = "-//NIIC program//Conference schedule//EN"
CALENDAR_STATUS = {"published": "CONFIRMED", "cancelled": "CANCELLED"}
SAMPLE_NOTE = gettext_lazy(
    "Sample schedule: time, room and line-up are invented for demonstration."
)
MAX_LINE_OCTETS = 75
# Written where the file's DTSTAMP goes, and replaced by it once the ETag is taken.
FILE_STAMP = "FILE-STAMP"


# Line breaks in any convention (CRLF, a bare CR, LF, and the Unicode line and paragraph
# separators that some parsers also split on) become the escaped newline of a TEXT value.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# Other control characters are not allowed in a TEXT value at all (3.3.11): dropped.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Whatever either of them would change (CR is among the control characters; LF stays LF).
TO_CLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def escape_text(value):
    """TEXT values (RFC 5545, 3.3.11): backslash, semicolon and comma escaped, every line break
    written as \\n and no other control character kept, so that nothing in organizer text can
    end the content line or start another."""
    if TO_CLEAN.search(value):  # most text has none: one scan instead of two substitutions
        value = CONTROL.sub("", LINE_BREAK.sub("\n", value))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """Content lines longer than 75 octets continue on lines that start with a space (3.1),
    never splitting a UTF-8 character: each piece holds as many characters as fit."""
    encoded = line.encode()
    if len(encoded) <= MAX_LINE_OCTETS:
        return line
    if len(encoded) == len(line):  # ASCII: an octet a character
        rest = MAX_LINE_OCTETS - 1
        pieces = [line[:MAX_LINE_OCTETS]]
        pieces += [line[start : start + rest] for start in range(MAX_LINE_OCTETS, len(line), rest)]
        return "\r\n ".join(pieces)
    pieces, start, limit = [], 0, MAX_LINE_OCTETS
    while len(encoded) - start > limit:
        end = start + limit
        while encoded[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        pieces.append(encoded[start:end])
        start, limit = end, MAX_LINE_OCTETS - 1
    pieces.append(encoded[start:])
    return b"\r\n ".join(pieces).decode()


def utc_stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@lru_cache(maxsize=4096)
def local_stamp(moment, zone):
    """Remembered: sessions share their slots' times, and formatting one costs more than
    looking it up."""
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def zone_years(sessions):
    """{time zone: (first year, last year)} over the events of a file, on each zone's clock."""
    years = {}
    for session in sessions:
        conference = session.conference
        first = session.starts_at.astimezone(conference.tzinfo).year
        last = session.ends_at.astimezone(conference.tzinfo).year
        known = years.get(conference.time_zone, (first, last))
        years[conference.time_zone] = (min(known[0], first), max(known[1], last))
    return years


def vtimezones(sessions):
    """One VTIMEZONE for each zone of the file, covering all its events (with a year to spare
    on each side, for calendars that expand around them), as component lines."""
    lines = []
    for time_zone, (first_year, last_year) in sorted(zone_years(sessions).items()):
        lines += vtimezone_lines(time_zone, first_year - 1, last_year + 1)
    return lines


def stamped_response(body, stamp, *, around, content_type, filename):
    """The file with FILE_STAMP replaced by `stamp(now)`, and an ETag of the rest: a weak one,
    since two copies that differ only in when they were made are equivalent, not identical.
    `around` is the text on each side of FILE_STAMP where it stands for the stamp, which no
    escaped value can contain (a line break, a tag), so that a title cannot be stamped."""
    etag = "W/" + quote_etag(hashlib.md5(body.encode(), usedforsecurity=False).hexdigest())
    before, after = around
    content = body.replace(
        f"{before}{FILE_STAMP}{after}", f"{before}{stamp(timezone.now())}{after}"
    )
    response = HttpResponse(content.encode(), content_type=content_type)
    response["ETag"] = etag
    response["Content-Disposition"] = attachment_header(filename)
    return response


@lru_cache(maxsize=32)
def vtimezone_lines(time_zone, first_year, last_year):
    """The zone's VTIMEZONE from icalendar, unfolded, with each RDATE on a line of its own:
    over several years icalendar lists an observance's dates on one RDATE line, of which
    vobject reads only the first date, and then every later year's times an hour off."""
    component = icalendar.Timezone.from_tzid(
        time_zone,
        first_date=datetime.date(first_year, 1, 1),
        last_date=datetime.date(last_year + 1, 1, 1),
    )
    lines = []
    for line in component.to_ical().decode().replace("\r\n ", "").rstrip("\r\n").split("\r\n"):
        name, _, value = line.partition(":")
        if name == "RDATE":
            lines += [f"RDATE:{each}" for each in value.split(",")]
        else:
            lines.append(line)
    return lines


def language_parameter(shown, language):
    """ ";LANGUAGE=en" on a text shown in English in a calendar of another language."""
    return f";LANGUAGE={shown}" if shown and shown != language else ""


def event_uid(session):
    """The event's UID: the session's public id, never its database id, title or slug."""
    return f"session-{session.public_id}@{settings.NIIC_CALENDAR_UID_DOMAIN}"


def refresh_duration():
    """The freshness promise as an iCalendar DURATION, e.g. PT60S."""
    return f"PT{int(settings.NIIC_FRESHNESS_SECONDS)}S"


def event_lines(session, url, panel, *, read, panel_label, sample_note, cancelled_title):
    """`read`: the text readers of the file's language (sessions.texts.reader), by field."""
    conference = session.conference
    title, title_language = read["title"](session)
    zone = conference.tzinfo
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(session)}",
        f"DTSTAMP:{FILE_STAMP}",
        f"LAST-MODIFIED:{utc_stamp(session.updated_at)}",
        f"DTSTART;TZID={conference.time_zone}:{local_stamp(session.starts_at, zone)}",
        f"DTEND;TZID={conference.time_zone}:{local_stamp(session.ends_at, zone)}",
        f"SUMMARY{language_parameter(title_language, read['language'])}:"
        f"{escape_text(shown_title(title, session.status, cancelled_title))}",
        f"STATUS:{CALENDAR_STATUS[session.status]}",
        f"URL:{url}",
    ]
    if session.room is not None:
        room, _ = read["name"](session.room)
        lines.append(f"LOCATION:{escape_text(f'{room}, {conference.city}')}")
    if session.track is not None:
        track, _ = read["name"](session.track)
        lines.append(f"CATEGORIES:{escape_text(display_title(track))}")
    paragraphs = [markdown_as_plain_text(read["description"](session)[0])]
    if session.status == "cancelled":
        note, _ = read["cancellation_note"](session)
        if note:
            paragraphs.insert(0, note)
    if panel:
        paragraphs.append(panel_label % {"names": panel})
    if session.is_sample:
        paragraphs.append(sample_note)
    description = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar_response(sessions, request, *, name, filename):
    """`sessions`: a queryset of Session.objects.for_listing()."""
    sessions = list(sessions)
    panels = panel_names_by_session([session.pk for session in sessions])
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh_duration()}",
        f"X-PUBLISHED-TTL:{refresh_duration()}",
    ]
    editions = {session.conference_id: session.conference for session in sessions}
    lines += vtimezones(sessions)
    url_patterns = {
        conference.pk: request.build_absolute_uri(
            reverse(
                "program:session-detail",
                kwargs={"edition": conference.slug, "session": SLUG_PLACEHOLDER},
            )
        )
        for conference in editions.values()
    }
    # The generated words, translated once for the file.
    language = page_language()
    generated = {
        # Which column each text comes from, resolved once for the file.
        "read": {
            "language": language,
            **{
                field: reader(field, language)
                for field in ("title", "description", "cancellation_note", "name")
            },
        },
        # Translators: in a calendar event's description, before the names of its speakers.
        "panel_label": gettext("Panel: %(names)s"),
        "sample_note": str(SAMPLE_NOTE),
        "cancelled_title": cancelled_title_pattern(),
    }
    for session in sessions:
        url = url_patterns[session.conference_id].replace(SLUG_PLACEHOLDER, session.slug)
        lines += event_lines(session, url, panels.get(session.pk, ""), **generated)
    lines.append("END:VCALENDAR")
    body = "\r\n".join(fold(line) for line in lines) + "\r\n"
    return stamped_response(
        body,
        utc_stamp,
        around=("\r\nDTSTAMP:", "\r\n"),
        content_type="text/calendar; charset=utf-8",
        filename=filename,
    )
